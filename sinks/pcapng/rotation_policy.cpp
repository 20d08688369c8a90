#include "rotation_policy.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "strato/error.h"

namespace strato::pcapng {

namespace {

uint64_t whole(const std::string& spec, const std::string& num, bool zero_ok) {
  if (num.empty() || num.find_first_not_of("0123456789") != std::string::npos)
    throw usage_error("-b " + spec + ": expected a whole number after ':'");
  errno = 0;
  unsigned long long v = std::strtoull(num.c_str(), nullptr, 10);
  // Bounds keep the products below (ns, bytes) inside 64 bits.
  if (errno == ERANGE || v > 1000000000ull) throw usage_error("-b " + spec + ": number too large");
  if (v == 0 && !zero_ok) throw usage_error("-b " + spec + ": must be at least 1");
  return v;
}

}  // namespace

RotationLimits parse_rotation(const std::vector<std::string>& specs) {
  RotationLimits l;
  for (const std::string& s : specs) {
    size_t colon = s.find(':');
    if (colon == std::string::npos)
      throw usage_error("-b " + s + ": expected KEY:NUM (filesize, duration, interval, files, packets)");
    std::string key = s.substr(0, colon), num = s.substr(colon + 1);
    if (key == "filesize") {
      l.filesize_bytes = whole(s, num, false) * 1000;
    } else if (key == "duration") {
      // dumpcap takes fractional seconds here.
      char* end = nullptr;
      errno = 0;
      double d = num.empty() ? 0 : std::strtod(num.c_str(), &end);
      if (num.empty() || *end || errno == ERANGE || !std::isfinite(d) || d <= 0 || d > 1e9)
        throw usage_error("-b " + s + ": expected a positive number of seconds after ':'");
      l.duration_ns = static_cast<uint64_t>(std::llround(d * 1e9));
      if (!l.duration_ns) throw usage_error("-b " + s + ": must be at least 1 ns");
    } else if (key == "interval") {
      l.interval_ns = whole(s, num, false) * 1000000000ull;
    } else if (key == "files") {
      l.files = whole(s, num, true);
      if (l.files > 100000) throw usage_error("-b " + s + ": at most 100000 files");
    } else if (key == "packets") {
      l.packets = whole(s, num, false);
    } else {
      throw usage_error("-b " + s + ": unknown key '" + key + "' (known: filesize, duration, interval, files, packets)");
    }
  }
  if (!l.switches() && !specs.empty())
    throw usage_error("-b " + specs.back() + ": a ring buffer needs a switching condition (filesize, duration, interval or packets)");
  return l;
}

bool RotationPolicy::must_switch(uint64_t ts) const {
  if (l_.packets && packets_ >= l_.packets) return true;
  if (l_.filesize_bytes && bytes_ >= l_.filesize_bytes) return true;
  // Time going backwards (merged or reordered input) never switches.
  if (l_.duration_ns && ts >= first_ts_ && ts - first_ts_ >= l_.duration_ns) return true;
  if (l_.interval_ns && ts / l_.interval_ns > first_ts_ / l_.interval_ns) return true;
  return false;
}

void RotationPolicy::file_opened(uint64_t first_ts) {
  first_ts_ = first_ts;
  bytes_ = packets_ = 0;
}

}  // namespace strato::pcapng
