// Proto, ProtoField, ProtoExpert, Pref and the constant tables (base,
// ftypes, expert, PI_*, frametype) of Wireshark's Lua API.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "lua_host.h"
#include "tvb_api.h"

namespace strato::luad {

namespace {

Host& host(lua_State* L) {
  Host* h = Host::of(L);
  if (!h) luaL_error(L, "no Lua dissector host");
  return *h;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// ------------------------------------------------------------ Proto

const char kPrefsMt[] = "Prefs";
struct PrefsUd {
  ProtoDef* def;
};

ProtoUd* check_proto(lua_State* L, int idx) { return static_cast<ProtoUd*>(::strato::lua::check_udata(L, idx, kProtoMt)); }

int proto_new(lua_State* L) {
  std::string name = luaL_checkstring(L, 1);
  std::string desc = luaL_optstring(L, 2, name.c_str());
  Host& h = host(L);
  Registry& reg = h.reg;
  std::string key = lower(name);
  auto it = reg.proto_by_name.find(key);
  ProtoDef* def = nullptr;
  if (h.registering) {
    if (it != reg.proto_by_name.end() || DissectorTables::instance().find(key))
      return luaL_error(L, "Proto new: there cannot be two protocols with the same name '%s'", name.c_str());
    def = &reg.protos.emplace_back();
    def->index = reg.protos.size() - 1;
    def->name = key;
    def->upper = upper(name);
    def->desc = desc;
    def->field = FieldRegistry::instance().add_protocol(key, desc);
    def->dissector = std::make_unique<ProtoDissector>(*reg.plugin, *def);
    reg.proto_by_name[key] = def;
    DissectorTables::instance().add_dissector(def->dissector.get());
    h.proto_refs.resize(reg.protos.size(), LUA_NOREF);
  } else {
    if (it == reg.proto_by_name.end()) return luaL_error(L, "Proto new: '%s' was not made at start-up", name.c_str());
    def = it->second;
    if (h.proto_refs[def->index] != LUA_NOREF)
      return luaL_error(L, "Proto new: there cannot be two protocols with the same name '%s'", name.c_str());
  }
  auto* ud = static_cast<ProtoUd*>(lua_newuserdatauv(L, sizeof(ProtoUd), 1));
  ud->def = def;
  ::strato::lua::set_metatable(L, kProtoMt);
  lua_newtable(L);  // the proto's Lua attributes
  auto* prefs = static_cast<PrefsUd*>(lua_newuserdatauv(L, sizeof(PrefsUd), 1));
  prefs->def = def;
  ::strato::lua::set_metatable(L, kPrefsMt);
  lua_newtable(L);
  lua_setiuservalue(L, -2, 1);
  lua_setfield(L, -2, "prefs");
  lua_setiuservalue(L, -2, 1);
  lua_pushvalue(L, -1);
  h.proto_refs[def->index] = luaL_ref(L, LUA_REGISTRYINDEX);
  return 1;
}

int proto_call(lua_State* L) {  // Proto(name, desc): the class table is the first argument
  lua_remove(L, 1);
  return proto_new(L);
}

// Registers every ProtoField / ProtoExpert in table `idx` under `proto`.
void take_fields(lua_State* L, int idx, FieldId proto, bool experts) {
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (experts) {
      if (auto* e = static_cast<ExpertUd*>(::strato::lua::test_udata(L, -1, kExpertMt))) register_expert(*e->def, proto);
    } else if (auto* f = static_cast<FieldUd*>(::strato::lua::test_udata(L, -1, kFieldMt))) {
      register_field(*f->def, proto);
    } else {
      luaL_error(L, "Proto.fields: not a ProtoField");
    }
    lua_pop(L, 1);
  }
}

int proto_register_heuristic(lua_State* L) {
  ProtoUd* p = check_proto(L, 1);
  std::string list = luaL_checkstring(L, 2);
  luaL_checktype(L, 3, LUA_TFUNCTION);
  lua_getiuservalue(L, 1, 1);
  lua_pushvalue(L, 3);
  lua_setfield(L, -2, ("heuristic:" + list).c_str());
  Host& h = host(L);
  if (h.registering) h.reg.heuristics.emplace_back(list, p->def);
  return 0;
}

int proto_index(lua_State* L) {
  ProtoUd* p = check_proto(L, 1);
  const char* k = luaL_checkstring(L, 2);
  if (!std::strcmp(k, "name")) {
    lua_pushstring(L, p->def->upper.c_str());
  } else if (!std::strcmp(k, "description")) {
    lua_pushstring(L, p->def->desc.c_str());
  } else if (!std::strcmp(k, "register_heuristic")) {
    lua_pushcfunction(L, proto_register_heuristic);
  } else if (!std::strcmp(k, "dissector")) {
    lua_getiuservalue(L, 1, 1);
    lua_getfield(L, -1, "dissector");
    if (lua_isnil(L, -1)) return 1;
    push_dissector(L, p->def->dissector.get());
  } else {
    lua_getiuservalue(L, 1, 1);
    lua_getfield(L, -1, k);
    if (lua_isnil(L, -1) && (!std::strcmp(k, "fields") || !std::strcmp(k, "experts"))) {
      lua_newtable(L);
      lua_pushvalue(L, -1);
      lua_setfield(L, -4, k);
    }
  }
  return 1;
}

int proto_newindex(lua_State* L) {
  ProtoUd* p = check_proto(L, 1);
  const char* k = luaL_checkstring(L, 2);
  if (!std::strcmp(k, "fields") || !std::strcmp(k, "experts")) {
    luaL_checktype(L, 3, LUA_TTABLE);
    if (host(L).registering) take_fields(L, 3, p->def->field, k[0] == 'e');
  } else if (!std::strcmp(k, "dissector") || !std::strcmp(k, "init") || !std::strcmp(k, "prefs_changed")) {
    if (!lua_isnil(L, 3)) luaL_checktype(L, 3, LUA_TFUNCTION);
  } else if (!std::strcmp(k, "description")) {
    if (host(L).registering) p->def->desc = luaL_checkstring(L, 3);
  } else if (!std::strcmp(k, "name") || !std::strcmp(k, "prefs")) {
    return luaL_error(L, "Proto: '%s' is read-only", k);
  }
  lua_getiuservalue(L, 1, 1);
  lua_pushvalue(L, 3);
  lua_setfield(L, -2, k);
  return 0;
}

int proto_tostring(lua_State* L) {
  ProtoUd* p = check_proto(L, 1);
  lua_pushfstring(L, "Proto: %s", p->def->upper.c_str());
  return 1;
}

// ------------------------------------------------------------ Prefs and Pref

int prefs_index(lua_State* L) {
  ::strato::lua::check_udata(L, 1, kPrefsMt);
  lua_getiuservalue(L, 1, 1);
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

int prefs_newindex(lua_State* L) {
  auto* p = static_cast<PrefsUd*>(::strato::lua::check_udata(L, 1, kPrefsMt));
  std::string name = luaL_checkstring(L, 2);
  if (!lua_istable(L, 3) || lua_getfield(L, 3, "__pref_kind") != LUA_TNUMBER)
    return luaL_error(L, "Prefs: '%s' must be set to a Pref (Pref.uint, Pref.bool, ...)", name.c_str());
  auto kind = static_cast<PrefKind>(lua_tointeger(L, -1));
  lua_pop(L, 1);
  if (host(L).registering) {
    PrefDef& d = p->def->prefs[name];
    d.name = name;
    d.kind = kind;
    if (kind == PrefKind::Enum && lua_getfield(L, 3, "enum") == LUA_TTABLE) {
      int t = lua_gettop(L);
      for (lua_Integer i = 1; lua_rawgeti(L, t, i) == LUA_TTABLE; ++i) {
        lua_rawgeti(L, -1, 2);
        lua_rawgeti(L, -2, 3);
        if (lua_type(L, -2) == LUA_TSTRING) d.enums.emplace_back(lua_tostring(L, -2), lua_tointeger(L, -1));
        lua_pop(L, 3);
      }
      lua_settop(L, 3);
    }
  }
  lua_getiuservalue(L, 1, 1);
  lua_getfield(L, 3, "default");
  lua_setfield(L, -2, name.c_str());
  return 0;
}

int make_pref(lua_State* L, PrefKind kind, int default_idx) {
  lua_newtable(L);
  lua_pushinteger(L, static_cast<lua_Integer>(kind));
  lua_setfield(L, -2, "__pref_kind");
  if (lua_type(L, 1) == LUA_TSTRING) {
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, "label");
  }
  if (default_idx) {
    lua_pushvalue(L, default_idx);
    lua_setfield(L, -2, "default");
  }
  return 1;
}
int pref_uint(lua_State* L) { return make_pref(L, PrefKind::UInt, 2); }
int pref_bool(lua_State* L) { return make_pref(L, PrefKind::Bool, 2); }
int pref_string(lua_State* L) { return make_pref(L, PrefKind::String, 2); }
int pref_range(lua_State* L) { return make_pref(L, PrefKind::Range, 2); }
int pref_statictext(lua_State* L) { return make_pref(L, PrefKind::StaticText, 0); }
int pref_enum(lua_State* L) {
  make_pref(L, PrefKind::Enum, 2);
  lua_pushvalue(L, 4);
  lua_setfield(L, -2, "enum");
  return 1;
}

// ------------------------------------------------------------ ProtoField

// The def a ProtoField constructor names: made while registering, found after.
FieldDef* field_def(lua_State* L, const std::string& abbrev) {
  Host& h = host(L);
  auto it = h.reg.field_by_abbrev.find(abbrev);
  if (it != h.reg.field_by_abbrev.end()) return it->second;
  if (!h.registering) {
    FieldDef* d = &h.local_fields.emplace_back();
    d->abbrev = abbrev;
    return d;
  }
  FieldDef* d = &h.reg.fields.emplace_back();
  d->abbrev = abbrev;
  h.reg.field_by_abbrev[abbrev] = d;
  return d;
}

// valuestring tables: {[value] = "text"}, or with base.RANGE_STRING {{lo, hi, "text"}, ...}.
void take_valuestring(lua_State* L, int idx, FieldDef& d, bool ranges) {
  if (!lua_istable(L, idx) || !d.names.empty()) return;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (ranges && lua_istable(L, -1)) {
      lua_rawgeti(L, -1, 1);
      lua_rawgeti(L, -2, 2);
      lua_rawgeti(L, -3, 3);
      if (lua_isinteger(L, -3) && lua_isinteger(L, -2) && lua_isstring(L, -1)) {
        lua_Integer lo = lua_tointeger(L, -3), hi = lua_tointeger(L, -2);
        const std::string& text = d.name_text.emplace_back(lua_tostring(L, -1));
        for (lua_Integer v = lo; v <= hi && v - lo < 4096; ++v) d.names.push_back({static_cast<uint64_t>(v), text.c_str()});
      }
      lua_pop(L, 3);
    } else if (lua_isinteger(L, -2) && lua_type(L, -1) == LUA_TSTRING) {
      const std::string& text = d.name_text.emplace_back(lua_tostring(L, -1));
      d.names.push_back({static_cast<uint64_t>(lua_tointeger(L, -2)), text.c_str()});
    }
    lua_pop(L, 1);
  }
  std::sort(d.names.begin(), d.names.end(), [](const ValueName& a, const ValueName& b) { return a.value < b.value; });
  if (!d.names.empty()) d.names.push_back({0, nullptr});
}

int push_field(lua_State* L, FieldDef* d) {
  auto* ud = static_cast<FieldUd*>(lua_newuserdatauv(L, sizeof(FieldUd), 0));
  ud->def = d;
  ::strato::lua::set_metatable(L, kFieldMt);
  return 1;
}

lua_Integer opt_int(lua_State* L, int idx) { return lua_isinteger(L, idx) ? lua_tointeger(L, idx) : lua_isnumber(L, idx) ? static_cast<lua_Integer>(lua_tonumber(L, idx)) : 0; }

// A description as tshark -G fields shows it: an empty one given
// explicitly is "" (an absent one is nothing).
std::string blurb(const char* text) { return *text ? text : "\"\""; }

// Fills a def from (abbr, name, base, valuestring, mask, desc), the typed
// constructors' order; `base_idx` 0 when the type takes no base.
int make_field(lua_State* L, int ftype, int abbr_idx, int name_idx, int base_idx, int vs_idx, int mask_idx,
               int desc_idx) {
  std::string abbr = luaL_checkstring(L, abbr_idx);
  FieldDef* d = field_def(L, abbr);
  if (d->id == kNoField && d->name.empty()) {
    d->name = luaL_optstring(L, name_idx, abbr.c_str());
    d->ftype = ftype;
    d->base = base_idx ? static_cast<int>(opt_int(L, base_idx)) : 0;
    d->mask = mask_idx ? static_cast<uint64_t>(opt_int(L, mask_idx)) : 0;
    if (desc_idx && lua_type(L, desc_idx) == LUA_TSTRING) d->desc = blurb(lua_tostring(L, desc_idx));
    if (vs_idx) take_valuestring(L, vs_idx, *d, d->base & 0x100);
  }
  return push_field(L, d);
}

template <int FT>
int field_int(lua_State* L) {
  return make_field(L, FT, 1, 2, 3, 4, 5, 6);
}
// (abbr, name, display, true_false_string, mask, desc): the strings table
// {"true text", "false text"} lands in names as values 1 and 2.
int field_bool(lua_State* L) { return make_field(L, FT_BOOLEAN, 1, 2, 3, 4, 5, 6); }
template <int FT>
int field_base_desc(lua_State* L) {  // string, bytes, absolute_time: (abbr, name, display, desc)
  return make_field(L, FT, 1, 2, 3, 0, 0, 4);
}
template <int FT>
int field_plain(lua_State* L) {  // ipv4, ether, relative_time, none, ...: (abbr, name, desc)
  return make_field(L, FT, 1, 2, 0, 0, 0, 3);
}
template <int FT>
int field_float(lua_State* L) {  // (abbr, name, valuestring, desc)
  return make_field(L, FT, 1, 2, 0, 3, 0, 4);
}
int field_framenum(lua_State* L) { return make_field(L, FT_FRAMENUM, 1, 2, 3, 0, 5, 6); }

// ProtoField.new(name, abbr, type, [valuestring], [base], [mask], [desc]).
int field_new(lua_State* L) {
  luaL_checkstring(L, 1);
  std::string abbr = luaL_checkstring(L, 2);
  int ft = static_cast<int>(luaL_checkinteger(L, 3));
  if (ft < 0 || ft >= FT_NUM_TYPES) return luaL_error(L, "ProtoField.new: bad type %d", ft);
  FieldDef* d = field_def(L, abbr);
  if (d->id == kNoField && d->name.empty()) {
    d->name = lua_tostring(L, 1);
    d->ftype = ft;
    d->base = static_cast<int>(opt_int(L, 5));
    d->mask = static_cast<uint64_t>(opt_int(L, 6));
    if (lua_type(L, 7) == LUA_TSTRING) d->desc = blurb(lua_tostring(L, 7));
    take_valuestring(L, 4, *d, d->base & 0x100);
  }
  return push_field(L, d);
}

int field_tostring(lua_State* L) {
  auto* f = static_cast<FieldUd*>(::strato::lua::check_udata(L, 1, kFieldMt));
  lua_pushfstring(L, "ProtoField(%s): %s", f->def->abbrev.c_str(), f->def->name.c_str());
  return 1;
}

int field_index(lua_State* L) {
  auto* f = static_cast<FieldUd*>(::strato::lua::check_udata(L, 1, kFieldMt));
  const char* k = luaL_checkstring(L, 2);
  if (!std::strcmp(k, "name")) lua_pushstring(L, f->def->name.c_str());
  else if (!std::strcmp(k, "abbr")) lua_pushstring(L, f->def->abbrev.c_str());
  else if (!std::strcmp(k, "type")) lua_pushinteger(L, f->def->ftype);
  else if (!std::strcmp(k, "base")) lua_pushinteger(L, f->def->base);
  else if (!std::strcmp(k, "mask")) lua_pushinteger(L, static_cast<lua_Integer>(f->def->mask));
  else lua_pushnil(L);
  return 1;
}

// ------------------------------------------------------------ ProtoExpert

int expert_new(lua_State* L) {
  std::string abbr = luaL_checkstring(L, 1);
  std::string text = luaL_checkstring(L, 2);
  auto group = static_cast<uint32_t>(luaL_checkinteger(L, 3));
  auto severity = static_cast<uint32_t>(luaL_checkinteger(L, 4));
  Host& h = host(L);
  ExpertDef* d;
  auto it = h.reg.expert_by_abbrev.find(abbr);
  if (it != h.reg.expert_by_abbrev.end()) {
    d = it->second;
  } else if (h.registering) {
    d = &h.reg.experts.emplace_back();
    d->abbrev = abbr;
    d->text = text;
    d->group = group;
    d->severity = severity;
    h.reg.expert_by_abbrev[abbr] = d;
  } else {
    d = &h.local_experts.emplace_back();
    d->abbrev = abbr;
    d->text = text;
    d->group = group;
    d->severity = severity;
  }
  auto* ud = static_cast<ExpertUd*>(lua_newuserdatauv(L, sizeof(ExpertUd), 0));
  ud->def = d;
  ::strato::lua::set_metatable(L, kExpertMt);
  return 1;
}

int expert_tostring(lua_State* L) {
  auto* e = static_cast<ExpertUd*>(::strato::lua::check_udata(L, 1, kExpertMt));
  lua_pushfstring(L, "ProtoExpert: %s", e->def->abbrev.c_str());
  return 1;
}

// ------------------------------------------------------------ globals

struct IntConst {
  const char* name;
  lua_Integer value;
};

void set_consts(lua_State* L, const IntConst* c, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    lua_pushinteger(L, c[i].value);
    lua_setfield(L, -2, c[i].name);
  }
}

