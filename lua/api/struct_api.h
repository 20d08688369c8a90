#pragma once
// Wireshark's Struct class (binary pack/unpack of Lua values by a format
// string, as wslua's Struct of Wireshark 4.0): pack, unpack, size, values,
// tohex, fromhex, with the same format language, results and error texts.
extern "C" {
#include <lua.h>
}

namespace strato::lua {

// Registers the global Struct (needs open_tvb_api for Int64/UInt64 values).
void open_struct_api(lua_State* L);

}  // namespace strato::lua
