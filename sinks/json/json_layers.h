#pragma once
#include <string>
#include <vector>

#include "json_text.h"
#include "strato/event.h"

namespace strato::json {

// "layers" of tshark -T json --no-duplicate-keys: each protocol an object of
// its fields by abbreviation, subtrees under "abbrev_tree" (or under the
// label of text-only items), repeated keys merged into arrays. Hidden and
// generated fields are included, as tshark does.
void write_layers(const Event& ev, Writer& w);

// "layers" of tshark -T json -e ...: each requested field present in the
// packet as an array of its values, in -e order.
void write_selected(const Event& ev, const std::vector<FieldId>& ids, const std::vector<std::string>& names,
                    Writer& w);

}  // namespace strato::json
