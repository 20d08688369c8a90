#include "batch_progress.h"

#include <cinttypes>
#include <cstdio>

namespace strato::cli {

namespace {

std::string human(double v, const char* unit) {
  const char* prefix[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (v >= 1000 && i < 4) v /= 1000, ++i;
  char buf[48];
  std::snprintf(buf, sizeof buf, i ? "%.1f %s%s" : "%.0f %s%s", v, prefix[i], unit);
  return buf;
}

std::string clock_text(double s) {
  if (s < 0) return "--:--";
  auto t = static_cast<long>(s + 0.5);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

}  // namespace

BatchProgress::BatchProgress(BatchCounters& c, bool tty, double interval_s)
    : c_(c), tty_(tty), interval_s_(tty ? 0.2 : interval_s) {}

BatchProgress::~BatchProgress() { stop(); }

void BatchProgress::start() {
  t0_ = std::chrono::steady_clock::now();
  if (interval_s_ > 0) thread_ = std::thread([this] { loop(); });
}

void BatchProgress::stop() {
  {
    std::lock_guard<std::mutex> lock(m_);
    if (stopping_) return;  // the destructor calls it again
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(m_);
  if (tty_) {  // the final state, also for batches shorter than one redraw
    draw_locked();
    std::fputs("\n", stderr);
    drawn_ = false;
  }
}

double BatchProgress::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
}

// From the archive bytes still to read at the rate so far: archives differ
// in size far more than in bytes per second.
double BatchProgress::eta_s() const {
  double done = static_cast<double>(c_.bytes_done.load()), total = static_cast<double>(c_.bytes_total.load());
  double t = elapsed_s();
  if (done <= 0 || t <= 0) return -1;
  return (total > done ? total - done : 0) * t / done;
}

std::string BatchProgress::json() const {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "{\"files_done\":%" PRIu64 ",\"files_failed\":%" PRIu64 ",\"files_total\":%" PRIu64
                ",\"events\":%" PRIu64 ",\"matched\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"bytes_total\":%" PRIu64
                ",\"elapsed_s\":%.3f,\"eta_s\":%.3f}",
                c_.files_done.load(), c_.files_failed.load(), c_.files_total.load(), c_.events.load(),
                c_.matched.load(), c_.bytes_done.load(), c_.bytes_total.load(), elapsed_s(), eta_s());
  return buf;
}

void BatchProgress::draw_locked() {
  double t = elapsed_s();
  uint64_t done = c_.files_done.load(), total = c_.files_total.load();
  const int width = 24;
  int fill = total ? static_cast<int>(width * done / total) : 0;
  std::string bar(static_cast<size_t>(fill), '=');
  if (fill < width) bar += '>' + std::string(static_cast<size_t>(width - fill - 1), ' ');
  std::string line = "[" + bar + "] " + std::to_string(done) + "/" + std::to_string(total) + " files  " +
                     human(t > 0 ? static_cast<double>(c_.events.load()) / t : 0, "ev/s") + "  " +
                     human(t > 0 ? static_cast<double>(c_.bytes_done.load()) / t : 0, "B/s") + "  ETA " +
                     clock_text(eta_s());
  if (c_.files_failed.load()) line += "  " + std::to_string(c_.files_failed.load()) + " failed";
  std::fprintf(stderr, "\r\x1b[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void BatchProgress::loop() {
  std::unique_lock<std::mutex> lock(m_);
  auto period = std::chrono::duration<double>(interval_s_);
  while (!cv_.wait_for(lock, period, [this] { return stopping_; })) {
    if (tty_) {
      draw_locked();
    } else {
      std::fprintf(stderr, "%s\n", json().c_str());
      std::fflush(stderr);
    }
  }
}

void BatchProgress::message(const std::string& line) {
  std::lock_guard<std::mutex> lock(m_);
  if (tty_ && drawn_) std::fputs("\r\x1b[K", stderr);
  std::fprintf(stderr, "%s\n", line.c_str());
  if (tty_ && drawn_) draw_locked();
  std::fflush(stderr);
}

void BatchProgress::summary() {
  double t = elapsed_s();
  std::string s = "strato batch: " + std::to_string(c_.files_done.load() - c_.files_failed.load()) + " files ok, " +
                  std::to_string(c_.files_failed.load()) + " failed";
  if (c_.files_skipped.load()) s += ", " + std::to_string(c_.files_skipped.load()) + " skipped (already finished)";
  uint64_t left = c_.files_total.load() - c_.files_done.load();
  if (left) s += ", " + std::to_string(left) + " not done";
  s += "; " + std::to_string(c_.events.load()) + " events read, " + std::to_string(c_.matched.load()) +
       " matched; " + std::to_string(c_.bytes_done.load()) + " bytes (" + human(static_cast<double>(c_.bytes_done.load()), "B") +
       ") in ";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", t);
  message(s + buf);
}

}  // namespace strato::cli
