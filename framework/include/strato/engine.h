#pragma once
// The engine: a TBB flow graph that moves batches, not packets.
//
//   source ─► limiter ─► dissect (serial node; parallel_for over flow shards)
//          ─► filter+format (parallel) ─► sequencer ─► write (serial) ─► limiter--
//
// See docs/ARCHITECTURE.md.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "strato/display_filter.h"
#include "strato/sink.h"
#include "strato/source.h"

namespace strato {

struct EngineConfig {
  unsigned threads = 0;        // 0: all cores
  size_t batch_size = 512;     // events per flow-graph message
  size_t max_in_flight = 0;    // batches alive at once (0: 4 per thread); bounds memory
  uint64_t max_events = 0;     // -c: stop after reading this many events (0: no limit)
  std::string display_filter;  // -Y
  bool need_tree = false;      // -V
};

struct EngineStats {
  uint64_t events = 0;   // read from sources
  uint64_t passed = 0;   // passed the display filter
  SourceStats source;
  size_t batches_allocated = 0;  // peak batches alive: bounded by back-pressure
};

class Engine {
 public:
  explicit Engine(EngineConfig cfg);
  ~Engine();
  // Several sources are read one after another (several -r files).
  void add_source(std::unique_ptr<Source> s);
  // `out` is where the sink writes (stdout unless the pipeline says
  // otherwise); `filter` is an extra display filter for this sink only, on
  // top of EngineConfig::display_filter (pipeline files give sinks different
  // filters).
  void add_sink(std::unique_ptr<Sink> s, FILE* out = stdout, const std::string& filter = {});
  // Runs to the end of input (or stop()). Throws strato::Error on fatal input errors.
  EngineStats run();
  // Async-signal-safe request to stop: sources stop, sinks still finish.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Set by the CLI's SIGINT/SIGTERM handler; the engine polls it.
extern std::atomic<bool> g_stop_requested;

}  // namespace strato
