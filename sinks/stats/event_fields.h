#pragma once
// Reading single field values out of an event, for the summaries.
#include <string_view>

#include "strato/dissector.h"

namespace strato::stats {

inline const FieldValue* first(const Event& ev, FieldId id) {
  if (id == kNoField) return nullptr;
  for (const FieldValue& fv : ev.dissection.fields)
    if (fv.id == id) return &fv;
  return nullptr;
}

// A time span field (RelTime ns, or Double seconds) in milliseconds.
inline double millis(FieldId id, const FieldValue& fv) {
  if (FieldRegistry::instance().info(id).type == FieldType::Double) return fv.v.d * 1e3;
  return static_cast<double>(fv.v.i) / 1e6;
}

}  // namespace strato::stats
