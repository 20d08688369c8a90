#include "event_pinfo.h"

#include <initializer_list>
#include <string_view>

#include "field_api.h"
#include "strato/event.h"

extern "C" {
#include <lauxlib.h>
}

namespace strato::lua {
namespace {

// Address and port fields in the order pinfo falls back through them.
constexpr const char* kSrc[] = {"ip.src", "ipv6.src"};
constexpr const char* kDst[] = {"ip.dst", "ipv6.dst"};
constexpr const char* kDlSrc[] = {"eth.src"};
constexpr const char* kDlDst[] = {"eth.dst"};
constexpr const char* kSrcPort[] = {"tcp.srcport", "udp.srcport"};
constexpr const char* kDstPort[] = {"tcp.dstport", "udp.dstport"};

template <size_t N>
const FieldValue* first_of(const Event& ev, const char* const (&names)[N]) {
  const FieldRegistry& r = FieldRegistry::instance();
  for (const char* n : names) {
    FieldId id = r.find(n);
    if (id == kNoField) continue;
    for (const FieldValue& fv : ev.dissection.fields)
      if (fv.id == id) return &fv;
  }
  return nullptr;
}

int pinfo_index(lua_State* L) {
  const Event* evp = field_event(L);
  if (!evp) return luaL_error(L, "pinfo: no event (only valid inside Listener.packet)");
  const Event& ev = *evp;
  std::string_view k = luaL_checkstring(L, 2);
  auto push_first = [&](const FieldValue* fv) {
    if (fv) push_field_value(L, ev, *fv);
    else lua_pushnil(L);
  };
  if (k == "number") lua_pushinteger(L, static_cast<lua_Integer>(ev.number));
  else if (k == "len") lua_pushinteger(L, ev.orig_len);
  else if (k == "caplen") lua_pushinteger(L, ev.cap_len);
  else if (k == "abs_ts") lua_pushnumber(L, static_cast<double>(ev.ts_ns) / 1e9);
  else if (k == "rel_ts") lua_pushnumber(L, static_cast<double>(ev.rel_ns) / 1e9);
  else if (k == "delta_ts") lua_pushnumber(L, static_cast<double>(ev.delta_ns) / 1e9);
  else if (k == "visited") lua_pushboolean(L, 0);
  else if (k == "src" || k == "net_src") push_first(first_of(ev, kSrc));
  else if (k == "dst" || k == "net_dst") push_first(first_of(ev, kDst));
  else if (k == "dl_src") push_first(first_of(ev, kDlSrc));
  else if (k == "dl_dst") push_first(first_of(ev, kDlDst));
  else if (k == "src_port") push_first(first_of(ev, kSrcPort));
  else if (k == "dst_port") push_first(first_of(ev, kDstPort));
  else lua_pushnil(L);
  return 1;
}

template <size_t N>
void add_ids(std::vector<FieldId>& out, const char* const (&names)[N]) {
  for (const char* n : names) {
    FieldId id = FieldRegistry::instance().find(n);
    if (id != kNoField) out.push_back(id);
  }
}

}  // namespace

int new_event_pinfo(lua_State* L) {
  lua_newtable(L);
  lua_newtable(L);
  lua_pushcfunction(L, pinfo_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  return luaL_ref(L, LUA_REGISTRYINDEX);
}

void event_pinfo_fields(std::vector<FieldId>& out) {
  add_ids(out, kSrc);
  add_ids(out, kDst);
  add_ids(out, kDlSrc);
  add_ids(out, kDlDst);
  add_ids(out, kSrcPort);
  add_ids(out, kDstPort);
}

}  // namespace strato::lua
