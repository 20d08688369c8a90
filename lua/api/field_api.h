#pragma once
// Wireshark's Field and FieldInfo classes for Lua, over any strato::Event:
// `Field.new("tcp.srcport")` makes an extractor; calling it returns one
// FieldInfo per occurrence in the event being handled now (the one given to
// set_field_event). A FieldInfo is valid only until the next
// set_field_event: using it later raises "FieldInfo expired", because the
// event it points into is recycled by the engine.
//
// Used by the Lua dissector plugin (fields of the packet being dissected)
// and the lua-script sink (fields of the event handed to the script).
#include <vector>

extern "C" {
#include <lua.h>
}

#include "strato/event.h"
#include "strato/field.h"

namespace strato::lua {

// Registers the globals Field (Field.new, Field.list) and the FieldInfo class.
void open_field_api(lua_State* L);

// The event extractors read from now on (nullptr: none; extractors return nothing).
void set_field_event(lua_State* L, const strato::Event* ev);
const strato::Event* field_event(lua_State* L);
// Pushes a FieldInfo for every item of the current event, in tree order
// (Wireshark's all_field_infos()); returns how many.
int push_all_field_infos(lua_State* L);

// Every field a Field.new has named so far, in call order, without repeats.
std::vector<strato::FieldId> requested_fields(lua_State* L);

// Wireshark's ftypes number for a field (ftypes.UINT16 == 5, ...).
int wireshark_ftype(const strato::FieldInfo& fi);

// FieldInfo.value: Lua integers, numbers, booleans, strings; UInt64/Int64,
// ByteArray, Address and NSTime userdata where Wireshark gives them (the
// state must have open_tvb_api); nil for FT_NONE.
void push_field_value(lua_State* L, const strato::Event& ev, const strato::FieldValue& fv);

// Plain Lua values for scripts over events (evt:field): integers, numbers,
// booleans and strings only, so they work as table keys; addresses and
// bytes as tshark's -T fields text, times as seconds, protocol items and
// FT_NONE fields as true.
void push_plain_value(lua_State* L, const strato::Event& ev, const strato::FieldValue& fv);

}  // namespace strato::lua
