// The rest of Wireshark 4.0's Lua globals a dissector may touch: typeof,
// format_date/format_time, all_field_infos, file_exists, Dir, DATA_DIR and
// USER_DIR, the wtap/ENC_*/MENU_* tables, the Column class table, and the
// GUI functions, which tshark (no GUI) refuses with "GUI not available" and
// strato refuses the same way.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>

#include "field_api.h"
#include "lua_host.h"
#include "struct_api.h"
#include "wireshark_tables.h"

namespace strato::luad {

namespace {

const char kDirMt[] = "Dir";

// typeof(obj): the wslua class name (the metatable's __typeof or __name),
// a table's own __typeof, or the Lua type name. Like tshark's, it indexes
// obj, so nil, numbers, booleans and functions raise an error.
int typeof_fn(lua_State* L) {
  luaL_checkany(L, 1);
  if (lua_getmetatable(L, 1)) {
    if (lua_getfield(L, -1, "__typeof") == LUA_TSTRING) return 1;
    lua_pop(L, 1);
    if (lua_type(L, 1) == LUA_TUSERDATA && lua_getfield(L, -1, "__name") == LUA_TSTRING) return 1;
    lua_settop(L, 1);
  }
  if (lua_getfield(L, 1, "__typeof") == LUA_TSTRING) return 1;  // raises for non-indexable values
  lua_pushstring(L, luaL_typename(L, 1));
  return 1;
}

// wslua turns a Lua number into nstime as floor(secs) and the fraction's
// nanoseconds, truncated; format_time(-0.25) is therefore -1.750000000.
void split_seconds(double x, int64_t& secs, uint32_t& nsecs) {
  const double f = std::floor(x);
  secs = static_cast<int64_t>(f);
  nsecs = static_cast<uint32_t>((x - f) * 1000000000.0);
}

int format_date(lua_State* L) {
  int64_t secs;
  uint32_t nsecs;
  split_seconds(luaL_checknumber(L, 1), secs, nsecs);
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const time_t t = static_cast<time_t>(secs);
  struct tm tm {};
  if (!gmtime_r(&t, &tm)) {
    lua_pushliteral(L, "Not representable");
    return 1;
  }
  lua_pushfstring(L, "%s %s%d, %d %s%d:%s%d:%s%d.", kMonths[tm.tm_mon], tm.tm_mday < 10 ? " " : "", tm.tm_mday,
                  tm.tm_year + 1900, tm.tm_hour < 10 ? "0" : "", tm.tm_hour, tm.tm_min < 10 ? "0" : "", tm.tm_min,
                  tm.tm_sec < 10 ? "0" : "", tm.tm_sec);
  char frac[16];
  std::snprintf(frac, sizeof frac, "%09u UTC", nsecs);
  lua_pushstring(L, frac);
  lua_concat(L, 2);
  return 1;
}

// Wireshark's relative-time text: "1 day, 2 hours, 3 minutes, 4.500000000 seconds".
int format_time(lua_State* L) {
  int64_t secs;
  uint32_t nsecs;
  split_seconds(luaL_checknumber(L, 1), secs, nsecs);
  if (secs == 0 && nsecs == 0) {
    lua_pushliteral(L, "0.000000000 seconds");
    return 1;
  }
  std::string out;
  uint64_t v = static_cast<uint64_t>(secs);
  if (secs < 0) {
    out += '-';
    v = 0 - v;
  }
  const uint64_t s = v % 60, m = v / 60 % 60, h = v / 3600 % 24, d = v / 86400;
  auto part = [&](uint64_t n, const char* unit) {
    if (!out.empty() && out != "-") out += ", ";
    out += std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  if (d) part(d, "day");
  if (h) part(h, "hour");
  if (m) part(m, "minute");
  if (s || nsecs) {
    if (nsecs) {
      if (!out.empty() && out != "-") out += ", ";
      char buf[48];
      std::snprintf(buf, sizeof buf, "%llu.%09u seconds", static_cast<unsigned long long>(s), nsecs);
      out += buf;
    } else {
      part(s, "second");
    }
  }
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

int all_field_infos(lua_State* L) {
  if (!lua::field_event(L)) return luaL_error(L, "wslua_all_field_infos: Cannot be called outside a listener or dissector");
  return lua::push_all_field_infos(L);
}

// Wireshark's init.lua tests a file by opening it for reading.
int file_exists(lua_State* L) {
  FILE* f = std::fopen(luaL_checkstring(L, 1), "r");
  if (f) std::fclose(f);
  lua_pushboolean(L, f != nullptr);
  return 1;
}

// ---------------------------------------------------------------- Dir

std::string home_dir() {
  const char* home = std::getenv("HOME");
  return home ? home : "";
}
std::string user_dir() { return home_dir() + "/.config/wireshark"; }
constexpr const char* kDataDir = "/usr/share/wireshark";

void require_unsafe(lua_State* L, const char* fname) {
  Host* h = Host::of(L);
  if (!h || !h->reg.state_opts.unsafe) luaL_error(L, "%s: reading the file system needs --lua-unsafe", fname);
}

struct DirUd {
  DIR* dir;
  char ext[64];
};

DirUd* check_dir(lua_State* L, int idx) { return static_cast<DirUd*>(luaL_checkudata(L, idx, kDirMt)); }

int dir_open(lua_State* L) {
  require_unsafe(L, "Dir.open");
  const char* path = luaL_checkstring(L, 1);
  const char* ext = luaL_optstring(L, 2, "");
  struct stat st {};
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
    return luaL_error(L, "bad argument #1 to 'Dir.open' (Dir_open: directory does not exist)");
  auto* d = static_cast<DirUd*>(lua_newuserdatauv(L, sizeof(DirUd), 0));
  d->dir = nullptr;
  std::snprintf(d->ext, sizeof d->ext, "%s", ext);
  luaL_setmetatable(L, kDirMt);
  d->dir = opendir(path);
  if (!d->dir) return luaL_error(L, "bad argument #1 to 'Dir.open' (Dir_open: could not open directory)");
  return 1;
}

// Calling a Dir gives its next entry (with the extension asked for), nil at the end.
int dir_call(lua_State* L) {
  DirUd* d = check_dir(L, 1);
  if (!d->dir) return 0;
  const size_t ext_len = std::strlen(d->ext);
  while (dirent* e = readdir(d->dir)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    if (ext_len && (name.size() < ext_len || name.compare(name.size() - ext_len, ext_len, d->ext) != 0)) continue;
    lua_pushlstring(L, name.data(), name.size());
    return 1;
  }
  closedir(d->dir);
  d->dir = nullptr;
  return 0;
}

int dir_close(lua_State* L) {
  DirUd* d = check_dir(L, 1);
  if (d->dir) closedir(d->dir);
  d->dir = nullptr;
  return 0;
}

int dir_tostring(lua_State* L) {
  lua_pushfstring(L, "userdata: %p", lua_touserdata(L, 1));
  return 1;
}

// true: a directory; false: something else; nil: nothing there.
int dir_exists(lua_State* L) {
  require_unsafe(L, "Dir.exists");
  struct stat st {};
  if (stat(luaL_checkstring(L, 1), &st) != 0) return 0;
  lua_pushboolean(L, S_ISDIR(st.st_mode));
  return 1;
}

int dir_make(lua_State* L) {
  require_unsafe(L, "Dir.make");
  const char* path = luaL_checkstring(L, 1);
  struct stat st {};
  if (stat(path, &st) == 0) {
    lua_pushboolean(L, 0);
    return 1;
  }
  lua_pushboolean(L, mkdir(path, 0755) == 0);
  return 1;
}

int dir_remove(lua_State* L) {
  require_unsafe(L, "Dir.remove");
  lua_pushboolean(L, rmdir(luaL_checkstring(L, 1)) == 0);
  return 1;
}

int dir_remove_all(lua_State* L) {
  require_unsafe(L, "Dir.remove_all");
  std::error_code ec;
  const std::filesystem::path p = luaL_checkstring(L, 1);
  if (!std::filesystem::is_directory(p, ec)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  std::filesystem::remove_all(p, ec);
  lua_pushboolean(L, !ec);
  return 1;
}

// Path helpers: the directory, or a file in it when named.
int dir_path(lua_State* L) {
  const char* file = luaL_optstring(L, 1, nullptr);
  lua_pushvalue(L, lua_upvalueindex(1));
  if (file) {
    lua_pushliteral(L, "/");
    lua_pushstring(L, file);
    lua_concat(L, 3);
  }
  return 1;
}

void open_dir(lua_State* L) {
  static const luaL_Reg kMeta[] = {{"__call", dir_call}, {"__gc", dir_close}, {"__tostring", dir_tostring},
                                   {nullptr, nullptr}};
  luaL_newmetatable(L, kDirMt);
  luaL_setfuncs(L, kMeta, 0);
  lua_pushliteral(L, "Dir");
  lua_setfield(L, -2, "__typeof");
  lua_pop(L, 1);
  static const luaL_Reg kDir[] = {{"open", dir_open},     {"close", dir_close},   {"exists", dir_exists},
                                  {"make", dir_make},     {"remove", dir_remove}, {"remove_all", dir_remove_all},
                                  {nullptr, nullptr}};
  luaL_newlib(L, kDir);
  const std::string paths[][2] = {{"personal_config_path", user_dir()},
                                  {"global_config_path", kDataDir},
                                  {"personal_plugins_path", home_dir() + "/.local/lib/wireshark/plugins"},
                                  {"global_plugins_path", "/usr/lib/x86_64-linux-gnu/wireshark/plugins"}};
  for (const auto& [name, path] : paths) {
    lua_pushstring(L, path.c_str());
    lua_pushcclosure(L, dir_path, 1);
    lua_setfield(L, -2, name.c_str());
  }
  lua_pushliteral(L, "Dir");
  lua_setfield(L, -2, "__typeof");
  lua_setglobal(L, "Dir");
}

// ---------------------------------------------------------------- GUI

// tshark's GUI functions raise "<name>: GUI not available"; upvalue 1 is the name.
int gui_not_available(lua_State* L) {
  return luaL_error(L, "%s: GUI not available", lua_tostring(L, lua_upvalueindex(1)));
}

void push_gui_stub(lua_State* L, const char* error_name) {
  lua_pushstring(L, error_name);
  lua_pushcclosure(L, gui_not_available, 1);
}

// The GUI functions whose arguments tshark checks before refusing.
[[noreturn]] void arg_type_error(lua_State* L, const char* fname, int arg, const char* want) {
  luaL_error(L, "bad argument #%d to '%s' (%s expected, got %s)", arg, fname, want,
             lua_isnone(L, arg) ? "nil" : luaL_typename(L, arg));
  __builtin_unreachable();
}
int open_capture_file(lua_State* L) {
  for (int arg : {1, 2})
    if (!lua_isstring(L, arg)) arg_type_error(L, "_G.open_capture_file", arg, "string");
  return luaL_error(L, "open_capture_file: GUI not available");
}
int get_color_filter_slot(lua_State* L) {
  if (!lua_isnumber(L, 1)) arg_type_error(L, "get_color_filter_slot", 1, "number");
  return luaL_error(L, "get_color_filter_slot: GUI not available");
}
int set_color_filter_slot(lua_State* L) {
  if (!lua_isnumber(L, 1)) arg_type_error(L, "set_color_filter_slot", 1, "number");
  if (!lua_isstring(L, 2)) arg_type_error(L, "set_color_filter_slot", 2, "string");
  return luaL_error(L, "set_color_filter_slot: GUI not available");
}

int noop(lua_State*) { return 0; }

// A GUI class: `new` refuses (no window can exist), the methods are
// unreachable without an instance but present as in tshark.
void open_gui_class(lua_State* L, const char* name, const char* new_error, std::initializer_list<const char*> methods) {
  lua_newtable(L);
  push_gui_stub(L, new_error);
  lua_setfield(L, -2, "new");
  for (const char* m : methods) {
    push_gui_stub(L, (std::string(name) + "_" + m).c_str());
    lua_setfield(L, -2, m);
  }
  lua_pushstring(L, name);
  lua_setfield(L, -2, "__typeof");
  lua_setglobal(L, name);
}

void set_table(lua_State* L, const NamedValueList& list) {
  for (size_t i = 0; i < list.size; ++i) {
    lua_pushinteger(L, static_cast<lua_Integer>(list.items[i].value));
    lua_setfield(L, -2, list.items[i].name);
  }
}

// Class tables get their __typeof so typeof(Tvb) etc. answer as in tshark.
void mark_class_tables(lua_State* L) {
  for (const char* name : {"Address", "ByteArray", "Column", "Dissector", "DissectorTable", "Field", "FieldInfo",
                           "Int64", "Listener", "NSTime", "Pref", "Proto", "ProtoExpert", "ProtoField", "Tvb",
                           "TvbRange", "TreeItem", "UInt64"}) {
    const int top = lua_gettop(L);
    const int global = lua_getglobal(L, name);
    if (global == LUA_TTABLE) {
      lua_pushstring(L, name);
      lua_setfield(L, -2, "__typeof");
    } else if (global == LUA_TNIL && luaL_getmetatable(L, name) == LUA_TTABLE) {
      // A class only reachable through its objects (Column, TreeItem): tshark still has the global.
      lua_newtable(L);
      if (lua_getfield(L, -2, "__index") == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
          lua_pushvalue(L, -2);
          lua_insert(L, -2);
          lua_settable(L, -5);
        }
      }
      lua_pop(L, 1);
      lua_pushstring(L, name);
      lua_setfield(L, -2, "__typeof");
      lua_setglobal(L, name);
    }
    lua_settop(L, top);
  }
}

}  // namespace

void open_globals_api(lua_State* L) {
  lua::open_struct_api(L);
  lua_register(L, "typeof", typeof_fn);
  lua_register(L, "format_date", format_date);
  lua_register(L, "format_time", format_time);
  lua_register(L, "all_field_infos", all_field_infos);
  lua_register(L, "file_exists", file_exists);
  open_dir(L);
  lua_pushstring(L, (std::string(kDataDir) + "/").c_str());
  lua_setglobal(L, "DATA_DIR");
  lua_pushstring(L, (user_dir() + "/").c_str());
  lua_setglobal(L, "USER_DIR");

  lua_newtable(L);
  set_table(L, kWtapEncapsList);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "wtap");
  lua_setglobal(L, "wtap_encaps");
  lua_newtable(L);
  set_table(L, kWtapFiletypesList);
  lua_pushvalue(L, -1);
  lua_pushcclosure(L, [](lua_State* L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    return 1;
  }, 1);
  lua_setglobal(L, "get_wtap_filetypes");
  lua_setglobal(L, "wtap_filetypes");
  lua_pushglobaltable(L);
  set_table(L, kEncodingsList);
  set_table(L, kMenuGroupsList);
  lua_pop(L, 1);
  for (auto [name, v] : {std::pair{"P2P_DIR_UNKNOWN", -1}, {"P2P_DIR_SENT", 0}, {"P2P_DIR_RECV", 1}}) {
    lua_pushinteger(L, v);
    lua_setglobal(L, name);
  }
  lua_pushboolean(L, 0);
  lua_setglobal(L, "GUI_ENABLED");
  lua_pushboolean(L, geteuid() == 0);
  lua_setglobal(L, "running_superuser");
  lua_pushboolean(L, 1);
  lua_setglobal(L, "run_user_scripts_when_superuser");

  // register_menu stays a silent no-op (tshark ignores menus); the rest need a GUI.
  const std::pair<const char*, const char*> kGui[] = {
      {"new_dialog", "new_dialog"},           {"retap_packets", "wslua_retap_packets"},
      {"browser_open_url", "browser_open_url"}, {"browser_open_data_file", "browser_open_data_file"},
      {"copy_to_clipboard", "copy_to_clipboard"},
      {"get_filter", "get_filter"},           {"set_filter", "set_filter"},
      {"apply_filter", "apply_filter"},       {"reload", "reload"},
      {"reload_packets", "reload"},           {"redissect_packets", "reload"},
      {"reload_lua_plugins", "reload_lua_plugins"}};
  for (auto [name, err] : kGui) {
    push_gui_stub(L, err);
    lua_setglobal(L, name);
  }
  lua_register(L, "open_capture_file", open_capture_file);
  lua_register(L, "get_color_filter_slot", get_color_filter_slot);
  lua_register(L, "set_color_filter_slot", set_color_filter_slot);
  // tshark reads the preferences file again (an error when there is none); strato has nothing to re-read.
  lua_register(L, "apply_preferences", noop);
  open_gui_class(L, "ProgDlg", "ProgDlg_new", {"close", "stopped", "update"});
  open_gui_class(L, "TextWindow", "TextWindow_new",
                 {"add_button", "append", "clear", "close", "get_text", "prepend", "set", "set_atclose",
                  "set_editable"});
  mark_class_tables(L);
}

}  // namespace strato::luad
