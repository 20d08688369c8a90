// Pinfo, Columns and Column: one Pinfo per Lua state, reading the packet
// being dissected now (Wireshark's pinfo is per packet; its Lua object is
// only valid during the call, as here).
#include <algorithm>
#include <cstring>

#include "lua_host.h"
#include "tvb_api.h"

namespace strato::luad {

namespace {

const char kColumnsMt[] = "Columns";
const char kColumnMt[] = "Column";

enum ColumnId { ColProtocol, ColInfo, ColSrc, ColDst, ColOther };
struct ColumnUd {
  ColumnId id;
};

ColumnId column_id(const char* name) {
  if (!std::strcmp(name, "protocol")) return ColProtocol;
  if (!std::strcmp(name, "info")) return ColInfo;
  if (!std::strcmp(name, "src") || !std::strcmp(name, "def_src") || !std::strcmp(name, "net_src") ||
      !std::strcmp(name, "res_src") || !std::strcmp(name, "unres_src") || !std::strcmp(name, "res_net_src"))
    return ColSrc;
  if (!std::strcmp(name, "dst") || !std::strcmp(name, "def_dst") || !std::strcmp(name, "net_dst") ||
      !std::strcmp(name, "res_dst") || !std::strcmp(name, "unres_dst") || !std::strcmp(name, "res_net_dst"))
    return ColDst;
  return ColOther;
}

std::string* column_text(DissectContext& ctx, ColumnId id) {
  Dissection& d = ctx.dissection();
  switch (id) {
    case ColProtocol: return &d.col_protocol;
    case ColInfo: return &d.col_info;
    case ColSrc: return &d.col_src;
    case ColDst: return &d.col_dst;
    default: return nullptr;
  }
}

std::string arg_text(lua_State* L, int idx) {
  size_t n = 0;
  const char* s = luaL_tolstring(L, idx, &n);
  std::string out(s, n);
  lua_pop(L, 1);
  return out;
}

// Pinfo, Columns and Column functions are closures over these upvalues, so
// pinfo.cols.info:append() needs no registry lookup: the Host, the Column
// metatable, and a cache of the Column objects by name (they only hold an id).
enum Upvalue { UpHost = 1, UpColumnMt, UpColumnCache, kUpvalues = UpColumnCache };

Host& up_host(lua_State* L) { return *static_cast<Host*>(lua_touserdata(L, lua_upvalueindex(UpHost))); }

void push_column(lua_State* L, ColumnId id) {
  auto* c = static_cast<ColumnUd*>(lua_newuserdatauv(L, sizeof(ColumnUd), 0));
  c->id = id;
  lua_pushvalue(L, lua_upvalueindex(UpColumnMt));
  lua_setmetatable(L, -2);
}

int columns_index(lua_State* L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(UpColumnCache)) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  push_column(L, column_id(luaL_checkstring(L, 2)));
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, lua_upvalueindex(UpColumnCache));
  return 1;
}

// Writes as Wireshark's col_* do under TCP's fences (see Host::info_fence):
// set and clear keep the Info text before the fence, prepend moves it.
void column_write(lua_State* L, ColumnId id, int op, int arg) {  // op: 0 set, 1 append, 2 prepend, 3 clear
  Host& h = up_host(L);
  if (!h.ctx) luaL_error(L, "only available while a packet is being dissected");
  DissectContext& ctx = *h.ctx;
  std::string* s = column_text(ctx, id);
  if (!s || (id == ColProtocol && h.protocol_locked)) return;
  size_t fence = id == ColInfo ? std::min(h.info_fence, s->size()) : 0;
  switch (op) {
    case 0: s->replace(fence, std::string::npos, arg_text(L, arg)); break;
    case 1: s->append(arg_text(L, arg)); break;
    case 2: {
      std::string t = arg_text(L, arg);
      s->insert(0, t);
      if (fence > 0) h.info_fence += t.size();
      break;
    }
    default: s->resize(fence);
  }
}

int columns_newindex(lua_State* L) {
  column_write(L, column_id(luaL_checkstring(L, 2)), 0, 3);
  return 0;
}

