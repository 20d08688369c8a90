#include "strato/field.h"

namespace strato {

FieldRegistry& FieldRegistry::instance() {
  static FieldRegistry reg;
  return reg;
}

FieldId FieldRegistry::add(FieldInfo info) {
  auto it = by_name_.find(info.abbrev);
  if (it != by_name_.end()) return it->second;
  FieldId id = static_cast<FieldId>(fields_.size());
  info.id = id;
  if (info.type == FieldType::Protocol) info.protocol = id;
  by_name_.emplace(info.abbrev, id);
  fields_.push_back(std::move(info));
  return id;
}

FieldId FieldRegistry::add_protocol(const std::string& abbrev, const std::string& name, const std::string& desc) {
  FieldInfo f;
  f.abbrev = abbrev;
  f.name = name;
  f.type = FieldType::Protocol;
  f.description = desc;
  return add(std::move(f));
}

FieldId FieldRegistry::add_field(FieldId protocol, const std::string& abbrev, const std::string& name, FieldType type,
                                 Base base, uint8_t bits, uint64_t bitmask, const ValueName* names) {
  FieldInfo f;
  f.abbrev = abbrev;
  f.name = name;
  f.type = type;
  f.base = base;
  f.bits = bits;
  f.bitmask = bitmask;
  f.names = names;
  f.protocol = protocol;
  return add(std::move(f));
}

FieldId FieldRegistry::find(std::string_view abbrev) const {
  auto it = by_name_.find(std::string(abbrev));
  return it == by_name_.end() ? kNoField : it->second;
}

}  // namespace strato
