#pragma once
// What the files of the Tvb API (tvb_api.cpp, tvbrange.cpp, bytearray.cpp,
// int64.cpp, address.cpp, nstime.cpp) share; not for plugins.
#include <cstdint>
#include <string>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include "tvb_api.h"

namespace strato::lua::detail {

inline constexpr const char* kTvb = "Tvb";
inline constexpr const char* kTvbRange = "TvbRange";
inline constexpr const char* kByteArray = "ByteArray";
inline constexpr const char* kUInt64 = "UInt64";
inline constexpr const char* kInt64 = "Int64";
inline constexpr const char* kAddress = "Address";
inline constexpr const char* kNSTime = "NSTime";

// The userdata behind a Tvb / TvbRange: the public struct first (so the
// contract's pointers are into the userdata) and the state's generation
// counter, so an expiry check needs no registry lookup.
struct TvbUd {
  LuaTvb t;
  const uint64_t* gen;
};
struct RangeUd {
  LuaTvbRange r;
  const uint64_t* gen;
};

// Metatable `name` (with __name, methods reachable through __index) and a
// global class table `name` holding `statics` and the methods too, as
// Wireshark lets scripts call ByteArray.len(b) or UInt64.tonumber(x). The
// methods (not the statics) are closures with the metatable as upvalue 1.
void new_class(lua_State* L, const char* name, const luaL_Reg* methods, const luaL_Reg* statics);
// wslua's __concat: both operands through tostring.
int concat_as_strings(lua_State* L);

const uint64_t* generation_counter(lua_State* L);
LuaTvbRange* push_range(lua_State* L, const LuaTvb& tvb, uint32_t offset, uint32_t len, const uint64_t* gen);
RangeUd* check_range_ud(lua_State* L, int idx);
// Argument 1 of a TvbRange method, checked against the closure's upvalue
// (the metatable new_class gives every method): no registry lookup.
RangeUd* self_range_ud(lua_State* L);

std::string* check_bytearray(lua_State* L, int idx);
std::string& push_empty_bytearray(lua_State* L);
// A Tvb over a copy of `bytes` kept by the state until end_generation().
LuaTvb* push_tvb_copy(lua_State* L, const std::string& bytes);

// Any value UInt64/Int64 arithmetic accepts (numbers, decimal strings,
// UInt64, Int64); a Lua error for anything else.
uint64_t check_u64(lua_State* L, int idx);

void open_tvbrange(lua_State* L);
void open_bytearray(lua_State* L);
void open_int64(lua_State* L);
void open_address(lua_State* L);
void open_nstime(lua_State* L);

}  // namespace strato::lua::detail
