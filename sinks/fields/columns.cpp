#include "columns.h"

#include <cstdio>

#include "strato/format.h"

namespace strato::fields {

namespace {

// Decimals of the time column: the packet's timestamp resolution, rounded
// up to one wiretap knows (0-3, 6 or 9), as tshark 4.0 does.
unsigned time_digits(const std::vector<InterfaceInfo>* ifaces, uint32_t iface) {
  if (!ifaces || iface >= ifaces->size()) return 9;
  uint8_t r = (*ifaces)[iface].tsresol;
  unsigned dec = (r & 0x80) ? ((r & 0x7fu) * 30103u + 99999u) / 100000u : r;
  return dec <= 3 ? dec : dec <= 6 ? 6 : 9;
}

}  // namespace

Column column_by_name(const std::string& name) {
  static const char* names[] = {"_ws.col.No.", "_ws.col.Time", "_ws.col.Source", "_ws.col.Destination",
                                "_ws.col.Protocol", "_ws.col.Length", "_ws.col.Info"};
  for (int i = 0; i < 7; ++i)
    if (name == names[i]) return Column(i);
  return Column::None;
}

void append_column(Column c, const Event& ev, const std::vector<InterfaceInfo>* ifaces, std::string& out) {
  const Dissection& d = ev.dissection;
  switch (c) {
    case Column::No: append_uint(ev.number, out); return;
    case Column::Source: out += d.col_src; return;
    case Column::Destination: out += d.col_dst; return;
    case Column::Protocol: out += d.col_protocol; return;
    case Column::Length: append_uint(ev.orig_len, out); return;
    case Column::Info: out += d.col_info; return;
    case Column::Time: {
      int64_t ns = static_cast<int64_t>(ev.rel_ns);
      uint64_t mag = ns < 0 ? uint64_t(-(ns + 1)) + 1 : uint64_t(ns);
      if (ns < 0) out.push_back('-');
      append_uint(mag / 1000000000ull, out);
      unsigned digits = time_digits(ifaces, ev.iface);
      if (!digits) return;
      uint64_t frac = mag % 1000000000ull;
      for (unsigned i = digits; i < 9; ++i) frac /= 10;  // truncated, not rounded
      char buf[16];
      int n = std::snprintf(buf, sizeof buf, ".%0*llu", int(digits), static_cast<unsigned long long>(frac));
      out.append(buf, size_t(n));
      return;
    }
    case Column::None: return;
  }
}

}  // namespace strato::fields
