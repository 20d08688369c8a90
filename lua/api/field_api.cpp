#include "lua_state.h"
#include "field_api.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

extern "C" {
#include <lauxlib.h>
}

#include "field_text.h"
#include "strato/dissector.h"
#include "strato/format.h"

#include "tvb_api.h"

namespace strato::lua {
namespace {

const char kFieldMeta[] = "Field";
const char kFieldInfoMeta[] = "FieldInfo";
char kStateKey;  // its address keys the per-state data in the registry

struct FieldApiState {
  const Event* ev = nullptr;
  uint64_t generation = 1;  // bumped by every set_field_event: older FieldInfos expire
  std::vector<FieldId> requested;
};

struct LuaField {
  FieldId id;
};

struct LuaFieldInfo {
  uint64_t generation;
  uint32_t index;  // into Event::dissection.fields
};

FieldApiState& api_state(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kStateKey);
  auto* s = static_cast<FieldApiState*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  if (!s) luaL_error(L, "Field API not opened in this state");
  return *s;
}

int state_gc(lua_State* L) {
  static_cast<FieldApiState*>(lua_touserdata(L, 1))->~FieldApiState();
  return 0;
}

const FieldValue& check_fieldinfo(lua_State* L, int idx, const Event** ev_out) {
  auto* fi = static_cast<LuaFieldInfo*>(::strato::lua::check_udata(L, idx, kFieldInfoMeta));
  FieldApiState& s = api_state(L);
  if (fi->generation != s.generation || !s.ev || fi->index >= s.ev->dissection.fields.size())
    luaL_error(L, "FieldInfo expired: it is valid only during the call that got it");
  *ev_out = s.ev;
  return s.ev->dissection.fields[fi->index];
}

// -------- Field --------

int field_new(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  FieldId id = FieldRegistry::instance().find(name);
  if (id == kNoField) return luaL_error(L, "Field.new: no field named %s", name);
  FieldApiState& s = api_state(L);
  if (std::find(s.requested.begin(), s.requested.end(), id) == s.requested.end()) s.requested.push_back(id);
  auto* f = static_cast<LuaField*>(lua_newuserdatauv(L, sizeof(LuaField), 0));
  f->id = id;
  ::strato::lua::set_metatable(L, kFieldMeta);
  return 1;
}

int field_list(lua_State* L) {
  const auto& all = FieldRegistry::instance().all();
  lua_createtable(L, static_cast<int>(all.size()), 0);
  lua_Integer n = 0;
  for (const FieldInfo& fi : all) {
    if (fi.abbrev.empty() || fi.abbrev == "text") continue;
    lua_pushlstring(L, fi.abbrev.data(), fi.abbrev.size());
    lua_rawseti(L, -2, ++n);
  }
  return 1;
}

// Calling an extractor: every occurrence in the current event, in tree order.

// A FieldInfo for item `i` of the current event; it expires with the event.
void push_fieldinfo(lua_State* L, const FieldApiState& s, size_t i, const char* overflow) {
  luaL_checkstack(L, 1, overflow);
  auto* fi = static_cast<LuaFieldInfo*>(lua_newuserdatauv(L, sizeof(LuaFieldInfo), 0));
  fi->generation = s.generation;
  fi->index = static_cast<uint32_t>(i);
  ::strato::lua::set_metatable(L, kFieldInfoMeta);
}

int field_call(lua_State* L) {
  auto* f = static_cast<LuaField*>(::strato::lua::check_udata(L, 1, kFieldMeta));
  FieldApiState& s = api_state(L);
  if (!s.ev) return 0;
  const auto& fields = s.ev->dissection.fields;
  int n = 0;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].id != f->id) continue;
    push_fieldinfo(L, s, i, "too many occurrences of a field");
    ++n;
  }
  return n;
}

// Every item of the current event, in tree order (all_field_infos()).
int push_all_fieldinfos(lua_State* L) {
  FieldApiState& s = api_state(L);
  if (!s.ev) return 0;
  const auto& fields = s.ev->dissection.fields;
  int n = 0;
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldInfo& info = FieldRegistry::instance().info(fields[i].id);
    if (info.abbrev.empty() || info.abbrev == "text") continue;
    push_fieldinfo(L, s, i, "too many fields");
    ++n;
  }
  return n;
}

