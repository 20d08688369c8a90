#pragma once
// Wireshark 4.0's number tables for Lua scripts (values as tshark 4.0 has them).
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace strato::luad {

struct NamedValue {
  const char* name;
  int64_t value;
};
struct NamedValueList {
  const NamedValue* items;
  size_t size;
};

extern const NamedValueList kWtapEncapsList;     // wtap_encaps / wtap: WTAP_ENCAP_* by name
extern const NamedValueList kWtapFiletypesList;  // wtap_filetypes (with TSPREC_*)
extern const NamedValueList kEncodingsList;      // every ENC_* global
extern const NamedValueList kMenuGroupsList;     // every MENU_* global (register_menu groups)

// strato's "link_type" key (pcap LINKTYPE_*) for a WTAP_ENCAP_* number;
// false when the encapsulation has no pcap link type strato knows.
bool wtap_to_linktype(int64_t wtap, uint32_t& linktype);

}  // namespace strato::luad
