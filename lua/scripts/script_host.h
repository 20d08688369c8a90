#pragma once
// What a script over events sees besides Field: the `strato` table (args,
// emit, set_interval), `print`, the `evt` object handed to on_event, and
// Wireshark's Listener taps. One ScriptHost per lua-script sink; it runs
// serially (Sink::write), so it keeps plain state.
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "listener_api.h"
#include "lua_state.h"
#include "strato/event.h"

namespace strato::lua {

class ScriptHost {
 public:
  ScriptHost(const std::string& script, const std::vector<std::string>& args, bool unsafe);

  // on_init and the listeners' reset; a failing on_init is a usage error.
  void start(FILE* out);
  void event(const Event& ev);
  // The last partial interval, draw, on_end, and the error summary.
  void finish();

  // Used by the Lua bindings.
  FILE* out() const { return out_; }
  void set_interval(uint64_t ns);
  FieldId field_id(lua_State* L, const char* name);  // raises a Lua error for unknown names
  const std::string& script() const { return script_; }

 private:
  // Calls the function on top of the stack (below its nargs arguments); on
  // error prints the first failure of `what` and counts the others.
  bool protected_call(const char* what, int nargs);
  bool push_global_function(const char* name);
  void run_intervals(uint64_t ts_ns);
  void call_interval(uint64_t ts_ns, uint64_t delta_ns);
  void report(const std::string& what, const std::string& error);

  std::string script_;
  State state_;
  lua_State* L_;
  FILE* out_ = stdout;
  int evt_ref_ = LUA_NOREF;
  Listeners listeners_;
  std::unordered_map<std::string, FieldId> ids_;
  // Event-time intervals: boundaries every interval_ns_ from the first event
  // after set_interval.
  uint64_t interval_ns_ = 0, last_boundary_ = 0, next_boundary_ = 0;
  bool interval_armed_ = false, events_since_boundary_ = false;
  uint64_t last_ts_ = 0, events_ = 0;
  std::map<std::string, uint64_t> failures_;  // callback → failed calls
};

// Installs Field, strato, print and the evt object (Listener is the host's).
void open_script_api(lua_State* L, ScriptHost* host, const std::vector<std::string>& args, int& evt_ref);

}  // namespace strato::lua
