#include "table_text.h"

#include <cstdarg>
#include <cstdio>

namespace strato::stats {

void appendf(std::string& out, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (static_cast<size_t>(n) < sizeof buf) {
    out.append(buf, static_cast<size_t>(n));
    return;
  }
  std::string big(static_cast<size_t>(n) + 1, '\0');
  va_start(ap, fmt);
  vsnprintf(big.data(), big.size(), fmt, ap);
  va_end(ap);
  big.resize(static_cast<size_t>(n));
  out += big;
}

std::string format_size(uint64_t bytes) {
  static const char* const kPrefix[] = {"k", "M", "G", "T", "P", "E"};
  // The largest prefix under which the value is still at least ten.
  int p = -1;
  uint64_t v = bytes;
  while (p < 5 && v / 1000 >= 10) {
    v /= 1000;
    ++p;
  }
  if (p < 0) return std::to_string(bytes) + " bytes";
  return std::to_string(v) + " " + kPrefix[p] + "B";
}

double seconds(uint64_t ns) { return static_cast<double>(ns) / 1e9; }

}  // namespace strato::stats
