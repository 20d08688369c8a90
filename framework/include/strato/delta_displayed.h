#pragma once
// frame.time_delta_displayed: the time since the frame a sink displayed
// before this one. Which frames a sink displays is known only in capture
// order, but sinks format batches in parallel: they write a marker naming
// the frame, and fill the markers in when they write, in order.
#include <cstdint>
#include <string>
#include <vector>

#include "strato/event.h"

namespace strato {

class DeltaDisplayed {
 public:
  // The field whose value is marked (kNoField when no dissector registered it).
  static FieldId field();
  static bool is(FieldId id) { return id != kNoField && id == field(); }
  // Appends the marker of `ev`'s value.
  static void mark(const Event& ev, std::string& out);
  // `formatted` with every marker of `batch`'s displayed events replaced by
  // seconds since the previous displayed event (0 for the first one).
  const std::string& fill(const Batch& batch, const std::string& formatted);

 private:
  bool have_ = false;
  uint64_t last_ns_ = 0;
  std::vector<int64_t> deltas_;  // by index in the batch
  std::string out_;
};

}  // namespace strato