const IntConst kBase[] = {{"NONE", 0},        {"DEC", 1},       {"HEX", 2},          {"OCT", 3},
                          {"DEC_HEX", 4},     {"HEX_DEC", 5},   {"CUSTOM", 6},       {"FLOAT", 0},
                          {"RANGE_STRING", 0x100}, {"EXT_STRING", 0x200}, {"VAL64_STRING", 0x400},
                          {"ALLOW_ZERO", 0x800},   {"UNIT_STRING", 0x1000}, {"NO_DISPLAY_VALUE", 0x2000},
                          {"SPECIAL_VALS", 0x8000}, {"SHOW_ASCII_PRINTABLE", 0x10000}, {"UNICODE", 0x20000},
                          {"LOCAL", 1000},    {"UTC", 1001},    {"DOY_UTC", 1002},   {"DOT", 1}, {"DASH", 2},
                          {"COLON", 3},       {"SPACE", 4}};

const IntConst kFtypes[] = {
    {"NONE", FT_NONE},       {"PROTOCOL", FT_PROTOCOL}, {"BOOLEAN", FT_BOOLEAN}, {"CHAR", FT_CHAR},
    {"UINT8", FT_UINT8},     {"UINT16", FT_UINT16},     {"UINT24", FT_UINT24},   {"UINT32", FT_UINT32},
    {"UINT40", FT_UINT40},   {"UINT48", FT_UINT48},     {"UINT56", FT_UINT56},   {"UINT64", FT_UINT64},
    {"INT8", FT_INT8},       {"INT16", FT_INT16},       {"INT24", FT_INT24},     {"INT32", FT_INT32},
    {"INT40", FT_INT40},     {"INT48", FT_INT48},       {"INT56", FT_INT56},     {"INT64", FT_INT64},
    {"FLOAT", FT_FLOAT},     {"DOUBLE", FT_DOUBLE},     {"ABSOLUTE_TIME", FT_ABSOLUTE_TIME},
    {"RELATIVE_TIME", FT_RELATIVE_TIME}, {"STRING", FT_STRING}, {"STRINGZ", FT_STRINGZ},
    {"UINT_STRING", FT_UINT_STRING}, {"ETHER", FT_ETHER}, {"BYTES", FT_BYTES}, {"UINT_BYTES", FT_UINT_BYTES},
    {"IPv4", FT_IPv4},       {"IPv6", FT_IPv6},         {"IPXNET", FT_IPXNET},   {"FRAMENUM", FT_FRAMENUM},
    {"GUID", FT_GUID},       {"OID", FT_OID},           {"EUI64", FT_EUI64},     {"REL_OID", FT_REL_OID},
    {"SYSTEM_ID", FT_SYSTEM_ID}, {"STRINGZPAD", FT_STRINGZPAD}, {"STRINGZTRUNC", FT_STRINGZTRUNC}};

