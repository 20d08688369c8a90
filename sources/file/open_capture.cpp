#include <algorithm>
#include <cstdio>

#include "capture_reader.h"
#include "strato/error.h"

namespace strato::file {

std::unique_ptr<CaptureReader> open_capture(std::unique_ptr<InputStream> in, std::vector<InterfaceInfo>& ifaces) {
  in->ensure(4);
  const uint8_t* m = in->data();
  uint32_t magic = 0;
  for (size_t i = 0; i < 4 && i < in->avail(); ++i) magic = (magic << 8) | m[i];
  if (in->avail() >= 4) {
    if (magic == 0x0A0D0D0A) return make_pcapng_reader(std::move(in), ifaces);
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