int field_tostring(lua_State* L) {
  auto* f = static_cast<LuaField*>(::strato::lua::check_udata(L, 1, kFieldMeta));
  const std::string& a = FieldRegistry::instance().info(f->id).abbrev;
  lua_pushlstring(L, a.data(), a.size());
  return 1;
}

int field_index(lua_State* L) {
  auto* f = static_cast<LuaField*>(::strato::lua::check_udata(L, 1, kFieldMeta));
  const FieldInfo& info = FieldRegistry::instance().info(f->id);
  std::string_view k = luaL_checkstring(L, 2);
  if (k == "name") lua_pushlstring(L, info.abbrev.data(), info.abbrev.size());
  else if (k == "display") lua_pushlstring(L, info.name.data(), info.name.size());
  else if (k == "type") lua_pushinteger(L, wireshark_ftype(info));
  else lua_pushnil(L);
  return 1;
}

// -------- FieldInfo --------

std::string occurrence_text(const Event& ev, const FieldValue& fv) {
  std::string out;
  fields::append_occurrence(ev, fv, out);
  return out;
}

void push_string(lua_State* L, const std::string& s) { lua_pushlstring(L, s.data(), s.size()); }

int fieldinfo_tostring(lua_State* L) {
  const Event* ev;
  const FieldValue& fv = check_fieldinfo(L, 1, &ev);
  push_string(L, occurrence_text(*ev, fv));
  return 1;
}

int fieldinfo_len(lua_State* L) {
  const Event* ev;
  lua_pushinteger(L, check_fieldinfo(L, 1, &ev).length);
  return 1;
}

// FieldInfo.range: the bytes of the item, when they are the frame's own.
void push_range(lua_State* L, const Event& ev, const FieldValue& fv) {
  if (fv.start > ev.cap_len || fv.length > ev.cap_len - fv.start || !ev.data) {
    lua_pushnil(L);
    return;
  }
  LuaTvb tvb;
  tvb.data = ev.data;
  tvb.len = ev.cap_len;
  tvb.reported = std::max(ev.orig_len, ev.cap_len);
  tvb.base = 0;
  tvb.generation = tvb_generation(L);
  push_tvbrange(L, tvb, fv.start, fv.length);
}

int fieldinfo_index(lua_State* L) {
  const Event* ev;
  const FieldValue& fv = check_fieldinfo(L, 1, &ev);
  const FieldInfo& info = FieldRegistry::instance().info(fv.id);
  std::string_view k = luaL_checkstring(L, 2);
  if (k == "value") {
    push_field_value(L, *ev, fv);
  } else if (k == "display") {
    std::string out;
    append_field_display(*ev, fv, out);
    push_string(L, out);
  } else if (k == "label") {
    std::string out;
    append_tree_line(*ev, fv, out);
    push_string(L, out);
  } else if (k == "len") {
    lua_pushinteger(L, fv.length);
  } else if (k == "offset") {
    lua_pushinteger(L, fv.start);
  } else if (k == "name") {
    push_string(L, info.abbrev);
  } else if (k == "type") {
    lua_pushinteger(L, wireshark_ftype(info));
  } else if (k == "generated") {
    lua_pushboolean(L, fv.flags & FieldValue::Generated);
  } else if (k == "hidden") {
    lua_pushboolean(L, fv.flags & FieldValue::Hidden);
  } else if (k == "little_endian" || k == "big_endian" || k == "is_url") {
    lua_pushboolean(L, k == "big_endian");
  } else if (k == "range") {
    push_range(L, *ev, fv);
  } else {
    lua_pushnil(L);
  }
  return 1;
}

// Wireshark's FieldInfo:__call: `fi()` is `fi.value` (scripts write
// `f()()` for the first occurrence's value).
int fieldinfo_call(lua_State* L) {
  const Event* ev;
  const FieldValue& fv = check_fieldinfo(L, 1, &ev);
  push_field_value(L, *ev, fv);
  return 1;
}

