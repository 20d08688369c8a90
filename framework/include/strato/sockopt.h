#pragma once
// getsockopt/setsockopt parameters as the falcosecurity event format carries
// them: level and option name mapped to the format's own codes, and the
// option value as a "dynamic" parameter (a type byte, then the value).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace strato::scap {

uint8_t sockopt_level_code(int level);             // SOL_SOCKET -> 1, SOL_TCP -> 2, else 0
uint8_t sockopt_name_code(int level, int optname);  // SOL_SOCKET options; 0: unknown
// Names of those codes ("SOL_SOCKET", "SO_ERROR"); the number when unknown.
std::string sockopt_level_text(uint64_t code);
std::string sockopt_name_text(uint64_t level_code, uint64_t code);
// The value parameter for `len` bytes the call returned at `val`.
std::string sockopt_value(int level, int optname, const uint8_t* val, size_t len);
// Text of a value parameter: the errno name for SO_ERROR ("0" when none),
// the number for integer options, the bytes otherwise.
std::string sockopt_value_text(std::string_view param);

}  // namespace strato::scap
