#pragma once
// Source plugins are extcap-style: they describe their interfaces and options
// (from the descriptor) and fill batches of events.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "strato/event.h"
#include "strato/plugin.h"

namespace strato {

struct SourceStats {
  uint64_t received = 0;  // events read / captured
  uint64_t dropped = 0;   // lost by the kernel or a queue (reported like tcpdump)
  uint64_t filtered = 0;  // rejected by the capture filter
  uint64_t dropped_user = 0;  // lost in user space: a full queue between reader and engine
};

class Source : public Plugin {
 public:
  // Interfaces a live source can capture on (strato interfaces / -D).
  virtual std::vector<InterfaceInfo> list_interfaces() { return {}; }
  // Opens the input; errors throw strato::Error naming the input and cause.
  virtual void open() = 0;
  // Appends up to `max_events` events to `batch` (already cleared), setting
  // each event's ts_ns, iface, link_type, cap_len, orig_len, bytes and
  // comment. Returns false when the input is exhausted (the batch may still
  // hold events). Must not block forever: live sources return periodically.
  virtual bool read(Batch& batch, size_t max_events) = 0;
  // Interfaces seen so far (pcapng IDBs); grows while reading.
  virtual const std::vector<InterfaceInfo>& interfaces() const = 0;
  virtual SourceStats stats() const { return {}; }
  // Asks a live source to stop soon (SIGINT); read() then returns false.
  virtual void stop() { stop_requested.store(true); }

 protected:
  std::atomic<bool> stop_requested{false};
};

}  // namespace strato
