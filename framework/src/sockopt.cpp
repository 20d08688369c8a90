#include "strato/sockopt.h"

#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstring>

#include "strato/syscall_event.h"

namespace strato::scap {

namespace {

// Type bytes of the value parameter.
constexpr uint8_t kIdxUnknown = 0, kIdxErrno = 1, kIdxUint32 = 2;

// The SOL_SOCKET options whose value is a plain int.
bool int_option(int optname) {
  switch (optname) {
    case SO_DEBUG: case SO_REUSEADDR: case SO_TYPE: case SO_DONTROUTE: case SO_BROADCAST:
    case SO_SNDBUF: case SO_RCVBUF: case SO_KEEPALIVE: case SO_OOBINLINE: case SO_NO_CHECK:
    case SO_PRIORITY: case SO_BSDCOMPAT: case SO_REUSEPORT: case SO_PASSCRED: case SO_RCVLOWAT:
    case SO_SNDLOWAT:
      return true;
    default:
      return false;
  }
}

}  // namespace

uint8_t sockopt_level_code(int level) {
  if (level == SOL_SOCKET) return 1;
  if (level == SOL_TCP) return 2;
  return 0;
}

uint8_t sockopt_name_code(int level, int optname) {
  // The format numbers the first nineteen SOL_SOCKET options (SO_DEBUG to
  // SO_SNDLOWAT) as Linux's generic numbering does; later ones it renumbers,
  // and those strato leaves unknown.
  return level == SOL_SOCKET && optname >= 1 && optname <= 19 ? static_cast<uint8_t>(optname) : 0;
}

std::string sockopt_level_text(uint64_t code) {
  if (code == 1) return "SOL_SOCKET";
  if (code == 2) return "SOL_TCP";
  return std::to_string(code);
}

std::string sockopt_name_text(uint64_t level_code, uint64_t code) {
  static const char* const kNames[] = {
      nullptr,        "SO_DEBUG",     "SO_REUSEADDR", "SO_TYPE",     "SO_ERROR",     "SO_DONTROUTE", "SO_BROADCAST",
      "SO_SNDBUF",    "SO_RCVBUF",    "SO_KEEPALIVE", "SO_OOBINLINE", "SO_NO_CHECK",  "SO_PRIORITY",  "SO_LINGER",
      "SO_BSDCOMPAT", "SO_REUSEPORT", "SO_PASSCRED",  "SO_PEERCRED", "SO_RCVLOWAT",  "SO_SNDLOWAT"};
  if (level_code == 1 && code < sizeof kNames / sizeof kNames[0] && kNames[code]) return kNames[code];
  return std::to_string(code);
}

std::string sockopt_value(int level, int optname, const uint8_t* val, size_t len) {
  std::string out;
  if (level == SOL_SOCKET && optname == SO_ERROR && len >= 4) {
    int32_t err;
    std::memcpy(&err, val, 4);
    int64_t neg = -int64_t(err);  // carried negated, as a result would be
    out.push_back(static_cast<char>(kIdxErrno));
    out.append(reinterpret_cast<const char*>(&neg), 8);
    return out;
  }
  if (level == SOL_SOCKET && int_option(optname) && len == 4) {
    out.push_back(static_cast<char>(kIdxUint32));
    out.append(reinterpret_cast<const char*>(val), 4);
    return out;
  }
  out.push_back(static_cast<char>(kIdxUnknown));
  out.append(reinterpret_cast<const char*>(val), len);
  return out;
}

std::string sockopt_value_text(std::string_view p) {
  if (p.empty()) return {};
  const uint8_t idx = static_cast<uint8_t>(p[0]);
  p.remove_prefix(1);
  if (idx == kIdxErrno && p.size() == 8) {
    int64_t v;
    std::memcpy(&v, p.data(), 8);
    if (v == 0) return "0";
    const char* name = errno_name(-v);
    return name ? name : std::to_string(v);
  }
  if (idx == kIdxUint32 && p.size() == 4) {
    uint32_t v;
    std::memcpy(&v, p.data(), 4);
    return std::to_string(v);
  }
  std::string hex;
  static const char kHex[] = "0123456789abcdef";
  for (unsigned char c : p) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 15]);
  }
  return hex;
}

}  // namespace strato::scap
