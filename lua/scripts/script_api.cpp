// The Lua side of scripts over events: strato.*, print, evt (pinfo and
// Listener are lua/api's, shared with the dissector plugin).
#include <cmath>
#include <string>

#include "field_api.h"
#include "script_host.h"
#include "strato/dissector.h"
#include "strato/error.h"
#include "strato/format.h"

#include "tvb_api.h"

namespace strato::lua {
namespace {

ScriptHost* host_of(lua_State* L) { return static_cast<ScriptHost*>(lua_touserdata(L, lua_upvalueindex(1))); }

void reg(lua_State* L, ScriptHost* host, const char* name, lua_CFunction fn) {
  lua_pushlightuserdata(L, host);
  lua_pushcclosure(L, fn, 1);
  lua_setfield(L, -2, name);
}

// Appends the arguments from `first` on, as tostring() shows them, tab-separated.
void append_values(lua_State* L, int first, int last, std::string& line) {
  for (int i = first; i <= last; ++i) {
    if (i > first) line.push_back('\t');
    size_t n;
    const char* s = luaL_tolstring(L, i, &n);
    line.append(s, n);
    lua_pop(L, 1);
  }
}

void write_line(ScriptHost* host, std::string& line) {
  line.push_back('\n');
  fwrite(line.data(), 1, line.size(), host->out());
}

int l_print(lua_State* L) {
  std::string line;
  append_values(L, 1, lua_gettop(L), line);
  write_line(host_of(L), line);
  return 0;
}

// strato.emit(row): a table prints its array part tab-separated, as -T fields rows are.
int l_emit(lua_State* L) {
  std::string line;
  if (lua_istable(L, 1)) {
    lua_Integer n = luaL_len(L, 1);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, 1, i);
      append_values(L, lua_gettop(L), lua_gettop(L), line);
      lua_pop(L, 1);
      if (i < n) line.push_back('\t');
    }
  } else {
    luaL_checkany(L, 1);
    append_values(L, 1, lua_gettop(L), line);
  }
  write_line(host_of(L), line);
  return 0;
}

int l_set_interval(lua_State* L) {
  double s = luaL_checknumber(L, 1);
  if (!(s > 0) || s > 1e9) return luaL_error(L, "strato.set_interval: expected seconds > 0, got %f", s);
  host_of(L)->set_interval(static_cast<uint64_t>(std::llround(s * 1e9)));
  return 0;
}

const Event& current(lua_State* L, const char* what) {
  const Event* ev = field_event(L);
  if (!ev) luaL_error(L, "%s: no event (only valid inside on_event and Listener.packet)", what);
  return *ev;
}

// -------- evt --------

int evt_field(lua_State* L) {
  FieldId id = host_of(L)->field_id(L, luaL_checkstring(L, 2));
  const Event& ev = current(L, "evt:field");
  for (const FieldValue& fv : ev.dissection.fields)
    if (fv.id == id) {
      push_plain_value(L, ev, fv);
      return 1;
    }
  lua_pushnil(L);
  return 1;
}

int evt_fields(lua_State* L) {
  FieldId id = host_of(L)->field_id(L, luaL_checkstring(L, 2));
  const Event& ev = current(L, "evt:fields");
  lua_newtable(L);
  lua_Integer n = 0;
  for (const FieldValue& fv : ev.dissection.fields)
    if (fv.id == id) {
      push_plain_value(L, ev, fv);
      lua_rawseti(L, -2, ++n);
    }
  return 1;
}

int evt_number(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(current(L, "evt:number").number));
  return 1;
}
int evt_ts(lua_State* L) {
  lua_pushnumber(L, static_cast<double>(current(L, "evt:ts").ts_ns) / 1e9);
  return 1;
}
int evt_ts_ns(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(current(L, "evt:ts_ns").ts_ns));
  return 1;
}
int evt_rel_ts(lua_State* L) {
  lua_pushnumber(L, static_cast<double>(current(L, "evt:rel_ts").rel_ns) / 1e9);
  return 1;
}
int evt_len(lua_State* L) {
  lua_pushinteger(L, current(L, "evt:len").orig_len);
  return 1;
}
int evt_caplen(lua_State* L) {
  lua_pushinteger(L, current(L, "evt:caplen").cap_len);
  return 1;
}
int evt_protocols(lua_State* L) {
  const std::string& p = current(L, "evt:protocols").dissection.protocols;
  lua_pushlstring(L, p.data(), p.size());
  return 1;
}

}  // namespace

void open_script_api(lua_State* L, ScriptHost* host, const std::vector<std::string>& args, int& evt_ref) {
  open_tvb_api(L);  // FieldInfo values, pinfo addresses and Listener tvbs are its classes
  open_field_api(L);

  lua_pushlightuserdata(L, host);
  lua_pushcclosure(L, l_print, 1);
  lua_setglobal(L, "print");

  lua_newtable(L);  // strato
  reg(L, host, "emit", l_emit);
  reg(L, host, "set_interval", l_set_interval);
  lua_pushlstring(L, host->script().data(), host->script().size());
  lua_setfield(L, -2, "script");
  lua_newtable(L);  // strato.args: k=v → args[k] = v; a bare word → args[word] = true
  for (const std::string& a : args) {
    size_t eq = a.find('=');
    if (eq == std::string::npos) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, a.c_str());
    } else {
      lua_pushlstring(L, a.data() + eq + 1, a.size() - eq - 1);
      lua_setfield(L, -2, a.substr(0, eq).c_str());
    }
  }
  lua_setfield(L, -2, "args");
  lua_setglobal(L, "strato");

  lua_newtable(L);  // evt
  reg(L, host, "field", evt_field);
  reg(L, host, "fields", evt_fields);
  reg(L, host, "number", evt_number);
  reg(L, host, "ts", evt_ts);
  reg(L, host, "ts_ns", evt_ts_ns);
  reg(L, host, "rel_ts", evt_rel_ts);
  reg(L, host, "len", evt_len);
  reg(L, host, "caplen", evt_caplen);
  reg(L, host, "protocols", evt_protocols);
  evt_ref = luaL_ref(L, LUA_REGISTRYINDEX);

}

}  // namespace strato::lua
