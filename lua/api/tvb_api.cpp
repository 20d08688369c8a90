#include "lua_state.h"
#include "tvb_api.h"

#include <string>

#include "tvb_api_internal.h"

namespace strato::lua {

namespace detail {

namespace {

// Registry keys (their addresses): the generation counter, and the table of
// byte copies that ByteArray:tvb() Tvbs point into.
const char kGenerationKey = 0;
const char kCopiesKey = 0;

TvbUd* check_tvb_ud(lua_State* L, int idx) {
  auto* ud = static_cast<TvbUd*>(::strato::lua::check_udata(L, idx, kTvb));
  if (ud->t.generation != *ud->gen) luaL_error(L, "expired tvb");
  return ud;
}

// Argument 1 of a Tvb method: its metatable is the closure's upvalue (new_class).
TvbUd* self_tvb_ud(lua_State* L) {
  auto* ud = static_cast<TvbUd*>(lua_touserdata(L, 1));
  bool ok = false;
  if (ud && lua_getmetatable(L, 1)) {
    ok = lua_rawequal(L, -1, lua_upvalueindex(1));
    lua_pop(L, 1);
  }
  if (!ok) return check_tvb_ud(L, 1);  // raises the usual error
  if (ud->t.generation != *ud->gen) luaL_error(L, "expired tvb");
  return ud;
}

// Tvb(off[, len]) and Tvb:range(off[, len]) as wslua: len -1 means to the
// end, an offset past the end then gives an empty range; a negative offset
// counts from the end.
int tvb_range(lua_State* L) {
  TvbUd* ud = self_tvb_ud(L);
  const int64_t cap = ud->t.len;
  int64_t off = luaL_optinteger(L, 2, 0);
  int64_t len = luaL_optinteger(L, 3, -1);
  if (len == -1) {
    if (off < 0) off += cap;
    if (off < 0) return luaL_error(L, "Range is out of bounds");
    if (off > cap) off = cap;
    len = cap - off;
  } else {
    if (len < 0 || off + len > cap || (off < 0 && off + len < 0)) return luaL_error(L, "Range is out of bounds");
    if (off < 0) off += cap;
    if (off < 0) return luaL_error(L, "Range is out of bounds");
  }
  push_range(L, ud->t, uint32_t(off), uint32_t(len), ud->gen);
  return 1;
}

int tvb_len(lua_State* L) {
  lua_pushinteger(L, self_tvb_ud(L)->t.len);
  return 1;
}

int tvb_reported_len(lua_State* L) {
  lua_pushinteger(L, self_tvb_ud(L)->t.reported);
  return 1;
}

int tvb_reported_length_remaining(lua_State* L) {
  TvbUd* ud = self_tvb_ud(L);
  int64_t off = luaL_optinteger(L, 2, 0);
  const int64_t rep = ud->t.reported;
  if (off < 0) off += rep;
  lua_pushinteger(L, off < 0 || off > rep ? 0 : rep - off);
  return 1;
}

int tvb_offset(lua_State* L) {
  TvbUd* ud = self_tvb_ud(L);
  lua_pushinteger(L, ud->t.base == strato::Tvb::kDetached ? 0 : ud->t.base);
  return 1;
}

// The [off, off+len) slice that Tvb:bytes() and Tvb:raw() take; false when
// the offset is past the end (callers differ there).
bool slice(lua_State* L, const LuaTvb& t, int64_t& off, int64_t& len) {
  off = luaL_optinteger(L, 2, 0);
  len = luaL_optinteger(L, 3, -1);
  if (off < 0 || off > int64_t(t.len)) return false;
  if (len == -1) len = t.len - off;
  if (len < 0 || off + len > int64_t(t.len)) luaL_error(L, "Range is out of bounds");
  return true;
}

int tvb_bytes(lua_State* L) {
  TvbUd* ud = self_tvb_ud(L);
  int64_t off, len;
  if (!slice(L, ud->t, off, len)) {
    push_empty_bytearray(L);
    return 1;
  }
  push_bytearray(L, ud->t.data + off, size_t(len));
  return 1;
}

int tvb_raw(lua_State* L) {
  TvbUd* ud = self_tvb_ud(L);
  int64_t off, len;
  if (!slice(L, ud->t, off, len)) return luaL_argerror(L, 1, "Tvb_raw: offset beyond end of Tvb");
  lua_pushlstring(L, reinterpret_cast<const char*>(ud->t.data) + off, size_t(len));
  return 1;
}

// "TVB(N) : hex", the hex cut after 36 bytes with an ellipsis, as Wireshark.
int tvb_tostring(lua_State* L) {
  TvbUd* ud = self_tvb_ud(L);
  lua_pushfstring(L, "TVB(%d) : ", int(ud->t.len));
  push_range(L, ud->t, 0, ud->t.len, ud->gen);
  luaL_tolstring(L, -1, nullptr);
  lua_remove(L, -2);
  lua_concat(L, 2);
  return 1;
}

const luaL_Reg kTvbMethods[] = {
    {"range", tvb_range},
    {"len", tvb_len},
    {"captured_len", tvb_len},
    {"reported_len", tvb_reported_len},
    {"reported_length_remaining", tvb_reported_length_remaining},
    {"offset", tvb_offset},
    {"bytes", tvb_bytes},
    {"raw", tvb_raw},
    {"__call", tvb_range},
    {"__tostring", tvb_tostring},
    {"__concat", concat_as_strings},
    {nullptr, nullptr},
};

uint64_t* counter(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kGenerationKey);
  auto* g = static_cast<uint64_t*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return g;
}

}  // namespace

void new_class(lua_State* L, const char* name, const luaL_Reg* methods, const luaL_Reg* statics) {
  luaL_newmetatable(L, name);
  lua_pushvalue(L, -1);
  luaL_setfuncs(L, methods, 1);
  lua_pushvalue(L, -1);
  lua_setfield(L, -2, "__index");
  lua_newtable(L);
  for (const luaL_Reg* m = methods; m->name; ++m) {
    if (m->name[0] == '_' && m->name[1] == '_') continue;
    lua_pushvalue(L, -2);
    lua_pushcclosure(L, m->func, 1);
    lua_setfield(L, -2, m->name);
  }
  if (statics) luaL_setfuncs(L, statics, 0);
  lua_setglobal(L, name);
  lua_pop(L, 1);
}

int concat_as_strings(lua_State* L) {
  luaL_tolstring(L, 1, nullptr);
  luaL_tolstring(L, 2, nullptr);
  lua_concat(L, 2);
  return 1;
}

const uint64_t* generation_counter(lua_State* L) {
  const uint64_t* g = counter(L);
  if (!g) luaL_error(L, "Tvb API not opened (open_tvb_api)");
  return g;
}

LuaTvbRange* push_range(lua_State* L, const LuaTvb& tvb, uint32_t offset, uint32_t len, const uint64_t* gen) {
  auto* ud = static_cast<RangeUd*>(lua_newuserdatauv(L, sizeof(RangeUd), 0));
  ud->r.tvb = tvb;
  ud->r.offset = offset;
  ud->r.len = len;
  ud->gen = gen;
  ::strato::lua::set_metatable(L, kTvbRange);
  return &ud->r;
}

RangeUd* self_range_ud(lua_State* L) {
  auto* ud = static_cast<RangeUd*>(lua_touserdata(L, 1));
  bool ok = false;
  if (ud && lua_getmetatable(L, 1)) {
    ok = lua_rawequal(L, -1, lua_upvalueindex(1));
    lua_pop(L, 1);
  }
  if (!ok) return check_range_ud(L, 1);  // raises the usual error
  if (ud->r.tvb.generation != *ud->gen) luaL_error(L, "expired tvb");
  return ud;
}

RangeUd* check_range_ud(lua_State* L, int idx) {
  auto* ud = static_cast<RangeUd*>(::strato::lua::check_udata(L, idx, kTvbRange));
  if (ud->r.tvb.generation != *ud->gen) luaL_error(L, "expired tvb");
  return ud;
}

LuaTvb* push_tvb_copy(lua_State* L, const std::string& bytes) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kCopiesKey);
  lua_pushlstring(L, bytes.data(), bytes.size());
  const auto* data = reinterpret_cast<const uint8_t*>(lua_tostring(L, -1));
  lua_rawseti(L, -2, lua_Integer(luaL_len(L, -2) + 1));
  lua_pop(L, 1);
  return push_tvb(L, strato::Tvb{data, uint32_t(bytes.size()), strato::Tvb::kDetached}, uint32_t(bytes.size()));
}

}  // namespace detail

