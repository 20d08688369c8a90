// Address: IPv4, IPv6 and Ethernet addresses, printed as tshark prints
// them with name resolution off (dotted quad, RFC 5952, colon hex).
#include <arpa/inet.h>

#include <cstring>
#include <string>

#include "lua_state.h"
#include "tvb_api_internal.h"

namespace strato::lua {

namespace detail {

namespace {

size_t size_of(const strato::Address& a) {
  switch (a.family) {
    case strato::Address::IPv4: return 4;
    case strato::Address::IPv6: return 16;
    case strato::Address::Ether: return 6;
    default: return 0;
  }
}

const strato::Address& check_address(lua_State* L, int idx) {
  return *static_cast<strato::Address*>(::strato::lua::check_udata(L, idx, kAddress));
}

// Wireshark resolves host names here; strato takes literals only, and like
// Wireshark gives the all-zero address when the text is not one.
int from_ip(lua_State* L) {
  strato::Address a;
  a.family = strato::Address::IPv4;
  if (inet_pton(AF_INET, luaL_checkstring(L, 1), a.bytes) != 1) std::memset(a.bytes, 0, 4);
  push_address(L, a);
  return 1;
}

int from_ipv6(lua_State* L) {
  strato::Address a;
  a.family = strato::Address::IPv6;
  if (inet_pton(AF_INET6, luaL_checkstring(L, 1), a.bytes) != 1) std::memset(a.bytes, 0, 16);
  push_address(L, a);
  return 1;
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Six hex pairs separated by ':', '-' or '.' (or none).
bool parse_ether(const char* s, uint8_t* out) {
  for (int i = 0; i < 6; ++i) {
    if (i && (*s == ':' || *s == '-' || *s == '.')) ++s;
    const int hi = hexval(s[0]);
    const int lo = hi < 0 ? -1 : hexval(s[1]);
    if (lo < 0) return false;
    out[i] = uint8_t(hi << 4 | lo);
    s += 2;
  }
  return *s == '\0';
}

int from_ether(lua_State* L) {
  strato::Address a;
  a.family = strato::Address::Ether;
  if (!parse_ether(luaL_checkstring(L, 1), a.bytes)) std::memset(a.bytes, 0, 6);
  push_address(L, a);
  return 1;
}

int tostring(lua_State* L) {
  const strato::Address& a = check_address(L, 1);
  char buf[INET6_ADDRSTRLEN];
  switch (a.family) {
    case strato::Address::IPv4:
      inet_ntop(AF_INET, a.bytes, buf, sizeof buf);
      break;
    case strato::Address::IPv6:
      inet_ntop(AF_INET6, a.bytes, buf, sizeof buf);
      break;
    case strato::Address::Ether:
      snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3],
               a.bytes[4], a.bytes[5]);
      break;
    default:
      snprintf(buf, sizeof buf, "%s", "");
  }
  lua_pushstring(L, buf);
  return 1;
}

// Wireshark's cmp_address: by type, then length, then bytes.
int compare(lua_State* L) {
  const strato::Address& a = check_address(L, 1);
  const strato::Address& b = check_address(L, 2);
  if (a.family != b.family) return a.family < b.family ? -1 : 1;
  return std::memcmp(a.bytes, b.bytes, size_of(a));
}

int eq(lua_State* L) {
  lua_pushboolean(L, compare(L) == 0);
  return 1;
}
int lt(lua_State* L) {
  lua_pushboolean(L, compare(L) < 0);
  return 1;
}
int le(lua_State* L) {
  lua_pushboolean(L, compare(L) <= 0);
  return 1;
}

const luaL_Reg kMethods[] = {
    {"__tostring", tostring}, {"__eq", eq}, {"__lt", lt}, {"__le", le}, {nullptr, nullptr},
};
const luaL_Reg kStatics[] = {
    {"ip", from_ip}, {"ipv4", from_ip}, {"ipv6", from_ipv6}, {"ether", from_ether}, {nullptr, nullptr},
};

}  // namespace

void open_address(lua_State* L) { new_class(L, kAddress, kMethods, kStatics); }

}  // namespace detail

const strato::Address* test_address(lua_State* L, int idx) {
  return static_cast<const strato::Address*>(::strato::lua::test_udata(L, idx, detail::kAddress));
}

void push_address(lua_State* L, const strato::Address& a) {
  *static_cast<strato::Address*>(lua_newuserdatauv(L, sizeof(strato::Address), 0)) = a;
  ::strato::lua::set_metatable(L, detail::kAddress);
}

}  // namespace strato::lua
