// Classic libpcap files: µs and ns magic, either byte order, and the
// "modified" (Kuznetzov) variant whose record headers carry 8 extra bytes.
#include <cstdio>

#include "capture_reader.h"
#include "strato/error.h"

namespace strato::file {

namespace {

constexpr uint32_t kMagicUs = 0xa1b2c3d4, kMagicNs = 0xa1b23c4d, kMagicModified = 0xa1b2cd34;

std::string hex32(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

class PcapReader : public CaptureReader {
 public:
  PcapReader(std::unique_ptr<InputStream> in, std::vector<InterfaceInfo>& ifaces) : in_(std::move(in)) {
    const std::string& path = in_->path();
    if (!in_->ensure(24)) throw Error(path + ": truncated pcap file header (" + std::to_string(in_->avail()) + " bytes)");
    const uint8_t* h = in_->data();
    uint32_t magic = rd32(h, false);
    swap_ = false;
    switch (magic) {
      case kMagicUs: break;
      case kMagicNs: ns_ = true; break;
      case kMagicModified: rec_hdr_ = 24; break;
      default:
        swap_ = true;
        magic = __builtin_bswap32(magic);
        if (magic == kMagicNs) ns_ = true;
        else if (magic == kMagicModified) rec_hdr_ = 24;
        else if (magic != kMagicUs) throw Error(path + ": not a pcap or pcapng file (magic " + hex32(rd32(h, true)) + ")");
    }
    uint16_t major = rd16(h + 4, swap_);
    if (major != 2) throw Error(path + ": unsupported pcap version " + std::to_string(major));
    uint32_t snaplen = rd32(h + 16, swap_);
    // Upper bits carry FCS information, not the link type.
    link_type_ = rd32(h + 20, swap_) & 0x03FFFFFF;
    max_len_ = max_packet_size(link_type_);
    in_->consume(24);

    InterfaceInfo info;
    info.link_type = link_type_;
    info.snaplen = snaplen;
    info.tsresol = ns_ ? 9 : 6;
    iface_ = static_cast<uint32_t>(ifaces.size());
    ifaces.push_back(std::move(info));
  }

  bool next(Packet& p) override {
    if (consumed_pending_) {
      in_->consume(consumed_pending_);
      consumed_pending_ = 0;
    }
    if (!in_->ensure(rec_hdr_)) {
      if (in_->avail() != 0) truncated();
      return false;
    }
    const uint8_t* h = in_->data();
    uint32_t sec = rd32(h, swap_), frac = rd32(h + 4, swap_);
    uint32_t incl = rd32(h + 8, swap_), orig = rd32(h + 12, swap_);
    if (incl > max_len_)
      throw Error(in_->path() + ": corrupt record at byte offset " + std::to_string(in_->offset()) +
                  ": captured length " + std::to_string(incl) + " exceeds the maximum of " +
                  std::to_string(max_len_) + " (" + std::to_string(packets_) + " packets read)");
    if (!in_->ensure(rec_hdr_ + size_t{incl})) {
      truncated();
      return false;
    }
    p.data = in_->data() + rec_hdr_;
    p.cap_len = incl;
    p.orig_len = orig;
    p.ts_ns = uint64_t{sec} * 1000000000ull + (ns_ ? uint64_t{frac} : uint64_t{frac} * 1000ull);
    p.iface = iface_;
    p.link_type = link_type_;
    p.epb_flags = 0;
    p.swapped = swap_;
    p.comment.clear();
    consumed_pending_ = rec_hdr_ + size_t{incl};
    ++packets_;
    return true;
  }

 private:
  void truncated() {
    strato::warn(in_->path() + ": truncated record at byte offset " + std::to_string(in_->offset()) + "; " +
                 std::to_string(packets_) + " packets read");
  }

  std::unique_ptr<InputStream> in_;
  bool swap_ = false, ns_ = false;
  size_t rec_hdr_ = 16;
  uint32_t link_type_ = 0, max_len_ = 0, iface_ = 0;
  // The previous packet stays in the buffer until the caller is done with it.
  size_t consumed_pending_ = 0;
};

}  // namespace

std::unique_ptr<CaptureReader> make_pcap_reader(std::unique_ptr<InputStream> in, std::vector<InterfaceInfo>& ifaces) {
  return std::make_unique<PcapReader>(std::move(in), ifaces);
}

uint32_t max_packet_size(uint32_t link_type) {
  switch (link_type) {
    case 231: return 128u * 1024 * 1024;  // D-Bus
    case 249: return 128u * 1024 * 1024;  // USBPcap
    case 279: return 8u * 1024 * 1024;    // EBHSCR
    default: return 262144;
  }
}

}  // namespace strato::file
