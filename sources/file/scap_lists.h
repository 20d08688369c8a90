#pragma once
// The list blocks at the head of a .scap file: processes (all versions), fds,
// users. Each parser fills ScapState and returns false with `err` set (one
// phrase naming the entry and the cause) when the block's content is corrupt.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scap_state.h"

namespace strato::file {

// Process list version (1..9) of a block type, 0 when it is not one.
int scap_process_list_version(uint32_t block_type);

bool read_scap_process_list(int version, const uint8_t* body, size_t n, ScapState& state, std::string& err);
bool read_scap_fd_list(bool v2, const uint8_t* body, size_t n, ScapState& state, std::string& err);
bool read_scap_user_list(bool v2, const uint8_t* body, size_t n, ScapState& state, std::string& err);

}  // namespace strato::file
