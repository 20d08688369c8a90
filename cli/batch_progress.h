#pragma once
// Progress of a batch on stderr: on a terminal one bar line redrawn in
// place; otherwise a JSON line every few seconds (for logs and supervisors);
// and a summary at the end.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace strato::cli {

struct BatchCounters {
  std::atomic<uint64_t> files_total{0}, files_done{0}, files_failed{0}, files_skipped{0};
  std::atomic<uint64_t> events{0}, matched{0};
  std::atomic<uint64_t> bytes_done{0}, bytes_total{0};  // archive bytes on disk
};

class BatchProgress {
 public:
  // tty: draw a bar; otherwise JSON lines every `interval_s` (0: none).
  BatchProgress(BatchCounters& c, bool tty, double interval_s);
  ~BatchProgress();
  void start();
  void stop();
  // Prints a message line without tearing the bar.
  void message(const std::string& line);
  double elapsed_s() const;
  // The one-line JSON progress record (also used for the last line).
  std::string json() const;
  void summary();

 private:
  void loop();
  void draw_locked();
  double eta_s() const;

  BatchCounters& c_;
  bool tty_;
  double interval_s_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  std::mutex m_;
  std::condition_variable cv_;
  bool stopping_ = false, drawn_ = false;
  std::thread thread_;
};

}  // namespace strato::cli
