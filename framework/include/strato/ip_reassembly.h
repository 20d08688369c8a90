#pragma once
// An IP datagram the engine reassembled from fragments, carried by the event
// whose fragment completed it (see framework/src/ip_defrag.h). The IPv4 and
// IPv6 dissectors show it there, as tshark does in the completing frame.
#include <cstdint>
#include <string>
#include <vector>

namespace strato {

struct IpReassembly {
  // tshark's per-fragment defragmentation flags (FD_OVERLAP, ...).
  enum Flags : uint8_t { Overlap = 1, OverlapConflict = 2, MultipleTails = 4, TooLong = 8 };
  static constexpr uint8_t kIllegal = OverlapConflict | MultipleTails | TooLong;

  struct Fragment {
    uint64_t frame = 0;
    uint32_t offset = 0, len = 0;  // in the reassembled payload
    uint8_t flags = 0;
  };

  uint8_t version = 0;      // 4 or 6; 0: the event completed no datagram
  uint8_t proto = 0;        // IPv4 protocol, or the next header named by the fragment header
  uint8_t flags = 0;        // union of the fragments' flags
  uint32_t ip_offset = 0;   // frame offset of the completing fragment's IP header
  uint8_t src[16] = {}, dst[16] = {};  // IPv4 addresses use the first 4 bytes
  std::vector<Fragment> fragments;     // sorted by offset, duplicates after the first, as tshark lists them
  std::string data;                    // the reassembled payload (after the IPv4 header / fragment header)

  bool active() const { return version != 0; }
  void clear() {
    version = 0;
    flags = 0;
    fragments.clear();
    data.clear();
  }
};

}  // namespace strato
