// NSTime: seconds and nanoseconds, as TvbRange:nstime() returns them.
// Printing folds the two into one signed count first, so a negative
// nanosecond part (Wireshark keeps nsecs as a signed int) borrows a second
// the way tshark prints it.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "lua_state.h"
#include "tvb_api_internal.h"

namespace strato::lua {

namespace detail {

namespace {

struct NSTime {
  int64_t secs;
  int32_t nsecs;
};

constexpr int64_t kNano = 1000000000;

NSTime& check(lua_State* L, int idx) { return *static_cast<NSTime*>(::strato::lua::check_udata(L, idx, kNSTime)); }

// The time in nanoseconds; 128-bit so extreme seconds do not overflow.
__int128 total(const NSTime& t) { return __int128(t.secs) * kNano + t.nsecs; }

void push_total(lua_State* L, __int128 ns) {
  const auto secs = int64_t(ns / kNano);
  push_nstime(L, secs, int32_t(ns - __int128(secs) * kNano));
}

int new_at(lua_State* L, int base) {
  push_nstime(L, luaL_optinteger(L, base, 0), int32_t(luaL_optinteger(L, base + 1, 0)));
  return 1;
}
int ns_new(lua_State* L) { return new_at(L, 1); }
int ns_call(lua_State* L) { return new_at(L, 2); }

int tostring(lua_State* L) {
  const __int128 ns = total(check(L, 1));
  const unsigned __int128 mag = ns < 0 ? -(unsigned __int128)ns : (unsigned __int128)ns;
  char buf[64];
  snprintf(buf, sizeof buf, "%s%llu.%09u", ns < 0 ? "-" : "", static_cast<unsigned long long>(mag / kNano),
           unsigned(mag % kNano));
  lua_pushstring(L, buf);
  return 1;
}

int tonumber(lua_State* L) {
  const NSTime& t = check(L, 1);
  lua_pushnumber(L, lua_Number(t.secs) + lua_Number(t.nsecs) / kNano);
  return 1;
}

int index(lua_State* L) {
  const NSTime& t = check(L, 1);
  const char* key = luaL_checkstring(L, 2);
  if (!std::strcmp(key, "secs")) lua_pushinteger(L, t.secs);
  else if (!std::strcmp(key, "nsecs")) lua_pushinteger(L, t.nsecs);
  else {
    ::strato::lua::get_metatable(L, kNSTime);
    lua_getfield(L, -1, "methods");
    lua_getfield(L, -1, key);
  }
  return 1;
}

int add(lua_State* L) {
  push_total(L, total(check(L, 1)) + total(check(L, 2)));
  return 1;
}
int sub(lua_State* L) {
  push_total(L, total(check(L, 1)) - total(check(L, 2)));
  return 1;
}
int unm(lua_State* L) {
  push_total(L, -total(check(L, 1)));
  return 1;
}
int eq(lua_State* L) {
  lua_pushboolean(L, total(check(L, 1)) == total(check(L, 2)));
  return 1;
}
int lt(lua_State* L) {
  lua_pushboolean(L, total(check(L, 1)) < total(check(L, 2)));
  return 1;
}
int le(lua_State* L) {
  lua_pushboolean(L, total(check(L, 1)) <= total(check(L, 2)));
  return 1;
}

const luaL_Reg kMethods[] = {
    {"tonumber", tonumber}, {"__tostring", tostring}, {"__concat", concat_as_strings},
    {"__add", add},         {"__sub", sub},           {"__unm", unm},
    {"__eq", eq},           {"__lt", lt},             {"__le", le},
    {nullptr, nullptr},
};
const luaL_Reg kStatics[] = {{"new", ns_new}, {nullptr, nullptr}};

}  // namespace

void open_nstime(lua_State* L) {
  new_class(L, kNSTime, kMethods, kStatics);
  // Fields secs/nsecs next to the methods: __index becomes a function.
  ::strato::lua::get_metatable(L, kNSTime);
  lua_newtable(L);
  luaL_setfuncs(L, kMethods, 0);
  lua_setfield(L, -2, "methods");
  lua_pushcfunction(L, index);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  lua_getglobal(L, kNSTime);
  lua_newtable(L);
  lua_pushcfunction(L, ns_call);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
  lua_pop(L, 1);
}

}  // namespace detail

void push_nstime(lua_State* L, int64_t secs, int32_t nsecs) {
  *static_cast<detail::NSTime*>(lua_newuserdatauv(L, sizeof(detail::NSTime), 0)) = {secs, nsecs};
  ::strato::lua::set_metatable(L, detail::kNSTime);
}

}  // namespace strato::lua
