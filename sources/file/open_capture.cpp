#include <algorithm>
#include <cstdio>

#include "capture_reader.h"
#include "strato/error.h"

namespace strato::file {

namespace {

// libscap writes a little-endian section header like pcapng's, then machine
// info and its list blocks; a pcapng file goes on with an IDB (or, when
// strato's tests build one by hand, straight with Sysdig event blocks,
// which the pcapng reader handles).
bool scap_follows_header(InputStream& in) {
  if (!in.ensure(12)) return false;
  const uint8_t* d = in.data();
  if (rd32(d + 8, false) != 0x1A2B3C4D) return false;
  uint32_t shb = rd32(d + 4, false);
  if (shb < 28 || shb > (1u << 20) || !in.ensure(size_t(shb) + 8)) return false;
  uint32_t next = rd32(in.data() + shb, false);
  switch (next) {
    case 0x204: case 0x208: case 0x216: case 0x217: case 0x221: case 0x222: case 0x8010ABCD: return false;
    default: return is_scap_block_type(next);
  }
}

}  // namespace

std::unique_ptr<CaptureReader> open_capture(std::unique_ptr<InputStream> in, std::vector<InterfaceInfo>& ifaces) {
  in->ensure(4);
  const uint8_t* m = in->data();
  uint32_t magic = 0;
  for (size_t i = 0; i < 4 && i < in->avail(); ++i) magic = (magic << 8) | m[i];
  if (in->avail() >= 4) {
    if (magic == 0x0A0D0D0A) {
      if (scap_follows_header(*in)) return make_scap_reader(std::move(in), ifaces);
      return make_pcapng_reader(std::move(in), ifaces);
    }
    switch (magic) {
      case 0xa1b2c3d4: case 0xd4c3b2a1:
      case 0xa1b23c4d: case 0x4d3cb2a1:
      case 0xa1b2cd34: case 0x34cdb2a1:
        return make_pcap_reader(std::move(in), ifaces);
      default: break;
    }
  }
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%0*x", static_cast<int>(2 * std::min<size_t>(in->avail(), 4)), magic);
  std::string what = in->compression() == std::string("none") ? "" : std::string(" after ") + in->compression() + " decompression";
  throw Error(in->path() + ": not a pcap or pcapng file (magic " + (in->avail() ? std::string(hex) : "none: empty file") + ")" + what);
}

}  // namespace strato::file
