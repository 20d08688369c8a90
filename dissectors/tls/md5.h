#pragma once
// MD5 (RFC 1321) for the JA3/JA3S fingerprints: hex digest of a string.
#include <string>
#include <string_view>

namespace strato::tls {

std::string md5_hex(std::string_view data);

}  // namespace strato::tls
