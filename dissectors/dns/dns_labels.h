#pragma once
// Tree label forms tshark 4.0 uses for DNS items whose default display
// differs: durations, unknown value names, long byte strings.
#include <string>
#include <string_view>

#include "strato/dissector.h"

namespace strato::dns {

// Whether `item` is the item just added for `f` (an unwanted field returns
// its parent) and a tree will be printed.
inline bool labelable(DissectContext& ctx, int item, FieldId f) {
  return ctx.want_labels() && item >= 0 && ctx.dissection().fields[item].id == f;
}

// tshark's unsigned_time_secs_to_str(): "1 day, 22 hours, 45 minutes, 7 seconds".
void append_duration(uint32_t secs, std::string& out);

// "Time to live: 300 (5 minutes)"
void label_duration(DissectContext& ctx, int item, FieldId f, std::string_view name, uint32_t secs);

// Adds a 32-bit duration field with tshark's label.
int add_duration(DissectContext& ctx, FieldId f, Tvb m, uint32_t off, std::string_view name, int parent);

// "Class: Unknown (0x10fb)" / "Option Code: Unknown (14)" for values without a name.
void label_unknown(DissectContext& ctx, int item, FieldId f, std::string_view name, uint64_t v, unsigned hex_digits);

// Adds a byte string; tshark shows at most 36 bytes of it, then "…", and
// "<MISSING>" for an empty one.
int add_bytes_shown(DissectContext& ctx, FieldId f, Tvb m, uint32_t off, uint32_t len, std::string_view name,
                    int parent);

}  // namespace strato::dns
