#pragma once
// Sinks receive batches in capture order. Work that can run in parallel
// (formatting text, encoding blocks) goes in format(), which the engine calls
// concurrently on different batches; write() is called serially in order.
#include <cstdio>
#include <string>
#include <vector>

#include "strato/event.h"
#include "strato/plugin.h"

namespace strato {

struct SinkContext {
  FILE* out = stdout;  // standard output, unless the sink writes a file
  // Interfaces of the source(s), for pcapng IDBs and interface names.
  const std::vector<InterfaceInfo>* interfaces = nullptr;
  bool need_tree = false;  // -V
};

class Sink : public Plugin {
 public:
  virtual void start(const SinkContext& ctx) { ctx_ = ctx; }
  // Parallel: append this batch's output for events with `passed` set.
  virtual void format(const Batch& batch, std::string& out) const { (void)batch, (void)out; }
  // Serial and in order: write `formatted` (what format() produced) and/or
  // update state such as statistics.
  virtual void write(const Batch& batch, const std::string& formatted) {
    (void)batch;
    if (!formatted.empty()) fwrite(formatted.data(), 1, formatted.size(), ctx_.out);
  }
  // End of input (or SIGINT): print summaries, flush and close files.
  virtual void finish() {}
  // What the dissectors must produce for this sink. Building Info columns
  // and tree labels costs more than the fields themselves, so sinks that
  // only read fields (fields, pcapng, stats) say so and the engine skips it.
  enum Needs : uint32_t { kNeedColumns = 1, kNeedLabels = 2 };
  virtual uint32_t needs() const { return kNeedColumns | kNeedLabels; }
  // The fields this sink reads, called after start(). Return false when it
  // may read any field (the default); true with a list lets the engine skip
  // recording every other field. Protocol items are always recorded.
  virtual bool wanted_fields(std::vector<FieldId>& out) const {
    (void)out;
    return false;
  }
  // Statistics sinks want every event, not only those passing -Y? (tshark's
  // -z honours -Y, so false by default.)
  virtual bool wants_all_events() const { return false; }

 protected:
  SinkContext ctx_;
};

}  // namespace strato