const IntConst kGroups[] = {{"CHECKSUM", 0x01000000},   {"SEQUENCE", 0x02000000},   {"RESPONSE_CODE", 0x03000000},
                            {"REQUEST_CODE", 0x04000000}, {"UNDECODED", 0x05000000}, {"REASSEMBLE", 0x06000000},
                            {"MALFORMED", 0x07000000},  {"DEBUG", 0x08000000},      {"PROTOCOL", 0x09000000},
                            {"SECURITY", 0x0a000000},   {"COMMENTS_GROUP", 0x0b000000}, {"DECRYPTION", 0x0c000000},
                            {"ASSUMPTION", 0x0d000000}, {"DEPRECATED", 0x0e000000}};
const IntConst kSeverities[] = {
    {"COMMENT", 0x00100000}, {"CHAT", 0x00200000}, {"NOTE", 0x00400000}, {"WARN", 0x00600000}, {"ERROR", 0x00800000}};

const IntConst kGlobals[] = {
    {"PI_CHECKSUM", 0x01000000},     {"PI_SEQUENCE", 0x02000000},       {"PI_RESPONSE_CODE", 0x03000000},
    {"PI_REQUEST_CODE", 0x04000000}, {"PI_UNDECODED", 0x05000000},      {"PI_REASSEMBLE", 0x06000000},
    {"PI_MALFORMED", 0x07000000},    {"PI_DEBUG", 0x08000000},          {"PI_PROTOCOL", 0x09000000},
    {"PI_SECURITY", 0x0a000000},     {"PI_COMMENTS_GROUP", 0x0b000000}, {"PI_DECRYPTION", 0x0c000000},
    {"PI_ASSUMPTION", 0x0d000000},   {"PI_DEPRECATED", 0x0e000000},     {"PI_COMMENT", 0x00100000},
    {"PI_CHAT", 0x00200000},         {"PI_NOTE", 0x00400000},           {"PI_WARN", 0x00600000},
    {"PI_ERROR", 0x00800000},        {"PI_SEVERITY_MASK", 0x00F00000},  {"PI_GROUP_MASK", 0xFF000000},
    {"DESEGMENT_ONE_MORE_SEGMENT", kDesegmentOneMore},
    {"BASE_NONE", 0}, {"BASE_DEC", 1}, {"BASE_HEX", 2}, {"BASE_OCT", 3}, {"BASE_DEC_HEX", 4}, {"BASE_HEX_DEC", 5},
    {"FT_NONE", FT_NONE}, {"FT_UINT8", FT_UINT8}, {"FT_UINT16", FT_UINT16}, {"FT_UINT32", FT_UINT32},
    {"FT_STRING", FT_STRING}, {"FT_BYTES", FT_BYTES}};