// Wireshark compares FieldInfos by value (fi1 == fi2, fi1 < fi2) through
// their text, which orders numbers wrongly, so numbers compare as numbers.
int fieldinfo_compare(lua_State* L, int op) {
  const Event *ea, *eb;
  const FieldValue& a = check_fieldinfo(L, 1, &ea);
  const FieldValue& b = check_fieldinfo(L, 2, &eb);
  push_plain_value(L, *ea, a);
  push_plain_value(L, *eb, b);
  bool same_kind = lua_type(L, -1) == lua_type(L, -2) && lua_type(L, -1) != LUA_TBOOLEAN;
  bool r = op == LUA_OPEQ ? lua_rawequal(L, -2, -1) : same_kind && lua_compare(L, -2, -1, op);
  lua_pop(L, 2);
  lua_pushboolean(L, r);
  return 1;
}
int fieldinfo_eq(lua_State* L) { return fieldinfo_compare(L, LUA_OPEQ); }
int fieldinfo_lt(lua_State* L) { return fieldinfo_compare(L, LUA_OPLT); }
int fieldinfo_le(lua_State* L) { return fieldinfo_compare(L, LUA_OPLE); }

double seconds(int64_t ns) { return static_cast<double>(ns) / 1e9; }

}  // namespace

int wireshark_ftype(const FieldInfo& fi) {
  // Wireshark 4.0's enum ftenum values.
  auto sized = [](uint8_t bits, int first) {
    int step = bits <= 8 ? 0 : bits <= 16 ? 1 : bits <= 24 ? 2 : bits <= 32 ? 3 : bits <= 40 ? 4 : bits <= 48 ? 5 : bits <= 56 ? 6 : 7;
    return first + step;
  };
  switch (fi.type) {
    case FieldType::Protocol: return 1;
    case FieldType::Boolean: return 2;
    case FieldType::UInt: return sized(fi.bits, 4);
    case FieldType::Int: return sized(fi.bits, 12);
    case FieldType::Double: return 23;
    case FieldType::String: return 26;
    case FieldType::Bytes: return 30;
    case FieldType::IPv4: return 32;
    case FieldType::IPv6: return 33;
    case FieldType::Ether: return 29;
    case FieldType::AbsTime: return 24;
    case FieldType::RelTime: return 25;
    case FieldType::FrameNum: return 35;
    case FieldType::Label: return 0;
  }
  return 0;
}

void push_field_value(lua_State* L, const Event& ev, const FieldValue& fv) {
  const FieldInfo& fi = FieldRegistry::instance().info(fv.id);
  switch (fi.type) {
    case FieldType::Label:
      lua_pushnil(L);
      return;
    case FieldType::Boolean:
      lua_pushboolean(L, fv.v.u != 0);
      return;
    case FieldType::UInt:
      if (fi.bits > 32) return push_uint64(L, fv.v.u);
      lua_pushinteger(L, static_cast<lua_Integer>(fv.v.u));
      return;
    case FieldType::Int:
      if (fi.bits > 32) return push_int64(L, fv.v.i);
      lua_pushinteger(L, fv.v.i);
      return;
    case FieldType::FrameNum:
      lua_pushinteger(L, static_cast<lua_Integer>(fv.v.u));
      return;
    case FieldType::Double:
      lua_pushnumber(L, fv.v.d);
      return;
    case FieldType::AbsTime:
      return push_nstime(L, static_cast<int64_t>(fv.v.u / 1000000000ull), static_cast<int32_t>(fv.v.u % 1000000000ull));
    case FieldType::RelTime:
      return push_nstime(L, fv.v.i / 1000000000, static_cast<int32_t>(fv.v.i % 1000000000));
    case FieldType::String: {
      std::string_view b = field_bytes(ev, fv);
      b = b.substr(0, std::min(b.find('\0'), b.size()));
      lua_pushlstring(L, b.data(), b.size());
      return;
    }
    case FieldType::Protocol:
    case FieldType::Bytes: {
      std::string_view b = fi.type == FieldType::Bytes ? field_bytes(ev, fv) : std::string_view{};
      if (fi.type == FieldType::Protocol && ev.data && fv.start <= ev.cap_len)
        b = std::string_view(reinterpret_cast<const char*>(ev.data) + fv.start, std::min(fv.length, ev.cap_len - fv.start));
      push_bytearray(L, b.data(), b.size());
      return;
    }
    case FieldType::IPv4:
    case FieldType::IPv6:
    case FieldType::Ether: {
      Address a;
      if (fi.type == FieldType::IPv4) {
        a.family = Address::IPv4;
        uint32_t v = static_cast<uint32_t>(fv.v.u);
        a.bytes[0] = v >> 24, a.bytes[1] = v >> 16, a.bytes[2] = v >> 8, a.bytes[3] = v;
      } else {
        std::string_view b = field_bytes(ev, fv);
        a.family = fi.type == FieldType::IPv6 ? Address::IPv6 : Address::Ether;
        std::memcpy(a.bytes, b.data(), std::min<size_t>(b.size(), fi.type == FieldType::IPv6 ? 16 : 6));
      }
      push_address(L, a);
      return;
    }
  }
  lua_pushnil(L);
}

