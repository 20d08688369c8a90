// The Listener taps of -X lua_script scripts. tshark runs a script once and
// its taps see every packet after dissection; here the registration state
// (idle once dissection starts) keeps the scripts' Listeners and the engine
// hands it every dissected event, serially and in capture order.
#include <cstdio>

#include "field_api.h"
#include "listener_api.h"
#include "lua_host.h"
#include "tvb_api.h"

namespace strato::luad {

bool LuaPlugin::wants_taps() const { return registration_ && !registration_->listeners->empty(); }

void LuaPlugin::tap(const Event& ev) {
  lua_State* L = registration_->L();
  lua::set_field_event(L, &ev);
  registration_->listeners->packet(ev);
  lua::set_field_event(L, nullptr);
  lua::end_generation(L);
}

// tshark draws every tap at the end, then resets them as it closes the file.
void LuaPlugin::end_taps() {
  registration_->listeners->call_all("draw");
  registration_->listeners->call_all("reset");
  std::fflush(stdout);
  for (const auto& [what, n] : tap_failures_)
    if (n > 1)
      std::fprintf(stderr, "lua: %s failed %llu times\n", what.c_str(), static_cast<unsigned long long>(n));
}

void LuaPlugin::tap_failed(const std::string& what, const std::string& error) {
  if (tap_failures_[what]++ == 0) {
    std::fflush(stdout);  // after what the script printed before it
    std::fprintf(stderr, "lua: %s\n", error.c_str());
  }
}

}  // namespace strato::luad
