#include "field_text.h"

#include "strato/dissector.h"
#include "strato/format.h"

namespace strato::fields {

void append_occurrence(const Event& ev, const FieldValue& fv, std::string& out) {
  const FieldInfo& fi = FieldRegistry::instance().info(fv.id);
  if (fi.type == FieldType::Protocol || fi.type == FieldType::Label) {
    std::string_view label = field_label(ev, fv);
    if (!label.empty()) out.append(label);
    else if (fi.type == FieldType::Protocol) out.append(fi.abbrev);
    return;
  }
  append_field_value(ev, fv, out);
}

}  // namespace strato::fields