const IntConst kFrametype[] = {{"NONE", 0}, {"REQUEST", 1}, {"RESPONSE", 2}, {"ACK", 3}, {"DUP_ACK", 4}};

int get_version(lua_State* L) {
  lua_pushliteral(L, "4.0.0");
  return 1;
}
int path_stub(lua_State* L) {  // persconffile_path / datafile_path: where Wireshark would look
  lua_pushfstring(L, "%s%s", lua_tostring(L, lua_upvalueindex(1)), luaL_optstring(L, 1, ""));
  return 1;
}
int noop(lua_State*) { return 0; }
int false_fn(lua_State* L) {
  lua_pushboolean(L, 0);
  return 1;
}
int log_fn(lua_State* L) {  // critical/warn/message/info/debug: to stderr, one line
  luaL_tolstring(L, 1, nullptr);
  std::fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
  return 0;
}

void new_table_global(lua_State* L, const char* name, const IntConst* c, size_t n) {
  lua_newtable(L);
  set_consts(L, c, n);
  lua_setglobal(L, name);
}

}  // namespace

namespace {

const char* ftype_name(int ft) {
  static const char* const kNames[] = {
      "FT_NONE", "FT_PROTOCOL", "FT_BOOLEAN", "FT_CHAR", "FT_UINT8", "FT_UINT16", "FT_UINT24", "FT_UINT32",
      "FT_UINT40", "FT_UINT48", "FT_UINT56", "FT_UINT64", "FT_INT8", "FT_INT16", "FT_INT24", "FT_INT32",
      "FT_INT40", "FT_INT48", "FT_INT56", "FT_INT64", "FT_IEEE_11073_SFLOAT", "FT_IEEE_11073_FLOAT",
      "FT_FLOAT", "FT_DOUBLE", "FT_ABSOLUTE_TIME", "FT_RELATIVE_TIME", "FT_STRING", "FT_STRINGZ",
      "FT_UINT_STRING", "FT_ETHER", "FT_BYTES", "FT_UINT_BYTES", "FT_IPv4", "FT_IPv6", "FT_IPXNET",
      "FT_FRAMENUM", "FT_GUID", "FT_OID", "FT_EUI64", "FT_AX25", "FT_VINES", "FT_REL_OID", "FT_SYSTEM_ID",
      "FT_STRINGZPAD", "FT_FCWWN", "FT_STRINGZTRUNC"};
  static_assert(std::size(kNames) == FT_STRINGZTRUNC + 1);
  return ft >= 0 && ft <= FT_STRINGZTRUNC ? kNames[ft] : "FT_NONE";
}

Base integer_base(int base, Base none) {
  switch (base & 0xff) {
    case 1: return Base::Dec;
    case 2: return Base::Hex;
    case 3: return Base::Oct;
    case 4: return Base::DecHex;
    case 5: return Base::HexDec;
    default: return none;
  }
}

}  // namespace

