#include "strato/delta_displayed.h"

#include <charconv>

#include "strato/field.h"
#include "strato/format.h"

namespace strato {

namespace {

// Control bytes around the frame number: -T fields keeps a packet's control
// bytes only inside ASCII strings, where this whole sequence with a frame
// number of the batch is not expected; an unmatched one is left as it is.
constexpr char kOpen[] = "\x01\x02\x03", kClose[] = "\x03\x02\x01";
constexpr size_t kMarkLen = 3;

}  // namespace

FieldId DeltaDisplayed::field() {
  static const FieldId id = FieldRegistry::instance().find("frame.time_delta_displayed");
  return id;
}

void DeltaDisplayed::mark(const Event& ev, std::string& out) {
  out.append(kOpen, kMarkLen);
  out += std::to_string(ev.number);
  out.append(kClose, kMarkLen);
}

const std::string& DeltaDisplayed::fill(const Batch& batch, const std::string& formatted) {
  if (formatted.find(kOpen, 0, kMarkLen) == std::string::npos) {
    // Still the frames displayed so far, for the next batch's first delta.
    for (size_t i = 0; i < batch.count; ++i) {
      if (!batch.events[i].passed) continue;
      have_ = true;
      last_ns_ = batch.events[i].ts_ns;
    }
    return formatted;
  }
  deltas_.assign(batch.count, 0);
  for (size_t i = 0; i < batch.count; ++i) {
    const Event& ev = batch.events[i];
    if (!ev.passed) continue;
    deltas_[i] = have_ ? int64_t(ev.ts_ns - last_ns_) : 0;
    have_ = true;
    last_ns_ = ev.ts_ns;
  }
  const uint64_t first = batch.count ? batch.events[0].number : 0;
  out_.clear();
  size_t from = 0;
  for (size_t m = formatted.find(kOpen, 0, kMarkLen); m != std::string::npos;
       m = formatted.find(kOpen, from, kMarkLen)) {
    const char* p = formatted.data() + m + kMarkLen;
    const char* end = formatted.data() + formatted.size();
    uint64_t number = 0;
    auto [q, ec] = std::from_chars(p, end, number);
    const bool closed = ec == std::errc() && size_t(end - q) >= kMarkLen &&
                        std::string_view(q, kMarkLen) == std::string_view(kClose, kMarkLen);
    const bool ok = closed && number >= first && number - first < batch.count;
    out_.append(formatted, from, m - from);
    if (!ok) {
      out_.append(formatted, m, kMarkLen);
      from = m + kMarkLen;
      continue;
    }
    append_seconds(deltas_[number - first], out_);
    from = size_t(q - formatted.data()) + kMarkLen;
  }
  out_.append(formatted, from, std::string::npos);
  return out_;
}

}  // namespace strato
