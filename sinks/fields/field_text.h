#pragma once
#include <string>

#include "strato/event.h"

namespace strato::fields {

// One occurrence as tshark 4.0's -T fields prints it: protocol items print
// their tree text (or their abbreviation when they have none), text-only
// items their text, named value-less items (FT_NONE) "1", strings as UTF-8
// with control characters escaped, everything else strato::append_field_value.
void append_occurrence(const Event& ev, const FieldValue& fv, std::string& out);

}  // namespace strato::fields
