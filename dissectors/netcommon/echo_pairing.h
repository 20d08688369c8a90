#pragma once
// Echo request/reply pairing shared by ICMP and ICMPv6: requests seen so far
// (per shard), for a reply's "Response To" and response time. One pass, as
// tshark without -2: a request never learns of its reply.
#include <cstdint>
#include <cstring>
#include <unordered_map>

#include "strato/dissector.h"

namespace strato::net {

struct EchoKey {
  uint8_t a[16], b[16];  // requester, responder (IPv4 in the first 4 bytes)
  uint16_t id, seq;
  bool operator==(const EchoKey& o) const {
    return id == o.id && seq == o.seq && std::memcmp(a, o.a, 16) == 0 && std::memcmp(b, o.b, 16) == 0;
  }
};
struct EchoKeyHash {
  size_t operator()(const EchoKey& k) const {
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < 16; ++i) h = (h ^ k.a[i] ^ (uint64_t(k.b[i]) << 8)) * 1099511628211ull;
    return size_t(h ^ (uint64_t(k.id) << 16 | k.seq));
  }
};
struct EchoState : ShardState {
  struct Req {
    uint64_t frame, ts_ns;
  };
  std::unordered_map<EchoKey, Req, EchoKeyHash> requests;
};

}  // namespace strato::net