using namespace detail;

void open_tvb_api(lua_State* L) {
  auto* gen = static_cast<uint64_t*>(lua_newuserdatauv(L, sizeof(uint64_t), 0));
  *gen = 1;
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kGenerationKey);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kCopiesKey);
  new_class(L, kTvb, kTvbMethods, nullptr);
  open_tvbrange(L);
  open_bytearray(L);
  open_int64(L);
  open_address(L);
  open_nstime(L);
}

uint64_t tvb_generation(lua_State* L) { return *generation_counter(L); }

void end_generation(lua_State* L) {
  ++*counter(L);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kCopiesKey);
}

LuaTvb* push_tvb(lua_State* L, const strato::Tvb& tvb, uint32_t reported_len) {
  const uint64_t* gen = generation_counter(L);
  auto* ud = static_cast<TvbUd*>(lua_newuserdatauv(L, sizeof(TvbUd), 0));
  ud->t = LuaTvb{tvb.data, tvb.len, reported_len < tvb.len ? tvb.len : reported_len, tvb.base, *gen};
  ud->gen = gen;
  ::strato::lua::set_metatable(L, kTvb);
  return &ud->t;
}

LuaTvb* check_tvb(lua_State* L, int idx) { return &check_tvb_ud(L, idx)->t; }

LuaTvbRange* check_tvbrange(lua_State* L, int idx) { return &check_range_ud(L, idx)->r; }

LuaTvbRange* test_tvbrange(lua_State* L, int idx) {
  auto* ud = static_cast<RangeUd*>(::strato::lua::test_udata(L, idx, kTvbRange));
  if (!ud) return nullptr;
  if (ud->r.tvb.generation != *ud->gen) luaL_error(L, "expired tvb");
  return &ud->r;
}

LuaTvbRange* push_tvbrange(lua_State* L, const LuaTvb& tvb, uint32_t offset, uint32_t len) {
  if (offset > tvb.len) offset = tvb.len;
  if (len > tvb.len - offset) len = tvb.len - offset;
  return push_range(L, tvb, offset, len, generation_counter(L));
}

}  // namespace strato::lua