int column_op(lua_State* L, int op) {
  auto* c = static_cast<ColumnUd*>(lua_touserdata(L, 1));
  bool ok = false;
  if (c && lua_getmetatable(L, 1)) {
    ok = lua_rawequal(L, -1, lua_upvalueindex(UpColumnMt));
    lua_pop(L, 1);
  }
  if (!ok) c = static_cast<ColumnUd*>(::strato::lua::check_udata(L, 1, kColumnMt));
  column_write(L, c->id, op, 2);
  return 0;
}
int column_set(lua_State* L) { return column_op(L, 0); }
int column_append(lua_State* L) { return column_op(L, 1); }
int column_prepend(lua_State* L) { return column_op(L, 2); }
int column_clear(lua_State* L) { return column_op(L, 3); }
int column_noop(lua_State*) { return 0; }

int column_tostring(lua_State* L) {
  auto* c = static_cast<ColumnUd*>(::strato::lua::check_udata(L, 1, kColumnMt));
  Host* h = Host::of(L);
  std::string* s = h && h->ctx ? column_text(*h->ctx, c->id) : nullptr;
  if (s) lua_pushlstring(L, s->data(), s->size());
  else lua_pushliteral(L, "");
  return 1;
}

// ------------------------------------------------------------ Pinfo

void push_ipv4_or_addr(lua_State* L, const Address& a) {
  if (a.family == Address::None) lua_pushnil(L);
  else lua::push_address(L, a);
}

int pinfo_index(lua_State* L) {
  Host& h = up_host(L);
  // Pinfo is one userdata per state: the pointer is its type check.
  if (lua_touserdata(L, 1) != h.pinfo_ud) ::strato::lua::check_udata(L, 1, kPinfoMt);
  const char* k = luaL_checkstring(L, 2);
  if (!std::strcmp(k, "cols") || !std::strcmp(k, "columns")) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, h.columns_ref);
    return 1;
  }
  if (!std::strcmp(k, "private")) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, h.private_ref);
    return 1;
  }
  if (!std::strcmp(k, "desegment_len")) {
    lua_pushinteger(L, h.desegment_len);
    return 1;
  }
  if (!std::strcmp(k, "desegment_offset")) {
    lua_pushinteger(L, h.desegment_offset);
    return 1;
  }
  if (!std::strcmp(k, "visited") || !std::strcmp(k, "fragmented")) {
    lua_pushboolean(L, 0);
    return 1;
  }
  if (!std::strcmp(k, "curr_proto")) {
    lua_pushstring(L, h.curr_proto ? h.curr_proto->upper.c_str() : "");
    return 1;
  }
  if (!std::strcmp(k, "conversation") || !std::strcmp(k, "match_string")) {
    lua_pushnil(L);
    return 1;
  }
  if (!h.ctx) luaL_error(L, "only available while a packet is being dissected");
  DissectContext& ctx = *h.ctx;
  const PacketInfo& pi = ctx.pinfo;
  const Event& ev = ctx.event();
  if (!std::strcmp(k, "src") || !std::strcmp(k, "net_src")) push_ipv4_or_addr(L, pi.net_src);
  else if (!std::strcmp(k, "dst") || !std::strcmp(k, "net_dst")) push_ipv4_or_addr(L, pi.net_dst);
  else if (!std::strcmp(k, "dl_src")) push_ipv4_or_addr(L, pi.dl_src);
  else if (!std::strcmp(k, "dl_dst")) push_ipv4_or_addr(L, pi.dl_dst);
  else if (!std::strcmp(k, "src_port")) lua_pushinteger(L, pi.srcport);
  else if (!std::strcmp(k, "dst_port")) lua_pushinteger(L, pi.dstport);
  else if (!std::strcmp(k, "number")) lua_pushinteger(L, static_cast<lua_Integer>(ev.number));
  else if (!std::strcmp(k, "len")) lua_pushinteger(L, ev.orig_len);
  else if (!std::strcmp(k, "caplen")) lua_pushinteger(L, ev.cap_len);
  else if (!std::strcmp(k, "abs_ts")) lua_pushnumber(L, static_cast<double>(ev.ts_ns) / 1e9);
  else if (!std::strcmp(k, "rel_ts")) lua_pushnumber(L, static_cast<double>(ev.rel_ns) / 1e9);
  else if (!std::strcmp(k, "delta_ts")) lua_pushnumber(L, static_cast<double>(ev.delta_ns) / 1e9);
  else if (!std::strcmp(k, "match_uint") || !std::strcmp(k, "match")) lua_pushinteger(L, h.match_uint);
  else if (!std::strcmp(k, "port_type")) lua_pushinteger(L, pi.ip_proto == 6 ? 2 : pi.ip_proto == 17 ? 3 : 0);
  else if (!std::strcmp(k, "can_desegment")) lua_pushinteger(L, pi.ip_proto == 6 ? 2 : 0);
  else if (!std::strcmp(k, "in_error_pkt")) lua_pushboolean(L, pi.in_error_packet);
  else if (!std::strcmp(k, "p2p_dir")) lua_pushinteger(L, -1);
  else if (!std::strcmp(k, "hi") || !std::strcmp(k, "lo")) {
    bool src_hi = std::memcmp(pi.net_src.bytes, pi.net_dst.bytes, 16) > 0;
    push_ipv4_or_addr(L, (k[0] == 'h') == src_hi ? pi.net_src : pi.net_dst);
  } else lua_pushnil(L);
  return 1;
}