void register_field(FieldDef& f, FieldId proto) {
  if (f.id != kNoField) return;
  FieldInfo fi;
  fi.abbrev = f.abbrev;
  fi.name = f.name.empty() ? f.abbrev : f.name;
  fi.description = f.desc;
  fi.protocol = proto;
  fi.bitmask = f.mask;
  fi.names = f.names.empty() ? nullptr : f.names.data();
  fi.ws_ftype = ftype_name(f.ftype);
  fi.base = integer_base(f.base, Base::Dec);
  static const uint8_t kUintBits[] = {8, 16, 24, 32, 40, 48, 56, 64};
  switch (f.ftype) {
    case FT_CHAR:
      // Wireshark shows a char field in octal unless told otherwise.
      fi.type = FieldType::UInt;
      fi.bits = 8;
      fi.base = integer_base(f.base, Base::Oct);
      break;
    case FT_UINT8: case FT_UINT16: case FT_UINT24: case FT_UINT32:
    case FT_UINT40: case FT_UINT48: case FT_UINT56: case FT_UINT64:
      fi.type = FieldType::UInt;
      fi.bits = kUintBits[f.ftype - FT_UINT8];
      break;
    case FT_INT8: case FT_INT16: case FT_INT24: case FT_INT32:
    case FT_INT40: case FT_INT48: case FT_INT56: case FT_INT64:
      fi.type = FieldType::Int;
      fi.bits = kUintBits[f.ftype - FT_INT8];
      break;
    case FT_BOOLEAN: {
      fi.type = FieldType::Boolean;
      // The display argument is the parent's width, which the bit pattern spans.
      fi.bits = static_cast<uint8_t>(f.base > 0 && f.base <= 64 ? f.base : 8);
      fi.base = Base::Dec;
      fi.names = nullptr;
      // {"true text", "false text"} arrives as values 1 and 2; tshark's
      // default is True/False even with a bitmask.
      fi.true_text = "True";
      fi.false_text = "False";
      for (const ValueName& n : f.names) {
        if (n.name && n.value == 1) fi.true_text = n.name;
        if (n.name && n.value == 2) fi.false_text = n.name;
      }
      break;
    }
    case FT_FLOAT: case FT_DOUBLE: case FT_IEEE_11073_FLOAT: case FT_IEEE_11073_SFLOAT:
      fi.type = FieldType::Double;
      fi.bits = f.ftype == FT_DOUBLE ? 64 : 32;
      fi.base = Base::Dec;
      break;
    case FT_STRING: case FT_STRINGZ: case FT_UINT_STRING: case FT_STRINGZPAD: case FT_STRINGZTRUNC:
      fi.type = FieldType::String;
      fi.base = Base::Ascii;  // TreeItem:add reads strings as ENC_ASCII
      break;
    case FT_GUID: case FT_OID: case FT_REL_OID: case FT_SYSTEM_ID:
      fi.type = FieldType::String;
      fi.base = Base::Text;
      break;
    case FT_BYTES: case FT_UINT_BYTES: case FT_EUI64: case FT_AX25: case FT_VINES: case FT_FCWWN: case FT_IPXNET:
      fi.type = FieldType::Bytes;
      break;
    case FT_IPv4: fi.type = FieldType::IPv4; break;
    case FT_IPv6: fi.type = FieldType::IPv6; break;
    case FT_ETHER: fi.type = FieldType::Ether; break;
    case FT_ABSOLUTE_TIME:
      fi.type = FieldType::AbsTime;
      fi.base = f.base == 1001 ? Base::CalendarUtc : Base::Calendar;  // base.UTC; LOCAL otherwise
      break;
    case FT_RELATIVE_TIME: fi.type = FieldType::RelTime; break;
    case FT_FRAMENUM: fi.type = FieldType::FrameNum; break;
    case FT_PROTOCOL: fi.type = FieldType::Protocol; break;
    default: fi.type = FieldType::Label;
  }
  f.id = FieldRegistry::instance().add(std::move(fi));
}

