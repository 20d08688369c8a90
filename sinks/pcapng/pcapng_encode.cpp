#include "pcapng_encode.h"

#include <cstring>
#include <string_view>

namespace strato::pcapng {

namespace {

void put16(std::string& o, uint16_t v) { o.append(reinterpret_cast<const char*>(&v), 2); }
void put32(std::string& o, uint32_t v) { o.append(reinterpret_cast<const char*>(&v), 4); }
void put64(std::string& o, uint64_t v) { o.append(reinterpret_cast<const char*>(&v), 8); }
void pad(std::string& o, size_t n) { o.append((4 - n % 4) % 4, '\0'); }

void option(std::string& o, uint16_t code, std::string_view v) {
  // Option values are at most 65535 bytes; longer ones are cut.
  size_t n = v.size() > 65532 ? 65532 : v.size();
  put16(o, code);
  put16(o, static_cast<uint16_t>(n));
  o.append(v.data(), n);
  pad(o, n);
}

// Opens a block: returns its start so close_block can patch the length.
size_t open_block(std::string& o, uint32_t type) {
  size_t start = o.size();
  put32(o, type);
  put32(o, 0);
  return start;
}

void close_block(std::string& o, size_t start) {
  uint32_t len = static_cast<uint32_t>(o.size() - start + 4);
  std::memcpy(&o[start + 4], &len, 4);
  put32(o, len);
}

}  // namespace

uint8_t output_tsresol(uint8_t r) {
  unsigned exp = r & 0x7f;
  if (!(r & 0x80)) return exp <= 9 ? r : 9;
  return exp <= 32 ? r : 9;
}

void append_shb(std::string& o) {
  size_t b = open_block(o, 0x0A0D0D0A);
  put32(o, 0x1A2B3C4D);
  put16(o, 1);
  put16(o, 0);
  put64(o, ~uint64_t{0});  // section length unknown
  option(o, 4, "strato");  // shb_userappl
  put32(o, 0);
  close_block(o, b);
}

void append_idb(std::string& o, const InterfaceInfo& info) {
  size_t b = open_block(o, 1);
  put16(o, static_cast<uint16_t>(info.link_type));
  put16(o, 0);
  put32(o, info.snaplen);
  bool opts = false;
  if (!info.name.empty()) option(o, 2, info.name), opts = true;
  if (!info.description.empty()) option(o, 3, info.description), opts = true;
  uint8_t res = output_tsresol(info.tsresol);
  if (res != 6) {
    char r = static_cast<char>(res);
    option(o, 9, std::string_view(&r, 1));
    opts = true;
  }
  if (!info.filter.empty()) {
    std::string f(1, '\0');  // filter type 0: libpcap filter string
    f += info.filter;
    option(o, 11, f);
    opts = true;
  }
  if (!info.os.empty()) option(o, 12, info.os), opts = true;
  if (opts) put32(o, 0);
  close_block(o, b);
}

void append_epb(std::string& o, const Event& e, uint8_t tsresol) {
  unsigned exp = tsresol & 0x7f;
  uint64_t ts;
  if (!(tsresol & 0x80)) {
    uint64_t div = 1;
    for (unsigned i = exp; i < 9; ++i) div *= 10;
    ts = e.ts_ns / div;
  } else {
    // Round up so that reading it back (which rounds down) gives ts_ns again.
    unsigned __int128 num = static_cast<unsigned __int128>(e.ts_ns) << exp;
    ts = static_cast<uint64_t>((num + 999999999u) / 1000000000u);
  }
  size_t b = open_block(o, 6);
  put32(o, e.iface);
  put32(o, static_cast<uint32_t>(ts >> 32));
  put32(o, static_cast<uint32_t>(ts));
  put32(o, e.cap_len);
  put32(o, e.orig_len);
  o.append(reinterpret_cast<const char*>(e.data), e.cap_len);
  pad(o, e.cap_len);
  bool opts = false;
  // Several comments were joined with '\n' by the reader; split them again.
  std::string_view c = e.comment;
  while (!c.empty()) {
    size_t nl = c.find('\n');
    option(o, 1, c.substr(0, nl));
    opts = true;
    if (nl == std::string_view::npos) break;
    c.remove_prefix(nl + 1);
  }
  if (e.epb_flags) {
    put16(o, 2);
    put16(o, 4);
    put32(o, e.epb_flags);
    opts = true;
  }
  if (opts) put32(o, 0);
  close_block(o, b);
}

}  // namespace strato::pcapng
