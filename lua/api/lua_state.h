#pragma once
// One Lua 5.4 state as strato's Lua plugins use it: the standard libraries a
// script may use without harming the host (io, os.execute, package.loadlib
// and C modules only when unsafe), Wireshark's Lua 5.2 habits (bit, bit32,
// unpack, loadstring), an instruction budget per call so a runaway loop
// ends with an error instead of hanging a worker, and error messages that
// name the script and line.
#include <cstdint>
#include <string>
#include <vector>

#include "small_alloc.h"

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

namespace strato::lua {

struct StateOptions {
  bool unsafe = false;                 // --lua-unsafe: io, os, package.loadlib, C modules, debug
  uint64_t max_instructions = 100'000'000;  // per protected call; 0: no limit
};

class State {
 public:
  explicit State(const StateOptions& opts);
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  lua_State* L() const { return L_; }

  // Loads and runs a script file. On failure returns false and sets `error`
  // to one line: "FILE:LINE: message" (syntax errors and runtime errors of
  // the top-level chunk alike).
  // `args` reach the chunk as `...`, as tshark's -X lua_scriptN:ARG does.
  bool run_file(const std::string& path, const std::vector<std::string>& args, std::string& error);

  // lua_pcall with the instruction budget reset; on failure pops the error
  // and returns its one-line text in `error`.
  bool call(int nargs, int nresults, std::string& error);

  // The State that owns L (stored in L's extra space).
  static State* of(lua_State* L);

 private:
  static void hook(lua_State* L, lua_Debug* ar);
  SmallAlloc alloc_;  // before L_: the state is closed first
  lua_State* L_ = nullptr;
  StateOptions opts_;
  int64_t budget_ = 0;  // instructions left in the current call, in hook ticks
};

// The one-line text of the error value on top of the stack (not popped):
// strings as they are (Lua prefixes "FILE:LINE:"), other values through
// __tostring, newlines folded into spaces.
std::string error_text(lua_State* L, int idx);

// luaL_checkudata/testudata/setmetatable/getmetatable without the string
// lookups (each costs a strcmp in Lua's string cache): the metatable is
// cached in the registry under the address of the name constant, so `tname`
// must be a string with static storage (a `constexpr const char*` or literal
// used consistently). Created with luaL_newmetatable as usual.
void get_metatable(lua_State* L, const char* tname);
void* test_udata(lua_State* L, int idx, const char* tname);
void* check_udata(lua_State* L, int idx, const char* tname);
void set_metatable(lua_State* L, const char* tname);

// Registers the `bit` (LuaBitOp, as Wireshark ships it) and `bit32`
// (Lua 5.2) libraries as globals.
void open_bit_libraries(lua_State* L);

}  // namespace strato::lua
