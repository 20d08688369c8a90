#pragma once
// Wireshark display filters (-Y), compiled once and evaluated per event
// against its dissected fields. Also used for pipeline `filter` components.
#include <memory>
#include <string_view>
#include <vector>

#include "strato/event.h"
#include "strato/field.h"

namespace strato {

class DisplayFilter {
 public:
  virtual ~DisplayFilter() = default;
  // Compiles `text` against the field registry. Errors throw
  // strato::usage_error with tshark-like wording and the column, e.g.
  // `display filter: column 1: "tcp.portt" is neither a field nor a protocol name.`
  static std::unique_ptr<DisplayFilter> compile(std::string_view text);
  virtual bool match(const Event& ev) const = 0;
  // Fields the filter reads (for lazy dissection later).
  virtual std::vector<FieldId> fields() const = 0;
};

}  // namespace strato
