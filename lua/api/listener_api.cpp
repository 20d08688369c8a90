#include "listener_api.h"

#include <algorithm>
#include <string_view>

#include "event_pinfo.h"
#include "strato/dissector.h"
#include "strato/field.h"
#include "tvb_api.h"

namespace strato::lua {

struct Listeners::Entry {
  int ud_ref = LUA_NOREF;  // the Listener userdata; its user value holds packet/draw/reset
  std::string tap;         // "frame": every event
  std::string filter_text;
  std::unique_ptr<DisplayFilter> filter;
  bool removed = false;
};

namespace {

constexpr const char* kListenerMt = "Listener";

struct ListenerUd {
  Listeners* set;
  Listeners::Entry* entry;  // null: an inactive state's Listener, never called
};

ListenerUd* check_listener(lua_State* L) { return static_cast<ListenerUd*>(check_udata(L, 1, kListenerMt)); }

bool is_callback(std::string_view k) { return k == "packet" || k == "draw" || k == "reset"; }

// The taps Wireshark 4.0 has a tapinfo extractor for (its tostring says
// "tapinfo: YES"); strato hands packet() no tapinfo table either way.
bool has_tapinfo(std::string_view tap) {
  for (const char* t : {"actrace", "ansi_a", "bacapp", "eth", "h225", "http", "ip", "ldap", "smb", "tcp", "udp", "wlan"})
    if (tap == t) return true;
  return false;
}

}  // namespace

Listeners::Listeners(State& state, Order order, OnError on_error)
    : state_(state), order_(order), on_error_(std::move(on_error)) {}

Listeners::~Listeners() = default;

namespace {

// Builds the entry, or pushes the error message and returns null. Apart from
// l_new so that no C++ object is alive when l_new raises the error (a Lua
// error is a longjmp: it skips destructors).
std::unique_ptr<Listeners::Entry> make_entry(lua_State* L, const char* tap, const char* filter_text) {
  auto e = std::make_unique<Listeners::Entry>();
  e->tap = tap && *tap ? tap : "frame";
  if (filter_text) e->filter_text = filter_text;
  if (e->tap != "frame") {
    FieldId id = FieldRegistry::instance().find(e->tap);
    if (id == kNoField || FieldRegistry::instance().info(id).type != FieldType::Protocol) {
      lua_pushfstring(L, "Listener.new: no tap named %s", e->tap.c_str());
      return nullptr;
    }
  }
  if (filter_text) {
    try {
      e->filter = DisplayFilter::compile(filter_text);
    } catch (const std::exception& ex) {
      lua_pushfstring(L, "Listener.new: %s", ex.what());
      return nullptr;
    }
  }
  return e;
}

}  // namespace

int Listeners::l_new(lua_State* L) {
  auto* set = static_cast<Listeners*>(lua_touserdata(L, lua_upvalueindex(1)));
  const char* tap = lua_isnoneornil(L, 1) ? nullptr : luaL_checkstring(L, 1);
  const char* filter_text = lua_isnoneornil(L, 2) ? nullptr : luaL_checkstring(L, 2);
  lua_settop(L, 2);
  Entry* entry = nullptr;
  {
    std::unique_ptr<Entry> e = make_entry(L, tap, filter_text);
    if (e && set->active_) {
      entry = e.get();
      set->list_.push_back(std::move(e));
    }
  }
  if (lua_gettop(L) > 2) {  // make_entry pushed an error
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
    return lua_error(L);
  }
  auto* ud = static_cast<ListenerUd*>(lua_newuserdatauv(L, sizeof(ListenerUd), 1));
  ud->set = set;
  ud->entry = entry;
  set_metatable(L, kListenerMt);
  lua_newtable(L);  // callbacks, and what tostring shows
  lua_pushstring(L, tap && *tap ? tap : "frame");
  lua_setfield(L, -2, "__tap");
  lua_pushstring(L, filter_text ? filter_text : "NONE");
  lua_setfield(L, -2, "__filter");
  lua_setiuservalue(L, -2, 1);
  if (entry) {
    lua_pushvalue(L, -1);
    entry->ud_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  return 1;
}

// Reading a callback back is not allowed in Wireshark either: only remove.
int Listeners::l_index(lua_State* L) {
  check_listener(L);
  const char* k = luaL_checkstring(L, 2);
  if (std::string_view(k) == "remove") {
    lua_pushcfunction(L, l_remove);
    return 1;
  }
  return luaL_error(L, "No such '%s' method/field for object type 'Listener'", k);
}

int Listeners::l_newindex(lua_State* L) {
  check_listener(L);
  const char* k = luaL_checkstring(L, 2);
  if (!is_callback(k)) return luaL_error(L, "No such '%s' method/field for object type 'Listener'", k);
  if (!lua_isnil(L, 3)) luaL_checktype(L, 3, LUA_TFUNCTION);
  lua_getiuservalue(L, 1, 1);
  lua_pushvalue(L, 3);
  lua_setfield(L, -2, k);
  return 0;
}

int Listeners::l_remove(lua_State* L) {
  ListenerUd* ud = check_listener(L);
  if (ud->entry) ud->entry->removed = true;
  return 0;
}

int Listeners::l_tostring(lua_State* L) {
  check_listener(L);
  lua_getiuservalue(L, 1, 1);
  lua_getfield(L, -1, "__tap");
  lua_getfield(L, -2, "__filter");
  const char* tap = lua_tostring(L, -2);
  lua_pushfstring(L, "Listener(%s) filter: %s  tapinfo: %s", tap, lua_tostring(L, -1), has_tapinfo(tap) ? "YES" : "NO");
  return 1;
}

void Listeners::open(bool active) {
  lua_State* L = state_.L();
  active_ = active;
  if (pinfo_ref_ == LUA_NOREF) pinfo_ref_ = new_event_pinfo(L);
  if (luaL_newmetatable(L, kListenerMt)) {
    lua_pushcfunction(L, l_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, l_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushlightuserdata(L, this);
  lua_pushcclosure(L, l_new, 1);
  lua_setfield(L, -2, "new");
  lua_setglobal(L, "Listener");
}

bool Listeners::empty() const { return list_.empty(); }

void Listeners::wanted_fields(std::vector<FieldId>& out) const {
  if (list_.empty()) return;
  for (const auto& e : list_)
    if (e->filter)
      for (FieldId id : e->filter->fields()) out.push_back(id);
  event_pinfo_fields(out);
}

bool Listeners::on_tap(const Entry& e, const Event& ev) {
  if (e.removed) return false;
  if (e.tap != "frame") {
    // frame.protocols is "eth:ethertype:ip:udp:dns": the tap is one of its layers.
    std::string_view p = ev.dissection.protocols;
    bool found = false;
    for (size_t pos = 0; pos <= p.size() && !found;) {
      size_t end = p.find(':', pos);
      if (end == std::string_view::npos) end = p.size();
      found = p.substr(pos, end - pos) == e.tap;
      pos = end + 1;
    }
    if (!found) return false;
  }
  return !e.filter || e.filter->match(ev);
}

void Listeners::call(const Entry& e, const char* method, const Event* ev) {
  lua_State* L = state_.L();
  lua_rawgeti(L, LUA_REGISTRYINDEX, e.ud_ref);
  lua_getiuservalue(L, -1, 1);
  int type = lua_getfield(L, -1, method);
  lua_remove(L, -2);
  lua_remove(L, -2);
  if (type != LUA_TFUNCTION) {
    lua_pop(L, 1);
    return;
  }
  int nargs = 0;
  if (ev) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, pinfo_ref_);
    push_tvb(L, Tvb{ev->data, ev->cap_len, 0}, std::max(ev->orig_len, ev->cap_len));
    lua_pushnil(L);  // tapinfo: strato's taps carry no per-protocol record
    nargs = 3;
  }
  std::string error;
  if (!state_.call(nargs, 0, error)) on_error_(std::string("Listener.") + method, error);
}

void Listeners::packet(const Event& ev) {
  // A callback may create listeners: only those that existed before this event run.
  const size_t n = list_.size();
  if (order_ == Order::AsCreated) {
    for (size_t i = 0; i < n; ++i)
      if (on_tap(*list_[i], ev)) call(*list_[i], "packet", &ev);
    return;
  }
  auto layer = [&](std::string_view name) {
    for (size_t i = n; i-- > 0;) {
      const Entry& e = *list_[i];
      if (e.tap == name && !e.removed && (!e.filter || e.filter->match(ev))) call(e, "packet", &ev);
    }
  };
  // A layer dissected twice (ip:pim:ip, two DNS messages in a segment) is
  // queued twice by tshark: its listeners run once per layer. An ICMP error
  // and the packet it quotes queue nothing (tshark's in_error_pkt).
  std::string_view p = ev.dissection.protocols;
  for (size_t pos = 0; pos < p.size();) {
    size_t end = p.find(':', pos);
    if (end == std::string_view::npos) end = p.size();
    std::string_view name = p.substr(pos, end - pos);
    pos = end + 1;
    if ((name == "icmp" || name == "icmpv6") && end < p.size()) {
      std::string_view next = p.substr(pos, p.find(':', pos) - pos);
      if (next == "ip" || next == "ipv6") break;
    }
    if (name != "frame") layer(name);
  }
  layer("frame");
}

void Listeners::call_all(const char* method) {
  size_t n = list_.size();
  auto one = [&](const Entry& e) {
    if (!e.removed) call(e, method, nullptr);
  };
  if (order_ == Order::Tshark)
    for (size_t i = n; i-- > 0;) one(*list_[i]);
  else
    for (size_t i = 0; i < n; ++i) one(*list_[i]);
}

}  // namespace strato::lua
