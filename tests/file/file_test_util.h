#pragma once
// Shared helpers of the file reader/writer tests: reading a capture through
// the "file" source plugin, asking tshark for the same facts, and building
// small pcapng files block by block (either byte order) for cases no real
// file covers.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "strato/event.h"
#include "strato/source.h"

namespace strato::test {

struct Rec {
  uint64_t ts_ns = 0;
  uint32_t len = 0, cap_len = 0, iface = 0, link_type = 0, epb_flags = 0;
  std::string comment;
  std::vector<uint8_t> bytes;
};

struct ReadResult {
  std::vector<Rec> recs;
  std::vector<InterfaceInfo> ifaces;
  SourceStats stats;
  std::string error;       // message of a strato::Error, if one ended reading
  bool usage_error = false;
  size_t warnings = 0;     // strato::warn calls during the read
};

// Reads every event of `path` with the "file" source (optionally filtered).
ReadResult read_capture(const std::string& path, const std::string& filter = "", size_t batch = 100);
ReadResult read_captures(const std::vector<std::string>& paths, const std::string& filter = "", size_t batch = 100);

// tshark's view of a file: frame.time_epoch (as ns), frame.len,
// frame.cap_len, frame.interface_id, frame.comment.
struct TsharkResult {
  std::vector<Rec> recs;
  int exit_code = 0;
  std::string err;
};
TsharkResult tshark_read(const std::string& path);

// Parses "1795462329.133462707" into ns.
uint64_t epoch_to_ns(const std::string& s);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& data);

// Builds a pcapng file in memory.
class PcapngBuilder {
 public:
  explicit PcapngBuilder(bool big_endian = false) : be_(big_endian) {}
  // Starts a new section, possibly switching byte order.
  PcapngBuilder& shb(bool big_endian);
  PcapngBuilder& idb(uint16_t link_type, uint32_t snaplen, int tsresol = -1, int64_t tsoffset = 0,
                     const std::string& name = "");
  PcapngBuilder& epb(uint32_t iface, uint64_t ts, const std::string& data, uint32_t orig_len = 0,
                     const std::vector<std::string>& comments = {}, uint32_t flags = 0);
  PcapngBuilder& spb(const std::string& data, uint32_t orig_len);
  PcapngBuilder& pb(uint16_t iface, uint64_t ts, const std::string& data, const std::string& comment = "");
  PcapngBuilder& isb(uint32_t iface, uint64_t ifdrop);
  PcapngBuilder& dsb(uint32_t secrets_type, const std::string& secrets);
  PcapngBuilder& raw_block(uint32_t type, const std::string& body);
  const std::string& str() const { return out_; }

 private:
  void u16(std::string& o, uint16_t v);
  void u32(std::string& o, uint32_t v);
  void u64(std::string& o, uint64_t v);
  void opt(std::string& o, uint16_t code, const std::string& v);
  void block(uint32_t type, const std::string& body);
  bool be_;
  std::string out_;
};

// An Ethernet/IPv4/UDP packet with `payload_len` bytes of payload.
std::string udp_packet(uint16_t sport, uint16_t dport, size_t payload_len);

}  // namespace strato::test
