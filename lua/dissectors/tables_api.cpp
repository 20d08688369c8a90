// DissectorTable, Dissector, dissect_tcp_pdus and register_postdissector.
// Hand-offs are recorded by the registration state and applied in
// register_handoffs; shards' states find them already there.
#include <cstring>
#include <functional>

#include "lua_host.h"
#include "wireshark_tables.h"
#include "strato/tcp_info.h"
#include "tvb_api.h"

namespace strato::luad {

namespace {

const char kTableMt[] = "DissectorTable";

struct TableUd {
  char name[64];
  bool wtap;  // opened as "wtap_encap": keys are WTAP_ENCAP_* numbers, strato's are LINKTYPE_*
};

struct DissectorUd {
  Dissector* d;
};

// Wireshark's table names for strato's.
std::string strato_table(const std::string& name) {
  if (name == "wtap_encap") return "link_type";
  return name;
}

TableUd* check_table(lua_State* L, int idx) { return static_cast<TableUd*>(::strato::lua::check_udata(L, idx, kTableMt)); }

int push_table(lua_State* L, const std::string& name, bool wtap) {
  auto* t = static_cast<TableUd*>(lua_newuserdatauv(L, sizeof(TableUd), 0));
  std::snprintf(t->name, sizeof t->name, "%s", name.c_str());
  t->wtap = wtap;
  ::strato::lua::set_metatable(L, kTableMt);
  return 1;
}

bool is_wtap(lua_State* L) { return std::string_view(luaL_checkstring(L, 1)) == "wtap_encap"; }

int table_get(lua_State* L) { return push_table(L, strato_table(luaL_checkstring(L, 1)), is_wtap(L)); }

// A key of table `t` as strato's table has it; false: no such key there
// (a WTAP encapsulation without a pcap link type).
bool strato_key(const TableUd& t, uint32_t key, uint32_t& out) {
  if (!t.wtap) {
    out = key;
    return true;
  }
  return wtap_to_linktype(static_cast<int32_t>(key), out);
}

int table_new(lua_State* L) {
  std::string name = strato_table(luaL_checkstring(L, 1));
  Host& h = *Host::of(L);
  if (h.registering) h.reg.table_names.push_back(name);
  return push_table(L, name, is_wtap(L));
}

// Keys: an integer, or a range string "1000-1010,2000".
bool for_each_key(lua_State* L, int idx, const std::function<void(uint32_t)>& fn) {
  if (lua_isinteger(L, idx) || lua_type(L, idx) == LUA_TNUMBER) {
    fn(static_cast<uint32_t>(lua_tointeger(L, idx)));
    return true;
  }
  if (lua_type(L, idx) != LUA_TSTRING) return false;
  std::string s = lua_tostring(L, idx);
  size_t pos = 0;
  while (pos < s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    std::string part = s.substr(pos, comma - pos);
    size_t dash = part.find('-');
    char* end = nullptr;
    unsigned long lo = std::strtoul(part.c_str(), &end, 10);
    unsigned long hi = dash == std::string::npos ? lo : std::strtoul(part.c_str() + dash + 1, &end, 10);
    if (hi < lo || hi - lo > 65535) return false;
    for (unsigned long k = lo; k <= hi; ++k) fn(static_cast<uint32_t>(k));
    pos = comma + 1;
  }
  return true;
}

int table_add(lua_State* L) {
  TableUd* t = check_table(L, 1);
  Dissector* d = to_dissector(L, 3);
  if (!d) return luaL_error(L, "DissectorTable:add: argument #3 must be a Proto or a Dissector");
  Host& h = *Host::of(L);
  if (!h.registering) return 0;  // registration already put it there
  std::string name = t->name;
  uint32_t sk = 0;
  if (!for_each_key(L, 2, [&](uint32_t k) {
        if (strato_key(*t, k, sk)) h.reg.handoffs.push_back({name, sk, d});
      }))
    return luaL_error(L, "DissectorTable:add: bad key (a number or a range string such as \"1000-1010,2000\")");
  return 0;
}

int table_remove(lua_State* L) {
  TableUd* t = check_table(L, 1);
  Host& h = *Host::of(L);
  if (!h.registering) return 0;
  std::string name = t->name;
  uint32_t sk = 0;
  for_each_key(L, 2, [&](uint32_t k) {
    if (strato_key(*t, k, sk)) h.reg.handoffs.push_back({name, sk, nullptr});
  });
  return 0;
}

const DissectorTables::Table* resolved(lua_State* L, const char* name) {
  Host& h = *Host::of(L);
  auto it = h.reg.tables.find(name);
  return it == h.reg.tables.end() ? nullptr : it->second;
}

int table_try(lua_State* L) {  // (key, tvb, pinfo, tree)
  TableUd* t = check_table(L, 1);
  auto key = static_cast<uint32_t>(luaL_checkinteger(L, 2));
  lua::LuaTvb* tvb = lua::check_tvb(L, 3);
  auto* tree = check_tree(L, 5);
  DissectContext& ctx = check_ctx(L);
  bool ok = strato_key(*t, key, key) && ctx.call_table(resolved(L, t->name), key, tvb->view(), tree->item);
  lua_pushinteger(L, ok ? tvb->len : 0);
  return 1;
}

int table_get_dissector(lua_State* L) {
  TableUd* t = check_table(L, 1);
  auto key = static_cast<uint32_t>(luaL_checkinteger(L, 2));
  const DissectorTables::Table* table = resolved(L, t->name);
  Dissector* d = table && strato_key(*t, key, key) ? table->lookup(key) : nullptr;
  if (d) push_dissector(L, d);
  else lua_pushnil(L);
  return 1;
}

int table_noop(lua_State*) { return 0; }

int table_tostring(lua_State* L) {
  lua_pushfstring(L, "DissectorTable: %s", check_table(L, 1)->name);
  return 1;
}

// ------------------------------------------------------------ Dissector

int dissector_get(lua_State* L) {
  Dissector* d = DissectorTables::instance().find(luaL_checkstring(L, 1));
  if (d) push_dissector(L, d);
  else lua_pushnil(L);
  return 1;
}

int dissector_list(lua_State* L) {
  lua_newtable(L);
  lua_Integer i = 1;
  for (Dissector* d : DissectorTables::instance().dissectors()) {
    lua_pushstring(L, d->name());
    lua_rawseti(L, -2, i++);
  }
  return 1;
}

int dissector_call(lua_State* L) {  // (self, tvb, pinfo, tree)
  auto* du = static_cast<DissectorUd*>(::strato::lua::check_udata(L, 1, kDissectorMt));
  lua::LuaTvb* tvb = lua::check_tvb(L, 2);
  auto* tree = check_tree(L, 4);
  DissectContext& ctx = check_ctx(L);
  bool ok = ctx.call(du->d, tvb->view(), tree->item);
  lua_pushinteger(L, ok ? tvb->len : 0);
  return 1;
}

int dissector_tostring(lua_State* L) {
  auto* du = static_cast<DissectorUd*>(::strato::lua::check_udata(L, 1, kDissectorMt));
  lua_pushstring(L, du->d->name());
  return 1;
}

// ------------------------------------------------------------ free functions

int register_postdissector(lua_State* L) {
  auto* p = static_cast<ProtoUd*>(::strato::lua::check_udata(L, 1, kProtoMt));
  Host& h = *Host::of(L);
  if (h.registering) h.reg.postdissectors.push_back(p->def);
  return 0;
}

// dissect_tcp_pdus(tvb, tree, min_header, get_len_fn, dissect_fn[, desegment]):
// cuts the Tvb into PDUs; a PDU cut by the segment's end asks TCP for the
// rest through desegment_offset/desegment_len, as Wireshark's does.
int dissect_tcp_pdus(lua_State* L) {
  lua::LuaTvb* tvb = lua::check_tvb(L, 1);
  ::strato::lua::check_udata(L, 2, kTreeMt);
  auto min_header = static_cast<uint32_t>(luaL_checkinteger(L, 3));
  luaL_checktype(L, 4, LUA_TFUNCTION);
  luaL_checktype(L, 5, LUA_TFUNCTION);
  bool desegment = lua_isnoneornil(L, 6) || lua_toboolean(L, 6);
  Host& h = *Host::of(L);
  Tvb view = tvb->view();
  uint32_t len = tvb->len;
  uint32_t off = 0;
  int tcp_tree = -2;  // -2: not over TCP
  if (h.ctx && tcp_segment(h.ctx->pinfo)) tcp_tree = h.reg.reasm.tcp_tree(*h.ctx);
  while (off < len) {
    uint32_t rem = len - off;
    if (rem < min_header) {
      if (desegment) {
        h.desegment_offset = off;
        h.desegment_len = kDesegmentOneMore;
      }
      break;
    }
    lua_pushvalue(L, 4);
    lua_pushvalue(L, 1);
    push_pinfo(L);
    lua_pushinteger(L, off);
    lua_call(L, 3, 1);
    lua_Integer plen = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (plen <= 0) break;
    if (static_cast<uint64_t>(plen) > rem) {
      if (desegment) {
        h.desegment_offset = off;
        h.desegment_len = static_cast<uint32_t>(plen - rem);
        break;
      }
      plen = rem;
    }
    if (tcp_tree >= -1) {
      // tshark notes each PDU's size in TCP's tree (none off TCP).
      DissectContext& ctx = *h.ctx;
      ctx.add_uint(h.reg.reasm.pdu_size, view, off, static_cast<uint32_t>(plen), static_cast<uint64_t>(plen), tcp_tree,
                   FieldValue::Generated);
    }
    lua_pushvalue(L, 5);
    lua::push_tvb(L, view.sub(off, static_cast<uint32_t>(plen)), static_cast<uint32_t>(plen));
    push_pinfo(L);
    lua_pushvalue(L, 2);
    lua_call(L, 3, 0);
    off += static_cast<uint32_t>(plen);
  }
  return 0;
}

}  // namespace

void push_dissector(lua_State* L, Dissector* d) {
  auto* du = static_cast<DissectorUd*>(lua_newuserdatauv(L, sizeof(DissectorUd), 0));
  du->d = d;
  ::strato::lua::set_metatable(L, kDissectorMt);
}

Dissector* to_dissector(lua_State* L, int idx) {
  if (auto* p = static_cast<ProtoUd*>(::strato::lua::test_udata(L, idx, kProtoMt))) return p->def->dissector.get();
  if (auto* d = static_cast<DissectorUd*>(::strato::lua::test_udata(L, idx, kDissectorMt))) return d->d;
  return nullptr;
}

void open_tables_api(lua_State* L) {
  static const luaL_Reg kTableMethods[] = {{"add", table_add},
                                           {"set", table_add},
                                           {"remove", table_remove},
                                           {"try", table_try},
                                           {"get_dissector", table_get_dissector},
                                           {"add_for_decode_as", table_noop},
                                           {"set_for_decode_as", table_noop},
                                           {"remove_all", table_noop},
                                           {nullptr, nullptr}};
  luaL_newmetatable(L, kTableMt);
  luaL_newlib(L, kTableMethods);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, table_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
  static const luaL_Reg kTableStatics[] = {{"get", table_get}, {"new", table_new}, {nullptr, nullptr}};
  luaL_newlib(L, kTableStatics);
  lua_setglobal(L, "DissectorTable");

  static const luaL_Reg kDissectorMethods[] = {{"call", dissector_call}, {nullptr, nullptr}};
  luaL_newmetatable(L, kDissectorMt);
  luaL_newlib(L, kDissectorMethods);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, dissector_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushcfunction(L, dissector_call);
  lua_setfield(L, -2, "__call");
  lua_pop(L, 1);
  static const luaL_Reg kDissectorStatics[] = {{"get", dissector_get}, {"list", dissector_list}, {nullptr, nullptr}};
  luaL_newlib(L, kDissectorStatics);
  lua_setglobal(L, "Dissector");

  lua_pushcfunction(L, register_postdissector);
  lua_setglobal(L, "register_postdissector");
  lua_pushcfunction(L, dissect_tcp_pdus);
  lua_setglobal(L, "dissect_tcp_pdus");
}

}  // namespace strato::luad
