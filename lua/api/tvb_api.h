#pragma once
// Wireshark's Tvb, TvbRange, ByteArray, UInt64/Int64 and Address classes for
// Lua (the subset dissectors use; names and semantics as in Wireshark's
// wslua). A Tvb is a view of bytes that lives only while the dissector call
// that received it runs: each state keeps a generation number, bumped after
// every call, and a Tvb or TvbRange of an older generation raises
// "expired tvb" as Wireshark does.
#include <cstdint>
#include <string>

extern "C" {
#include <lua.h>
}

#include "strato/dissector.h"

namespace strato::lua {

struct LuaTvb {
  const uint8_t* data = nullptr;
  uint32_t len = 0;        // captured bytes
  uint32_t reported = 0;   // reported length (>= len when the capture was cut)
  uint32_t base = 0;       // strato::Tvb::base: offset of data[0] in the frame, or Tvb::kDetached
  uint64_t generation = 0;
  strato::Tvb view() const { return strato::Tvb{data, len, base}; }
};

struct LuaTvbRange {
  LuaTvb tvb;              // the Tvb it was cut from
  uint32_t offset = 0, len = 0;
  // The bytes of the range as a strato::Tvb (what TreeItem:add hands to DissectContext).
  strato::Tvb view() const { return tvb.view().sub(offset, len); }
};

// Registers the classes and their metatables, and the globals ByteArray,
// UInt64, Int64, Address, Tvb (ByteArray:tvb()), in L.
void open_tvb_api(lua_State* L);

// Current generation of L's Tvbs; end_generation() expires every Tvb handed out so far.
uint64_t tvb_generation(lua_State* L);
void end_generation(lua_State* L);

// Pushes a Tvb userdata for `tvb` (of the current generation).
LuaTvb* push_tvb(lua_State* L, const strato::Tvb& tvb, uint32_t reported_len);
// Argument checks: raise a Lua error ("bad argument #N ... (Tvb expected)", "expired tvb").
LuaTvb* check_tvb(lua_State* L, int idx);
LuaTvbRange* check_tvbrange(lua_State* L, int idx);
// nullptr when the value is not a TvbRange (TreeItem:add's optional range argument).
LuaTvbRange* test_tvbrange(lua_State* L, int idx);
LuaTvbRange* push_tvbrange(lua_State* L, const LuaTvb& tvb, uint32_t offset, uint32_t len);

// 64-bit values: Lua integers, numbers, or UInt64/Int64 userdata.
bool to_uint64(lua_State* L, int idx, uint64_t& out);
void push_uint64(lua_State* L, uint64_t v);  // a UInt64 userdata
void push_int64(lua_State* L, int64_t v);    // an Int64 userdata

// ByteArray: nullptr when idx is not one; push copies the bytes.
const std::string* test_bytearray(lua_State* L, int idx);
void push_bytearray(lua_State* L, const void* data, size_t len);

// Address (IPv4, IPv6, Ether): nullptr when idx is not one.
const strato::Address* test_address(lua_State* L, int idx);
void push_address(lua_State* L, const strato::Address& a);

// NSTime (TvbRange:nstime(), time values): seconds and nanoseconds as
// Wireshark's nstime_t holds them.
void push_nstime(lua_State* L, int64_t secs, int32_t nsecs);

}  // namespace strato::lua
