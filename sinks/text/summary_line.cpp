#include <cstdio>

#include "strato/format.h"
#include "text_format.h"

namespace strato::text {

unsigned time_digits(const std::vector<InterfaceInfo>* ifaces, uint32_t iface) {
  if (!ifaces || iface >= ifaces->size()) return 9;
  uint8_t r = (*ifaces)[iface].tsresol;
  unsigned dec;
  if (r & 0x80) {
    // 2^-n: as many decimals as it takes to show the unit (log10(2) ~ 0.30103).
    unsigned n = r & 0x7f;
    dec = (n * 30103u + 99999u) / 100000u;
  } else {
    dec = r;
  }
  // wiretap only knows sec, dsec, csec, msec, usec and nsec precision.
  if (dec <= 3) return dec;
  if (dec <= 6) return 6;
  return 9;
}

namespace {

void append_rel_time(int64_t ns, unsigned digits, std::string& out) {
  uint64_t mag = ns < 0 ? uint64_t(-(ns + 1)) + 1 : uint64_t(ns);
  if (ns < 0) out.push_back('-');
  append_uint(mag / 1000000000ull, out);
  if (digits == 0) return;
  // tshark truncates to the column precision, it does not round.
  uint64_t frac = mag % 1000000000ull;
  for (unsigned i = digits; i < 9; ++i) frac /= 10;
  char buf[16];
  int n = std::snprintf(buf, sizeof buf, ".%0*llu", int(digits), static_cast<unsigned long long>(frac));
  out.append(buf, size_t(n));
}

void pad_left(std::string& out, size_t start, size_t width) {
  size_t len = out.size() - start;
  if (len < width) out.insert(start, width - len, ' ');
}

}  // namespace

// tshark's print_columns without a TTY: the number is right-aligned in 5,
// times in 10, sources right-aligned in 12, destinations left-aligned in 12,
// the other columns unpadded; " → " between source and destination.
void append_summary_line(const Event& ev, unsigned digits, std::string& out) {
  const Dissection& d = ev.dissection;
  size_t s = out.size();
  append_uint(ev.number, out);
  pad_left(out, s, 5);
  out.push_back(' ');
  s = out.size();
  append_rel_time(static_cast<int64_t>(ev.rel_ns), digits, out);
  pad_left(out, s, 10);
  out.push_back(' ');
  s = out.size();
  out.append(d.col_src);
  pad_left(out, s, 12);
  out.append(" \xe2\x86\x92 ");
  out.append(d.col_dst);
  if (d.col_dst.size() < 12) out.append(12 - d.col_dst.size(), ' ');
  out.push_back(' ');
  out.append(d.col_protocol);
  out.push_back(' ');
  append_uint(ev.orig_len, out);
  out.push_back(' ');
  out.append(d.col_info);
  out.push_back('\n');
}

}  // namespace strato::text
