#pragma once
// The field registry: every dissector registers its fields once at start-up
// (like Wireshark's hf arrays); afterwards the registry is read-only and
// shared by all threads. Field names follow Wireshark's abbreviations.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace strato {

using FieldId = uint32_t;
inline constexpr FieldId kNoField = 0xffffffffu;

enum class FieldType : uint8_t {
  Protocol,  // a protocol item (e.g. "ip"); carries a label, no value
  Boolean,   // printed 1/0 by -T fields (tshark 4.0)
  UInt,      // unsigned integer, shown in `base`
  Int,
  Double,
  String,    // text; value refers to bytes in the packet or the event's arena
  Bytes,     // raw bytes, printed as hex
  IPv4,      // value.u holds the address in host order
  IPv6,      // 16 bytes referenced like a string
  Ether,     // 6 bytes referenced like a string
  AbsTime,   // ns since the epoch in value.u
  RelTime,   // signed ns in value.i; printed as seconds with 9 decimals
  FrameNum,  // a frame number (e.g. http.response_in)
  // Value-less item. Two conventions, shared by all dissectors and sinks:
  // - a Label field with its own abbreviation (dns.opt, tcp.options.sack_perm)
  //   is Wireshark's FT_NONE: -T fields prints 1 when present;
  // - the field named "text" is a text-only tree line (Wireshark's
  //   proto_tree_add_text): sinks print its label.
  Label,
};

// Calendar: AbsTime shown as a date (frame.time) instead of epoch seconds,
// in local time; CalendarUtc: the same in UTC (Wireshark's ABSOLUTE_TIME_UTC).
// Ascii (strings only): bytes a dissector read as tshark's ENC_ASCII; shown
// raw but for \b \t \n \f \r, bytes above 0x7f as U+FFFD, up to a NUL.
// Text (strings only): text a dissector already formatted (expert messages):
// shown as is but for \b \t \n \f \r, up to a NUL.
enum class Base : uint8_t { Dec, Hex, DecHex, HexDec, Oct, Calendar, Ascii, Text, CalendarUtc };

struct ValueName {
  uint64_t value;
  const char* name;
};

struct FieldInfo {
  std::string abbrev;       // "ip.src"
  std::string name;         // "Source Address"
  FieldType type = FieldType::UInt;
  Base base = Base::Dec;
  uint8_t bits = 32;        // integer width: hex output is padded to bits/4 digits
  uint64_t bitmask = 0;     // for flag fields inside a wider integer
  const ValueName* names = nullptr;  // value → text, terminated by {0, nullptr}
  std::string description;
  FieldId id = kNoField;    // filled in by the registry
  FieldId protocol = kNoField;  // the protocol item this field belongs to
  // Wireshark's type name when FieldType and bits do not pin it (FT_STRINGZ,
  // FT_FLOAT, FT_CHAR, FT_GUID...), as `strato fields` prints it; empty:
  // derived from type and bits.
  std::string ws_ftype;
  // A boolean's true/false texts (Wireshark's true_false_string). Null: the
  // built-ins' convention, "Set"/"Not set" with a bitmask, else "True"/"False".
  const char* true_text = nullptr;
  const char* false_text = nullptr;

  const char* value_name(uint64_t v) const {
    if (!names) return nullptr;
    for (const ValueName* n = names; n->name; ++n)
      if (n->value == v) return n->name;
    return nullptr;
  }
};

class FieldRegistry {
 public:
  static FieldRegistry& instance();

  // Registering the same abbreviation twice returns the existing id, so two
  // plugins (or a plugin and a Lua script) may share a field such as ip.addr.
  FieldId add(FieldInfo info);
  // Convenience for the common cases.
  FieldId add_protocol(const std::string& abbrev, const std::string& name, const std::string& desc = {});
  FieldId add_field(FieldId protocol, const std::string& abbrev, const std::string& name, FieldType type,
                    Base base = Base::Dec, uint8_t bits = 32, uint64_t bitmask = 0,
                    const ValueName* names = nullptr);

  FieldId find(std::string_view abbrev) const;  // kNoField when unknown
  const FieldInfo& info(FieldId id) const { return fields_[id]; }
  size_t size() const { return fields_.size(); }
  const std::vector<FieldInfo>& all() const { return fields_; }

 private:
  std::vector<FieldInfo> fields_;
  std::unordered_map<std::string, FieldId> by_name_;
};

}  // namespace strato
