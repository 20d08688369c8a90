#pragma once
// A transport flow key that is the same for both directions (endpoints in a
// fixed order), and whether a packet goes in the "a → b" direction.
#include <cstdint>
#include <cstring>
#include <functional>

#include "strato/dissector.h"

namespace strato::net {

struct FlowKey {
  uint8_t a[16], b[16];
  uint16_t pa, pb;
  uint8_t family;
  bool operator==(const FlowKey& o) const {
    return pa == o.pa && pb == o.pb && family == o.family && std::memcmp(a, o.a, 16) == 0 &&
           std::memcmp(b, o.b, 16) == 0;
  }
};

struct FlowKeyHash {
  size_t operator()(const FlowKey& k) const {
    uint64_t h = 1469598103934665603ull ^ k.family;
    auto mix = [&h](const uint8_t* p, size_t n) {
      for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
    };
    mix(k.a, 16);
    mix(k.b, 16);
    h = (h ^ k.pa) * 1099511628211ull;
    h = (h ^ k.pb) * 1099511628211ull;
    return size_t(h);
  }
};

// Builds the key; `forward` says whether (src,sport) is the key's "a" side.
inline FlowKey make_flow_key(const PacketInfo& pi, uint16_t sport, uint16_t dport, bool& forward) {
  FlowKey k;
  k.family = pi.net_src.family;
  int c = std::memcmp(pi.net_src.bytes, pi.net_dst.bytes, 16);
  forward = c < 0 || (c == 0 && sport <= dport);
  const Address& x = forward ? pi.net_src : pi.net_dst;
  const Address& y = forward ? pi.net_dst : pi.net_src;
  std::memcpy(k.a, x.bytes, 16);
  std::memcpy(k.b, y.bytes, 16);
  k.pa = forward ? sport : dport;
  k.pb = forward ? dport : sport;
  return k;
}

}  // namespace strato::net