void push_plain_value(lua_State* L, const Event& ev, const FieldValue& fv) {
  const FieldInfo& fi = FieldRegistry::instance().info(fv.id);
  switch (fi.type) {
    case FieldType::Protocol:
    case FieldType::Label:
      lua_pushboolean(L, 1);
      return;
    case FieldType::UInt:
    case FieldType::FrameNum:
      lua_pushinteger(L, static_cast<lua_Integer>(fv.v.u));
      return;
    case FieldType::Int:
      lua_pushinteger(L, fv.v.i);
      return;
    case FieldType::AbsTime:
      lua_pushnumber(L, static_cast<double>(fv.v.u) / 1e9);
      return;
    case FieldType::RelTime:
      lua_pushnumber(L, seconds(fv.v.i));
      return;
    case FieldType::Bytes:
    case FieldType::IPv4:
    case FieldType::IPv6:
    case FieldType::Ether:
      push_string(L, occurrence_text(ev, fv));
      return;
    default:
      push_field_value(L, ev, fv);
  }
}

void open_field_api(lua_State* L) {
  void* mem = lua_newuserdatauv(L, sizeof(FieldApiState), 0);
  new (mem) FieldApiState();
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, state_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kStateKey);

  luaL_newmetatable(L, kFieldMeta);
  const luaL_Reg field_meta[] = {{"__call", field_call},
                                 {"__tostring", field_tostring},
                                 {"__index", field_index},
                                 {nullptr, nullptr}};
  luaL_setfuncs(L, field_meta, 0);
  lua_pop(L, 1);

  luaL_newmetatable(L, kFieldInfoMeta);
  const luaL_Reg info_meta[] = {{"__index", fieldinfo_index}, {"__tostring", fieldinfo_tostring},
                                {"__call", fieldinfo_call},
                                {"__len", fieldinfo_len},     {"__eq", fieldinfo_eq},
                                {"__lt", fieldinfo_lt},       {"__le", fieldinfo_le},
                                {nullptr, nullptr}};
  luaL_setfuncs(L, info_meta, 0);
  lua_pop(L, 1);

  const luaL_Reg field_class[] = {{"new", field_new}, {"list", field_list}, {nullptr, nullptr}};
  luaL_newlib(L, field_class);
  lua_setglobal(L, "Field");
}

void set_field_event(lua_State* L, const Event* ev) {
  FieldApiState& s = api_state(L);
  s.ev = ev;
  ++s.generation;
}

const Event* field_event(lua_State* L) { return api_state(L).ev; }

int push_all_field_infos(lua_State* L) { return push_all_fieldinfos(L); }

std::vector<FieldId> requested_fields(lua_State* L) { return api_state(L).requested; }

}  // namespace strato::lua