void register_expert(ExpertDef& e, FieldId proto) {
  if (e.id != kNoField) return;
  FieldInfo fi;
  fi.abbrev = e.abbrev;
  fi.name = e.text;
  fi.type = FieldType::Label;
  fi.protocol = proto;
  e.id = FieldRegistry::instance().add(std::move(fi));
}

void push_proto(lua_State* L, ProtoDef& def) {
  Host* h = Host::of(L);
  int ref = h && def.index < h->proto_refs.size() ? h->proto_refs[def.index] : LUA_NOREF;
  if (ref == LUA_NOREF) lua_pushnil(L);
  else lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
}

void open_proto_api(lua_State* L) {
  static const luaL_Reg kProtoMeta[] = {
      {"__index", proto_index}, {"__newindex", proto_newindex}, {"__tostring", proto_tostring}, {nullptr, nullptr}};
  luaL_newmetatable(L, kProtoMt);
  luaL_setfuncs(L, kProtoMeta, 0);
  lua_pop(L, 1);
  // Proto(name, desc) and Proto.new(name, desc).
  lua_newtable(L);
  lua_pushcfunction(L, proto_new);
  lua_setfield(L, -2, "new");
  lua_newtable(L);
  lua_pushcfunction(L, proto_call);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
  lua_setglobal(L, "Proto");

  static const luaL_Reg kPrefsMeta[] = {{"__index", prefs_index}, {"__newindex", prefs_newindex}, {nullptr, nullptr}};
  luaL_newmetatable(L, kPrefsMt);
  luaL_setfuncs(L, kPrefsMeta, 0);
  lua_pop(L, 1);
  static const luaL_Reg kPref[] = {{"uint", pref_uint},     {"bool", pref_bool},   {"string", pref_string},
                                   {"enum", pref_enum},     {"range", pref_range}, {"statictext", pref_statictext},
                                   {nullptr, nullptr}};
  luaL_newlib(L, kPref);
  lua_setglobal(L, "Pref");

  static const luaL_Reg kFieldMeta[] = {{"__tostring", field_tostring}, {"__index", field_index}, {nullptr, nullptr}};
  luaL_newmetatable(L, kFieldMt);
  luaL_setfuncs(L, kFieldMeta, 0);
  lua_pop(L, 1);
  static const luaL_Reg kField[] = {
      {"new", field_new},
      {"uint8", field_int<FT_UINT8>},   {"uint16", field_int<FT_UINT16>}, {"uint24", field_int<FT_UINT24>},
      {"uint32", field_int<FT_UINT32>}, {"uint64", field_int<FT_UINT64>}, {"int8", field_int<FT_INT8>},
      {"int16", field_int<FT_INT16>},   {"int24", field_int<FT_INT24>},   {"int32", field_int<FT_INT32>},
      {"int64", field_int<FT_INT64>},   {"char", field_int<FT_CHAR>},     {"framenum", field_framenum},
      {"bool", field_bool},             {"string", field_base_desc<FT_STRING>},
      {"stringz", field_base_desc<FT_STRINGZ>}, {"bytes", field_base_desc<FT_BYTES>},
      {"ubytes", field_base_desc<FT_UINT_BYTES>}, {"absolute_time", field_base_desc<FT_ABSOLUTE_TIME>},
      {"ipv4", field_plain<FT_IPv4>},   {"ipv6", field_plain<FT_IPv6>},   {"ether", field_plain<FT_ETHER>},
      {"guid", field_plain<FT_GUID>},   {"oid", field_plain<FT_OID>},     {"rel_oid", field_plain<FT_REL_OID>},
      {"systemid", field_plain<FT_SYSTEM_ID>}, {"eui64", field_plain<FT_EUI64>},
      {"relative_time", field_plain<FT_RELATIVE_TIME>}, {"none", field_plain<FT_NONE>},
      {"protocol", field_plain<FT_PROTOCOL>}, {"float", field_float<FT_FLOAT>}, {"double", field_float<FT_DOUBLE>},
      {nullptr, nullptr}};
  luaL_newlib(L, kField);
  lua_setglobal(L, "ProtoField");

  static const luaL_Reg kExpertMeta[] = {{"__tostring", expert_tostring}, {nullptr, nullptr}};
  luaL_newmetatable(L, kExpertMt);
  luaL_setfuncs(L, kExpertMeta, 0);
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushcfunction(L, expert_new);
  lua_setfield(L, -2, "new");
  lua_setglobal(L, "ProtoExpert");

  new_table_global(L, "base", kBase, std::size(kBase));
  new_table_global(L, "ftypes", kFtypes, std::size(kFtypes));
  new_table_global(L, "frametype", kFrametype, std::size(kFrametype));
  lua_newtable(L);
  lua_newtable(L);
  set_consts(L, kGroups, std::size(kGroups));
  lua_setfield(L, -2, "group");
  lua_newtable(L);
  set_consts(L, kSeverities, std::size(kSeverities));
  lua_setfield(L, -2, "severity");
  lua_setglobal(L, "expert");
  lua_pushglobaltable(L);
  set_consts(L, kGlobals, std::size(kGlobals));
  lua_pop(L, 1);

  lua_pushboolean(L, 1);
  lua_setglobal(L, "enable_lua");
  lua_pushcfunction(L, get_version);
  lua_setglobal(L, "get_version");
  const char* home = std::getenv("HOME");
  lua_pushfstring(L, "%s/.config/wireshark/", home ? home : "");
  lua_pushcclosure(L, path_stub, 1);
  lua_setglobal(L, "persconffile_path");
  lua_pushliteral(L, "/usr/share/wireshark/");
  lua_pushcclosure(L, path_stub, 1);
  lua_setglobal(L, "datafile_path");
  for (const char* f : {"set_plugin_info", "register_menu", "register_stat_cmd_arg", "report_failure"}) {
    lua_pushcfunction(L, noop);
    lua_setglobal(L, f);
  }
  for (const char* f : {"gui_enabled"}) {
    lua_pushcfunction(L, false_fn);
    lua_setglobal(L, f);
  }
  for (const char* f : {"critical", "warn", "message"}) {
    lua_pushcfunction(L, log_fn);
    lua_setglobal(L, f);
  }
  for (const char* f : {"info", "debug"}) {
    lua_pushcfunction(L, noop);
    lua_setglobal(L, f);
  }
}

}  // namespace strato::luad