int pinfo_newindex(lua_State* L) {
  ::strato::lua::check_udata(L, 1, kPinfoMt);
  const char* k = luaL_checkstring(L, 2);
  Host& h = *Host::of(L);
  if (!std::strcmp(k, "desegment_len")) h.desegment_len = static_cast<uint32_t>(luaL_checkinteger(L, 3));
  else if (!std::strcmp(k, "desegment_offset")) h.desegment_offset = static_cast<uint32_t>(luaL_checkinteger(L, 3));
  else if (!std::strcmp(k, "can_desegment") || !std::strcmp(k, "conversation") || !std::strcmp(k, "src") ||
           !std::strcmp(k, "dst") || !std::strcmp(k, "private") || !std::strcmp(k, "src_port") ||
           !std::strcmp(k, "dst_port") || !std::strcmp(k, "hi") || !std::strcmp(k, "lo"))
    ;  // accepted, not kept
  else return luaL_error(L, "Pinfo: '%s' cannot be set", k);
  return 0;
}

int pinfo_tostring(lua_State* L) {
  lua_pushliteral(L, "Pinfo");
  return 1;
}

}  // namespace

void push_pinfo(lua_State* L) {
  Host& h = *Host::of(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, h.pinfo_ref);
}

void open_pinfo_api(lua_State* L) {
  Host& h = *Host::of(L);
  luaL_newmetatable(L, kColumnMt);
  const int column_mt = lua_gettop(L);
  auto push_upvalues = [&] {
    lua_pushlightuserdata(L, &h);
    lua_pushvalue(L, column_mt);
    lua_rawgeti(L, LUA_REGISTRYINDEX, h.column_cache_ref);
  };
  lua_newtable(L);
  h.column_cache_ref = luaL_ref(L, LUA_REGISTRYINDEX);

  static const luaL_Reg kColumnMethods[] = {{"set", column_set},       {"append", column_append},
                                            {"prepend", column_prepend}, {"preppend", column_prepend},
                                            {"clear", column_clear},   {"fence", column_noop},
                                            {"clear_fence", column_noop}, {nullptr, nullptr}};
  lua_newtable(L);
  push_upvalues();
  luaL_setfuncs(L, kColumnMethods, kUpvalues);
  lua_setfield(L, column_mt, "__index");
  push_upvalues();
  lua_pushcclosure(L, column_tostring, kUpvalues);
  lua_setfield(L, column_mt, "__tostring");

  static const luaL_Reg kPinfo[] = {
      {"__index", pinfo_index}, {"__newindex", pinfo_newindex}, {"__tostring", pinfo_tostring}, {nullptr, nullptr}};
  luaL_newmetatable(L, kPinfoMt);
  push_upvalues();
  luaL_setfuncs(L, kPinfo, kUpvalues);
  lua_pop(L, 1);
  static const luaL_Reg kColumns[] = {{"__index", columns_index}, {"__newindex", columns_newindex}, {nullptr, nullptr}};
  luaL_newmetatable(L, kColumnsMt);
  push_upvalues();
  luaL_setfuncs(L, kColumns, kUpvalues);
  lua_pop(L, 2);  // and the Column metatable

  h.pinfo_ud = lua_newuserdatauv(L, 1, 0);
  ::strato::lua::set_metatable(L, kPinfoMt);
  h.pinfo_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_newuserdatauv(L, 1, 0);
  ::strato::lua::set_metatable(L, kColumnsMt);
  h.columns_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_newtable(L);
  h.private_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

}  // namespace strato::luad
