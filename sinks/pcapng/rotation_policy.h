#pragma once
// When a ring of archive files switches to its next file: dumpcap's -b
// conditions, decided on packet timestamps so that an offline read splits a
// capture exactly as its recorded time says.
#include <cstdint>
#include <string>
#include <vector>

namespace strato::pcapng {

struct RotationLimits {
  uint64_t filesize_bytes = 0;  // filesize:KB, kB = 1000 bytes as dumpcap
  uint64_t duration_ns = 0;     // duration:SEC, from the file's first packet
  uint64_t interval_ns = 0;     // interval:SEC, on multiples of SEC since the epoch
  uint64_t packets = 0;         // packets:N
  uint64_t files = 0;           // files:N, 0: keep every file

  bool switches() const { return filesize_bytes || duration_ns || interval_ns || packets; }
};

// Parses -b values (KEY:NUM, repeatable; a later KEY wins as in dumpcap).
// Throws a usage error naming the bad value; a ring needs a condition
// that switches files (files:N alone is not one).
RotationLimits parse_rotation(const std::vector<std::string>& specs);

// The current file's counters against the limits.
class RotationPolicy {
 public:
  explicit RotationPolicy(const RotationLimits& l) : l_(l) {}

  // Whether the packet stamped `ts_ns` must start a new file: the current
  // one is full (packets, filesize: checked after each packet as dumpcap
  // does) or its time is up (duration, interval).
  bool must_switch(uint64_t ts_ns) const;
  void file_opened(uint64_t first_ts_ns);
  void wrote(uint64_t bytes) { bytes_ += bytes; }
  void wrote_packet(uint64_t bytes) {
    bytes_ += bytes;
    ++packets_;
  }
  const RotationLimits& limits() const { return l_; }

 private:
  RotationLimits l_;
  uint64_t first_ts_ = 0;
  uint64_t bytes_ = 0, packets_ = 0;
};

}  // namespace strato::pcapng
