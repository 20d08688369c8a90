// TreeItem: what a Lua dissector adds becomes strato fields of the packet
// (FieldValue items), so filters, -T fields, JSON and -V see them.
#include <charconv>
#include <cstring>

#include "lua_host.h"
#include "strato/format.h"
#include "tvb_api.h"

namespace strato::luad {

namespace {

bool real_item(DissectContext& ctx, int idx, FieldId f) {
  return idx >= 0 && static_cast<size_t>(idx) < ctx.dissection().fields.size() && ctx.dissection().fields[size_t(idx)].id == f;
}

// Reads up to 8 bytes of `t` as an unsigned integer.
uint64_t read_uint(Tvb t, bool le) {
  uint32_t n = t.len > 8 ? 8 : t.len;
  uint64_t v = 0;
  for (uint32_t i = 0; i < n; ++i) v = le ? v | uint64_t(t.data[i]) << (8 * i) : v << 8 | t.data[i];
  return v;
}

int64_t sign_extend(uint64_t v, unsigned bits) {
  if (bits == 0 || bits >= 64) return static_cast<int64_t>(v);
  uint64_t m = uint64_t(1) << (bits - 1);
  v &= (uint64_t(1) << bits) - 1;
  return static_cast<int64_t>((v ^ m) - m);
}

uint64_t apply_mask(const FieldDef& d, uint64_t v) { return d.mask ? (v & d.mask) >> d.shift() : v; }

// The text from argument `from` on (Wireshark joins the label arguments).
bool label_args(lua_State* L, int from, std::string& out) {
  int top = lua_gettop(L);
  bool any = false;
  for (int i = from; i <= top; ++i) {
    if (lua_isnil(L, i)) continue;
    size_t n = 0;
    const char* s = luaL_tolstring(L, i, &n);
    out.append(s, n);
    lua_pop(L, 1);
    any = true;
  }
  return any;
}

double seconds_of(lua_State* L, int idx) {
  if (lua_isnumber(L, idx)) return lua_tonumber(L, idx);
  // NSTime userdata: its secs and nsecs.
  if (lua_getfield(L, idx, "secs") == LUA_TNUMBER) {
    double s = lua_tonumber(L, -1);
    lua_getfield(L, idx, "nsecs");
    s += lua_tonumber(L, -1) / 1e9;
    lua_pop(L, 2);
    return s;
  }
  lua_pop(L, 1);
  return 0;
}

// Adds field `d` over range `r` (value read from it) or with the value at `vi` (0: none).
int add_field(lua_State* L, DissectContext& ctx, const FieldDef& d, Tvb r, int vi, bool le, int parent) {
  FieldId f = d.id;
  if (f == kNoField) return parent;
  uint32_t len = r.len;
  switch (d.ftype) {
    case FT_CHAR: case FT_UINT8: case FT_UINT16: case FT_UINT24: case FT_UINT32: case FT_UINT40: case FT_UINT48:
    case FT_UINT56: case FT_UINT64: case FT_FRAMENUM: {
      uint64_t v = 0;
      if (vi) {
        if (!lua::to_uint64(L, vi, v)) luaL_error(L, "TreeItem:add: bad value for %s", d.abbrev.c_str());
      } else {
        v = read_uint(r, le);
      }
      return ctx.add_uint(f, r, 0, len, apply_mask(d, v), parent);
    }
    case FT_INT8: case FT_INT16: case FT_INT24: case FT_INT32: case FT_INT40: case FT_INT48: case FT_INT56:
    case FT_INT64: {
      int64_t v;
      if (vi) {
        uint64_t u = 0;
        if (!lua::to_uint64(L, vi, u)) luaL_error(L, "TreeItem:add: bad value for %s", d.abbrev.c_str());
        v = static_cast<int64_t>(u);
      } else {
        uint64_t u = apply_mask(d, read_uint(r, le));
        unsigned bits = d.mask ? 64 - __builtin_clzll(d.mask >> d.shift()) : (len > 8 ? 8 : len) * 8;
        v = sign_extend(u, bits);
      }
      return ctx.add_int(f, r, 0, len, v, parent);
    }
    case FT_BOOLEAN: {
      bool v;
      if (vi) v = lua_isboolean(L, vi) ? lua_toboolean(L, vi) : lua_tonumber(L, vi) != 0;
      else v = d.mask ? (read_uint(r, le) & d.mask) != 0 : read_uint(r, le) != 0;
      return ctx.add_bool(f, r, 0, len, v, parent);
    }
    case FT_FLOAT: case FT_DOUBLE: case FT_IEEE_11073_FLOAT: case FT_IEEE_11073_SFLOAT: {
      double v;
      if (vi) {
        v = luaL_checknumber(L, vi);
      } else if (len >= 8 && d.ftype == FT_DOUBLE) {
        uint64_t u = read_uint(r, le);
        std::memcpy(&v, &u, 8);
      } else {
        uint32_t u = static_cast<uint32_t>(read_uint(r.sub(0, 4), le));
        float fl;
        std::memcpy(&fl, &u, 4);
        v = fl;
      }
      if (d.ftype != FT_DOUBLE) {
        // tshark prints a float with FLT_DIG significant digits: keep only those.
        // to_chars/from_chars: %.6g's digits and strtod's rounding, without the printf machinery.
        char buf[32];
        auto end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6).ptr;
        std::from_chars(buf, end, v);
      }
      return ctx.add_double(f, r, 0, len, v, parent);
    }
    case FT_IPv4: {
      uint32_t v = 0;
      if (vi) {
        if (const Address* a = lua::test_address(L, vi))
          v = uint32_t(a->bytes[0]) << 24 | uint32_t(a->bytes[1]) << 16 | uint32_t(a->bytes[2]) << 8 | a->bytes[3];
        else
          v = static_cast<uint32_t>(luaL_checkinteger(L, vi));
      } else {
        v = static_cast<uint32_t>(read_uint(r.sub(0, 4), le));
      }
      return ctx.add_ipv4(f, r, 0, v, parent);
    }
    case FT_IPv6: case FT_ETHER: {
      uint32_t want = d.ftype == FT_IPv6 ? 16 : 6;
      if (vi) {
        const Address* a = lua::test_address(L, vi);
        if (!a) luaL_error(L, "TreeItem:add: %s needs an Address value", d.abbrev.c_str());
        return ctx.add_string(f, r, 0, len, std::string_view(reinterpret_cast<const char*>(a->bytes), want), parent);
      }
      if (len < want) luaL_error(L, "TreeItem:add: %s needs %d bytes, the range has %d", d.abbrev.c_str(), int(want), int(len));
      return ctx.add_bytes(f, r, 0, want, parent);
    }
    case FT_ABSOLUTE_TIME: case FT_RELATIVE_TIME: {
      int64_t ns;
      if (vi) {
        ns = static_cast<int64_t>(seconds_of(L, vi) * 1e9);
      } else {
        Tvb s = r.sub(0, 4), n = r.sub(4, 4);
        uint64_t secs = read_uint(s, le);
        uint64_t nsecs = r.len >= 8 ? read_uint(n, le) : 0;
        ns = static_cast<int64_t>(secs * 1000000000ull + nsecs);
      }
      return d.ftype == FT_ABSOLUTE_TIME ? ctx.add_uint(f, r, 0, len, static_cast<uint64_t>(ns), parent)
                                         : ctx.add_int(f, r, 0, len, ns, parent);
    }
    case FT_NONE:
      return ctx.add_uint(f, r, 0, len, 0, parent);
    case FT_PROTOCOL:
      return ctx.add_protocol(f, r, 0, len, parent, "");
    case FT_BYTES: case FT_UINT_BYTES: case FT_EUI64: case FT_AX25: case FT_VINES: case FT_FCWWN: case FT_IPXNET:
      if (vi) {
        if (const std::string* b = lua::test_bytearray(L, vi)) return ctx.add_string(f, r, 0, len, *b, parent);
        size_t n = 0;
        const char* s = luaL_checklstring(L, vi, &n);
        return ctx.add_string(f, r, 0, len, std::string_view(s, n), parent);
      }
      return ctx.add_bytes(f, r, 0, len, parent);
    default:  // strings
      if (vi) {
        size_t n = 0;
        const char* s = luaL_tolstring(L, vi, &n);
        int i = ctx.add_string(f, r, 0, len, std::string_view(s, n), parent);
        lua_pop(L, 1);
        return i;
      }
      return ctx.add_bytes(f, r, 0, len, parent);
  }
}

// The TreeItem methods run as closures over these upvalues, so the hot path
// (tree:add per field) needs no registry lookup and no string compare.
enum Upvalue { UpHost = 1, UpTreeMt, UpFieldMt, UpProtoMt, UpRangeMt, UpMethods, kUpvalues = UpMethods };

Host& up_host(lua_State* L) { return *static_cast<Host*>(lua_touserdata(L, lua_upvalueindex(UpHost))); }

// The upvalue metatable `mt` that the value at `idx` has, or 0 (none of
// `mts`, or not a userdata).
int which_mt(lua_State* L, int idx, std::initializer_list<int> mts) {
  if (!lua_touserdata(L, idx) || !lua_getmetatable(L, idx)) return 0;
  int found = 0;
  for (int mt : mts)
    if (lua_rawequal(L, -1, lua_upvalueindex(mt))) {
      found = mt;
      break;
    }
  lua_pop(L, 1);
  return found;
}

TreeUd* up_check_tree(lua_State* L, Host& h, int idx) {
  if (!which_mt(L, idx, {UpTreeMt})) lua::check_udata(L, idx, kTreeMt);  // raises the usual error
  auto* t = static_cast<TreeUd*>(lua_touserdata(L, idx));
  if (t->generation != h.generation || h.generation == 0) luaL_error(L, "expired TreeItem");
  return t;
}

DissectContext& up_ctx(lua_State* L, Host& h) {
  if (!h.ctx) luaL_error(L, "only available while a packet is being dissected");
  return *h.ctx;
}

// A TvbRange argument of the current call, or nullptr (not a TvbRange).
lua::LuaTvbRange* up_test_range(lua_State* L, Host& h, int idx) {
  if (!which_mt(L, idx, {UpRangeMt})) return nullptr;
  // tvb_api.h: the public struct is first in the userdata.
  auto* r = static_cast<lua::LuaTvbRange*>(lua_touserdata(L, idx));
  if (r->tvb.generation != h.generation) luaL_error(L, "expired tvb");
  return r;
}

void up_push_tree(lua_State* L, Host& h, int item, bool real) {
  auto* ud = static_cast<TreeUd*>(lua_newuserdatauv(L, sizeof(TreeUd), 0));
  ud->item = item;
  ud->real = real && item >= 0;
  ud->generation = h.generation;
  lua_pushvalue(L, lua_upvalueindex(UpTreeMt));
  lua_setmetatable(L, -2);
}

// tree:add(proto|field, [range], [value], [label...]) and add_le.
int tree_add_impl(lua_State* L, bool le) {
  Host& h = up_host(L);
  TreeUd* t = up_check_tree(L, h, 1);
  DissectContext& ctx = up_ctx(L, h);
  int parent = t->item;
  int next = 3;
  Tvb r{};
  if (lua::LuaTvbRange* range = up_test_range(L, h, 3)) {
    r = range->view();
    next = 4;
  } else if (lua_isnil(L, 3) && lua_gettop(L) >= 4) {
    next = 4;
  }
  int mt = which_mt(L, 2, {UpFieldMt, UpProtoMt});
  if (mt == UpProtoMt) {
    auto* p = static_cast<ProtoUd*>(lua_touserdata(L, 2));
    int idx = ctx.add_protocol(p->def->field, r, 0, r.len, parent, "");
    bool real = real_item(ctx, idx, p->def->field);
    std::string text;
    if (real && ctx.want_labels() && label_args(L, next, text)) ctx.set_label(idx, text);
    up_push_tree(L, h, idx, real);
    return 1;
  }
  if (mt == UpFieldMt) {
    auto* fu = static_cast<FieldUd*>(lua_touserdata(L, 2));
    int vi = lua_gettop(L) >= next && !lua_isnil(L, next) ? next : 0;
    int idx = add_field(L, ctx, *fu->def, r, vi, le, parent);
    bool real = real_item(ctx, idx, fu->def->id);
    if (real && vi && ctx.want_labels()) {
      std::string text;
      if (label_args(L, vi + 1, text)) ctx.set_label(idx, text);
    }
    up_push_tree(L, h, idx, real);
    return 1;
  }
  // tree:add([range], "text"): a text-only item.
  int from = 2;
  if (lua::LuaTvbRange* range = up_test_range(L, h, 2)) {
    r = range->view();
    from = 3;
  }
  int idx = ctx.add_uint(h.reg.text, r, 0, r.len, 0, parent);
  bool real = real_item(ctx, idx, h.reg.text);
  std::string text;
  if (real) {
    label_args(L, from, text);
    ctx.set_label(idx, text);
  }
  up_push_tree(L, h, idx, real);
  return 1;
}

int tree_add(lua_State* L) { return tree_add_impl(L, false); }
int tree_add_le(lua_State* L) { return tree_add_impl(L, true); }

int tree_add_packet_field(lua_State* L) {  // (field, range, encoding, [label...])
  Host& h = up_host(L);
  TreeUd* t = up_check_tree(L, h, 1);
  DissectContext& ctx = up_ctx(L, h);
  auto* fu = static_cast<FieldUd*>(::strato::lua::check_udata(L, 2, kFieldMt));
  lua::LuaTvbRange* range = lua::check_tvbrange(L, 3);
  lua_Integer enc = luaL_optinteger(L, 4, 0);
  int idx = add_field(L, ctx, *fu->def, range->view(), 0, (enc & 0x80000000) != 0, t->item);
  bool real = real_item(ctx, idx, fu->def->id);
  std::string text;
  if (real && ctx.want_labels() && label_args(L, 5, text)) ctx.set_label(idx, text);
  up_push_tree(L, h, idx, real);
  return 1;
}

void add_expert(lua_State* L, DissectContext& ctx, int parent, FieldId f, uint32_t group, uint32_t severity,
                std::string_view text, Tvb r) {
  ctx.add_expert(f, r, 0, r.len, parent, static_cast<ExpertSeverity>(severity), static_cast<ExpertGroup>(group), text);
  (void)L;
}

int tree_add_proto_expert_info(lua_State* L) {
  Host& h = up_host(L);
  TreeUd* t = up_check_tree(L, h, 1);
  DissectContext& ctx = up_ctx(L, h);
  auto* e = static_cast<ExpertUd*>(::strato::lua::check_udata(L, 2, kExpertMt));
  std::string text = lua_isnoneornil(L, 3) ? e->def->text : luaL_checkstring(L, 3);
  if (e->def->id != kNoField) add_expert(L, ctx, t->item, e->def->id, e->def->group, e->def->severity, text, Tvb{});
  lua_settop(L, 1);
  return 1;
}

int tree_add_tvb_expert_info(lua_State* L) {
  Host& h = up_host(L);
  TreeUd* t = up_check_tree(L, h, 1);
  DissectContext& ctx = up_ctx(L, h);
  auto* e = static_cast<ExpertUd*>(::strato::lua::check_udata(L, 2, kExpertMt));
  Tvb r{};
  if (lua::LuaTvbRange* range = up_test_range(L, h, 3)) r = range->view();
  else if (!lua_isnoneornil(L, 3)) r = lua::check_tvb(L, 3)->view();
  std::string text = lua_isnoneornil(L, 4) ? e->def->text : luaL_checkstring(L, 4);
  if (e->def->id != kNoField) add_expert(L, ctx, t->item, e->def->id, e->def->group, e->def->severity, text, r);
  lua_settop(L, 1);
  return 1;
}

int tree_add_expert_info(lua_State* L) {  // ([group], [severity], [text])
  Host& h = up_host(L);
  TreeUd* t = up_check_tree(L, h, 1);
  DissectContext& ctx = up_ctx(L, h);
  auto group = static_cast<uint32_t>(luaL_optinteger(L, 2, 0x08000000));
  auto severity = static_cast<uint32_t>(luaL_optinteger(L, 3, 0x00200000));
  std::string text = luaL_optstring(L, 4, "Expert Info");
  int level = severity >= 0x00800000 ? 4 : severity >= 0x00600000 ? 3 : severity >= 0x00400000 ? 2 : severity >= 0x00200000 ? 1 : 0;
  add_expert(L, ctx, t->item, h.reg.proto_expert[level], group, severity, text, Tvb{});
  lua_settop(L, 1);
  return 1;
}

// The item's current tree text (its label, or "Name: value" as -V shows it).
std::string current_text(DissectContext& ctx, int item) {
  std::string out;
  append_item_text(ctx.event(), ctx.dissection().fields[size_t(item)], out);
  return out;
}

int tree_text_op(lua_State* L, int op) {  // 0 set, 1 append, 2 prepend
  Host& h = up_host(L);
  TreeUd* t = up_check_tree(L, h, 1);
  DissectContext& ctx = up_ctx(L, h);
  std::string s;
  label_args(L, 2, s);
  if (t->real && ctx.want_labels()) {
    std::string text = op == 0 ? s : op == 1 ? current_text(ctx, t->item) + s : s + current_text(ctx, t->item);
    ctx.set_label(t->item, text);
  }
  lua_settop(L, 1);
  return 1;
}
int tree_set_text(lua_State* L) { return tree_text_op(L, 0); }
int tree_append_text(lua_State* L) { return tree_text_op(L, 1); }
int tree_prepend_text(lua_State* L) { return tree_text_op(L, 2); }

int tree_flag(lua_State* L, uint8_t flag) {
  Host& h = up_host(L);
  TreeUd* t = up_check_tree(L, h, 1);
  DissectContext& ctx = up_ctx(L, h);
  bool on = lua_isnoneornil(L, 2) || lua_toboolean(L, 2);
  if (t->real) {
    uint8_t& flags = ctx.dissection().fields[size_t(t->item)].flags;
    flags = on ? flags | flag : flags & ~flag;
  }
  lua_settop(L, 1);
  return 1;
}
int tree_set_generated(lua_State* L) { return tree_flag(L, FieldValue::Generated); }
int tree_set_hidden(lua_State* L) { return tree_flag(L, FieldValue::Hidden); }

int tree_set_len(lua_State* L) {
  Host& h = up_host(L);
  TreeUd* t = up_check_tree(L, h, 1);
  DissectContext& ctx = up_ctx(L, h);
  lua_Integer n = luaL_checkinteger(L, 2);
  if (t->real && n >= 0 && ctx.dissection().fields[size_t(t->item)].length > 0) ctx.set_length(t->item, static_cast<uint32_t>(n));
  lua_settop(L, 1);
  return 1;
}

int tree_self(lua_State* L) {  // set_expert_flags and other no-ops
  lua_settop(L, 1);
  return 1;
}

int tree_tostring(lua_State* L) {
  TreeUd* t = up_check_tree(L, up_host(L), 1);
  lua_pushfstring(L, "TreeItem: %d", t->item);
  return 1;
}

int tree_index(lua_State* L) {
  // Methods first, straight from the upvalue table: the key is already an
  // interned Lua string.
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(UpMethods)) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  Host& h = up_host(L);
  TreeUd* t = up_check_tree(L, h, 1);
  const char* k = luaL_checkstring(L, 2);
  if (!std::strcmp(k, "visible") || !std::strcmp(k, "generated") || !std::strcmp(k, "hidden")) {
    bool v = false;
    if (h.ctx && t->real) {
      uint8_t fl = h.ctx->dissection().fields[size_t(t->item)].flags;
      v = k[0] == 'v' ? true : k[0] == 'g' ? (fl & FieldValue::Generated) : (fl & FieldValue::Hidden);
    }
    lua_pushboolean(L, v);
    return 1;
  }
  if (!std::strcmp(k, "text")) {
    if (h.ctx && t->real) lua_pushstring(L, current_text(*h.ctx, t->item).c_str());
    else lua_pushnil(L);
    return 1;
  }
  lua_pushnil(L);
  return 1;
}

}  // namespace

