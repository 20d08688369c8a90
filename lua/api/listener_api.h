#pragma once
// Wireshark's Listener class (taps) for Lua, over strato events:
// Listener.new(tap, filter) returns an object the script gives packet(pinfo,
// tvb, tapinfo), draw() and reset() functions; tap:remove() stops it. A tap
// is a protocol layer of frame.protocols ("dns"; nil or "frame": every
// event); the filter is a display filter over the event.
//
// Shared by the lua-script sink (listeners beside on_event) and the Lua
// dissector plugin (listeners of -X lua_script scripts, run from the
// engine's tap hook). Both drive it serially, in capture order.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lua_state.h"
#include "strato/display_filter.h"
#include "strato/event.h"

namespace strato::lua {

class Listeners {
 public:
  // Tshark: as tshark calls them. Its taps are queued by the dissectors as
  // they run (eth, ip, udp, dns; frame last), and each queued tap calls its
  // listeners newest first; draw() and reset() go newest first too.
  // AsCreated: scripts over events run them in the order they were made.
  enum class Order { AsCreated, Tshark };
  // A callback failed: `what` is "Listener.packet" etc., `error` one line.
  using OnError = std::function<void(const std::string& what, const std::string& error)>;

  Listeners(State& state, Order order, OnError on_error);
  ~Listeners();
  Listeners(const Listeners&) = delete;
  Listeners& operator=(const Listeners&) = delete;

  // Installs the global Listener. Inactive: Listener.new still returns a
  // Listener (a script loads unchanged) but it is never called; for the Lua
  // dissector plugin's shard states, whose scripts' taps belong to the
  // registration state.
  void open(bool active);

  bool empty() const;
  // Fields the listeners' filters read, plus what their pinfo reads.
  void wanted_fields(std::vector<FieldId>& out) const;

  // packet(pinfo, tvb, nil) of every listener whose tap and filter take
  // `ev`. The caller has made `ev` the field event (set_field_event) and
  // ends the Tvb generation afterwards.
  void packet(const Event& ev);
  // draw() or reset() of every listener that has one.
  void call_all(const char* method);

  struct Entry;

 private:
  static int l_new(lua_State* L);
  static int l_index(lua_State* L);
  static int l_newindex(lua_State* L);
  static int l_remove(lua_State* L);
  static int l_tostring(lua_State* L);
  static bool on_tap(const Entry& e, const Event& ev);
  void call(const Entry& e, const char* method, const Event* ev);

  State& state_;
  Order order_;
  OnError on_error_;
  bool active_ = false;
  int pinfo_ref_ = LUA_NOREF;
  std::vector<std::unique_ptr<Entry>> list_;
};

}  // namespace strato::lua
