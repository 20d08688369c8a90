#pragma once
// Common interface of the pcap and pcapng readers: one packet at a time,
// pointing into the input buffer (valid until the next call).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "input_stream.h"
#include "strato/event.h"

namespace strato::file {

struct Packet {
  const uint8_t* data = nullptr;
  uint32_t cap_len = 0, orig_len = 0;
  uint64_t ts_ns = 0;
  uint32_t iface = 0;      // global index into the source's interface list
  uint32_t link_type = 0;
  uint32_t epb_flags = 0;
  bool swapped = false;    // file written in the other byte order (capture filters care)
  std::string comment;     // reused between packets, keeps its capacity
  // From ptcpdump-style comment lines or strato's syscall metadata block;
  // the consumer clears has_process once it has taken it.
  ProcessInfo process;
  bool has_process = false;
  // A reader that keeps process tables (.scap) hands out shared snapshots;
  // the consumer moves it out.
  std::shared_ptr<const ProcessInfo> shared_process;
};

class CaptureReader {
 public:
  virtual ~CaptureReader() = default;
  // Next packet, or false at the end of the file. Truncation at the end
  // warns; corruption that cannot be skipped throws strato::Error.
  virtual bool next(Packet& p) = 0;
  // Interface drops reported by the file (pcapng ISB), summed over interfaces.
  virtual uint64_t dropped() const { return 0; }
  uint64_t packets() const { return packets_; }

 protected:
  uint64_t packets_ = 0;
};

// Reads the magic and builds the right reader; `ifaces` is the source's global
// interface list, to which the reader appends its interfaces.
std::unique_ptr<CaptureReader> open_capture(std::unique_ptr<InputStream> in,
                                            std::vector<InterfaceInfo>& ifaces);

std::unique_ptr<CaptureReader> make_pcap_reader(std::unique_ptr<InputStream> in,
                                                std::vector<InterfaceInfo>& ifaces);
std::unique_ptr<CaptureReader> make_pcapng_reader(std::unique_ptr<InputStream> in,
                                                  std::vector<InterfaceInfo>& ifaces);
// Falco/sysdig .scap files (scap_blocks.cpp). They share pcapng's section
// header; the block after it tells them apart.
std::unique_ptr<CaptureReader> make_scap_reader(std::unique_ptr<InputStream> in,
                                                std::vector<InterfaceInfo>& ifaces);
bool is_scap_block_type(uint32_t type);

// Byte-order helpers.
inline uint16_t rd16(const uint8_t* p, bool swap) {
  uint16_t v = static_cast<uint16_t>(p[0] | (p[1] << 8));
  return swap ? static_cast<uint16_t>(__builtin_bswap16(v)) : v;
}
inline uint32_t rd32(const uint8_t* p, bool swap) {
  uint32_t v = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
               (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
  return swap ? __builtin_bswap32(v) : v;
}
inline uint64_t rd64(const uint8_t* p, bool swap) {
  uint64_t lo = rd32(p, false), hi = rd32(p + 4, false);
  uint64_t v = lo | (hi << 32);
  return swap ? __builtin_bswap64(v) : v;
}

// Largest packet wiretap accepts for a link type; longer records are corrupt.
uint32_t max_packet_size(uint32_t link_type);

}  // namespace strato::file