TreeUd* check_tree(lua_State* L, int idx) {
  auto* t = static_cast<TreeUd*>(lua::check_udata(L, idx, kTreeMt));
  Host* h = Host::of(L);
  if (!h || t->generation != h->generation || h->generation == 0) luaL_error(L, "expired TreeItem");
  return t;
}

void push_tree(lua_State* L, int item, bool real) {
  Host* h = Host::of(L);
  auto* ud = static_cast<TreeUd*>(lua_newuserdatauv(L, sizeof(TreeUd), 0));
  ud->item = item;
  ud->real = real && item >= 0;
  ud->generation = h ? h->generation : 0;
  ::strato::lua::set_metatable(L, kTreeMt);
}

void open_tree_api(lua_State* L) {
  static const luaL_Reg kMethods[] = {{"add", tree_add},
                                      {"add_le", tree_add_le},
                                      {"add_packet_field", tree_add_packet_field},
                                      {"add_proto_expert_info", tree_add_proto_expert_info},
                                      {"add_tvb_expert_info", tree_add_tvb_expert_info},
                                      {"add_expert_info", tree_add_expert_info},
                                      {"set_text", tree_set_text},
                                      {"append_text", tree_append_text},
                                      {"prepend_text", tree_prepend_text},
                                      {"set_generated", tree_set_generated},
                                      {"set_hidden", tree_set_hidden},
                                      {"set_len", tree_set_len},
                                      {"set_expert_flags", tree_self},
                                      {nullptr, nullptr}};
  // The upvalues every closure shares (see Upvalue); the methods table is
  // filled after the closures exist, so tree_index gets it too.
  auto push_upvalues = [L](int methods) {
    lua_pushlightuserdata(L, Host::of(L));
    luaL_newmetatable(L, kTreeMt);
    luaL_getmetatable(L, kFieldMt);
    luaL_getmetatable(L, kProtoMt);
    luaL_getmetatable(L, "TvbRange");
    lua_pushvalue(L, methods);
  };
  lua_newtable(L);  // methods
  const int methods = lua_gettop(L);
  push_upvalues(methods);
  luaL_setfuncs(L, kMethods, kUpvalues);
  luaL_newmetatable(L, kTreeMt);
  push_upvalues(methods);
  lua_pushcclosure(L, tree_index, kUpvalues);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, tree_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushvalue(L, methods);
  lua_setfield(L, -2, "__methods");
  lua_pop(L, 1);
  lua_newtable(L);  // the TreeItem class table: its own table, as typeof marks it
  push_upvalues(methods);
  luaL_setfuncs(L, kMethods, kUpvalues);
  lua_setglobal(L, "TreeItem");
  lua_pop(L, 1);
}

}  // namespace strato::luad
