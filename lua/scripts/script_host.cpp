#include "script_host.h"

#include <algorithm>
#include <string_view>

#include "field_api.h"
#include "strato/error.h"

#include "tvb_api.h"

namespace strato::lua {

namespace {
// A clock jump in a capture (years between two packets) must not turn into
// billions of empty intervals: past this many, the boundaries skip ahead.
constexpr uint64_t kMaxEmptyIntervals = 10000;
}  // namespace

ScriptHost::ScriptHost(const std::string& script, const std::vector<std::string>& args, bool unsafe)
    : script_(script),
      state_(StateOptions{unsafe}),
      L_(state_.L()),
      listeners_(state_, Listeners::Order::AsCreated,
                 [this](const std::string& what, const std::string& error) { report(what, error); }) {
  open_script_api(L_, this, args, evt_ref_);
  listeners_.open(true);
  std::string error;
  if (!state_.run_file(script, args, error)) throw usage_error("lua: " + error);
}

bool ScriptHost::push_global_function(const char* name) {
  if (lua_getglobal(L_, name) == LUA_TFUNCTION) return true;
  lua_pop(L_, 1);
  return false;
}

bool ScriptHost::protected_call(const char* what, int nargs) {
  std::string error;
  if (state_.call(nargs, 0, error)) return true;
  report(what, error);
  return false;
}

void ScriptHost::report(const std::string& what, const std::string& error) {
  if (failures_[what]++ == 0) {
    fflush(out_);  // the error shows after what the script printed before it
    std::fprintf(stderr, "lua: %s\n", error.c_str());
  }
}

void ScriptHost::start(FILE* out) {
  out_ = out;
  if (push_global_function("on_init")) {
    std::string error;
    if (!state_.call(0, 0, error)) throw usage_error("lua: " + error);
  }
  listeners_.call_all("reset");
}

void ScriptHost::set_interval(uint64_t ns) {
  interval_ns_ = ns;
  interval_armed_ = false;  // boundaries count from the next event
}

FieldId ScriptHost::field_id(lua_State* L, const char* name) {
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  FieldId id = FieldRegistry::instance().find(name);
  if (id == kNoField) luaL_error(L, "no field named %s", name);
  ids_.emplace(name, id);
  return id;
}

void ScriptHost::call_interval(uint64_t ts_ns, uint64_t delta_ns) {
  if (!push_global_function("on_interval")) return;
  lua_pushinteger(L_, static_cast<lua_Integer>(ts_ns / 1000000000ull));
  lua_pushinteger(L_, static_cast<lua_Integer>(ts_ns % 1000000000ull));
  lua_pushinteger(L_, static_cast<lua_Integer>(delta_ns));
  protected_call("on_interval", 3);
}

void ScriptHost::run_intervals(uint64_t ts_ns) {
  if (!interval_ns_) return;
  if (!interval_armed_) {
    interval_armed_ = true;
    last_boundary_ = ts_ns;
    next_boundary_ = ts_ns + interval_ns_;
    return;
  }
  if (ts_ns < next_boundary_) return;
  uint64_t crossed = (ts_ns - next_boundary_) / interval_ns_ + 1;
  if (crossed > kMaxEmptyIntervals) {
    // Report the interval that ended, then restart the grid at this event.
    call_interval(next_boundary_, next_boundary_ - last_boundary_);
    last_boundary_ = ts_ns;
    next_boundary_ = ts_ns + interval_ns_;
    events_since_boundary_ = false;
    return;
  }
  // set_interval inside on_interval changes the grid from the next boundary on.
  while (interval_ns_ && interval_armed_ && ts_ns >= next_boundary_) {
    uint64_t b = next_boundary_;
    call_interval(b, b - last_boundary_);
    last_boundary_ = b;
    if (interval_armed_) next_boundary_ = b + interval_ns_;
  }
  events_since_boundary_ = false;
}

void ScriptHost::event(const Event& ev) {
  run_intervals(ev.ts_ns);
  ++events_;
  last_ts_ = ev.ts_ns;
  events_since_boundary_ = true;
  set_field_event(L_, &ev);
  if (!listeners_.empty()) listeners_.packet(ev);
  if (push_global_function("on_event")) {
    lua_rawgeti(L_, LUA_REGISTRYINDEX, evt_ref_);
    protected_call("on_event", 1);
  }
  set_field_event(L_, nullptr);
  end_generation(L_);
}

void ScriptHost::finish() {
  if (interval_ns_ && interval_armed_ && events_since_boundary_) call_interval(last_ts_, last_ts_ - last_boundary_);
  listeners_.call_all("draw");
  if (push_global_function("on_end")) protected_call("on_end", 0);
  fflush(out_);
  for (const auto& [what, n] : failures_)
    if (n > 1 || what == std::string("on_event"))
      std::fprintf(stderr, "lua: %s: %s failed %llu time%s of %llu events\n", script_.c_str(), what.c_str(),
                   static_cast<unsigned long long>(n), n == 1 ? "" : "s", static_cast<unsigned long long>(events_));
}

}  // namespace strato::lua
