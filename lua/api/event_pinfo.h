#pragma once
// The `pinfo` a Listener's packet() gets: a read-only view of the event that
// field_api's set_field_event names now (number, len, caplen, abs_ts,
// rel_ts, delta_ts, visited, src/dst, net_*, dl_*, src_port/dst_port), so
// one object serves every packet without a table per event. Outside a
// packet call, reading it raises "pinfo: no event".
#include <vector>

extern "C" {
#include <lua.h>
}

#include "strato/field.h"

namespace strato::lua {

// Creates the object and returns its registry reference (the state must have
// open_tvb_api and open_field_api).
int new_event_pinfo(lua_State* L);

// The fields the object reads (src, dst, ports), for dissection to record.
void event_pinfo_fields(std::vector<FieldId>& out);

}  // namespace strato::lua
