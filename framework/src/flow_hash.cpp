#include "strato/flow_hash.h"

#include <cstring>
#include <utility>

namespace strato {

namespace {

inline uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

inline uint64_t hash_bytes(const uint8_t* p, uint32_t n, uint64_t seed) {
  uint64_t h = seed ^ 0x9e3779b97f4a7c15ull;
  for (uint32_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

inline uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }

// Symmetric: endpoint hashes are combined in sorted order.
uint64_t endpoints(const uint8_t* src, const uint8_t* dst, uint32_t alen, const uint8_t* l4, uint32_t l4len,
                   uint8_t proto, bool ports) {
  uint16_t sp = 0, dp = 0;
  if (ports && (proto == 6 || proto == 17 || proto == 132) && l4len >= 4) {
    sp = be16(l4);
    dp = be16(l4 + 2);
  }
  uint64_t a = hash_bytes(src, alen, sp), b = hash_bytes(dst, alen, dp);
  if (a > b) std::swap(a, b);
  return mix(a * 31 + b + proto);
}

uint64_t ipv6(const uint8_t* p, uint32_t len, int depth = 0);

// An ICMP error belongs to the flow it quotes: dissected on that flow's
// shard, the quoted TCP/UDP header finds the flow's stream number.
bool icmp_error(uint8_t type) { return type == 3 || type == 4 || type == 5 || type == 11 || type == 12; }
bool icmpv6_error(uint8_t type) { return type >= 1 && type <= 4; }

uint64_t ipv4(const uint8_t* p, uint32_t len, int depth = 0) {
  if (len < 20 || (p[0] >> 4) != 4) return 0;
  uint32_t ihl = (p[0] & 15) * 4u;
  if (ihl < 20 || ihl > len) return mix(hash_bytes(p + 12, 8, 4));
  bool first_fragment = (be16(p + 6) & 0x1fff) == 0;
  if (p[9] == 1 && first_fragment && depth < 2 && len - ihl >= 8 + 20 && icmp_error(p[ihl])) {
    if (uint64_t inner = ipv4(p + ihl + 8, len - ihl - 8, depth + 1)) return inner;
  }
  return endpoints(p + 12, p + 16, 4, p + ihl, len - ihl, p[9], first_fragment);
}

uint64_t ipv6(const uint8_t* p, uint32_t len, int depth) {
  if (len < 40 || (p[0] >> 4) != 6) return 0;
  uint8_t nxt = p[6];
  uint32_t off = 40;
  bool ports = true;
  for (int guard = 0; guard < 8; ++guard) {
    if (nxt == 0 || nxt == 43 || nxt == 60) {
      if (off + 2 > len) break;
      nxt = p[off];
      off += (p[off + 1] + 1u) * 8u;
    } else if (nxt == 44) {
      if (off + 8 > len) break;
      if (be16(p + off + 2) & 0xfff8) ports = false;
      nxt = p[off];
      off += 8;
    } else {
      break;
    }
  }
  if (off > len) off = len;
  if (nxt == 58 && ports && depth < 2 && len - off >= 8 + 40 && icmpv6_error(p[off])) {
    if (uint64_t inner = ipv6(p + off + 8, len - off - 8, depth + 1)) return inner;
  }
  return endpoints(p + 8, p + 24, 16, p + off, len - off, nxt, ports);
}

uint64_t by_ethertype(uint16_t type, const uint8_t* p, uint32_t len) {
  if (type == 0x0800) return ipv4(p, len);
  if (type == 0x86dd) return ipv6(p, len);
  return 0;
}

uint64_t by_version(const uint8_t* p, uint32_t len) {
  if (len < 1) return 0;
  return (p[0] >> 4) == 6 ? ipv6(p, len) : ipv4(p, len);
}

}  // namespace

uint64_t flow_hash_reassembled(unsigned version, const uint8_t* src, const uint8_t* dst, uint8_t proto,
                               const uint8_t* p, uint32_t len) {
  if (version == 4) return endpoints(src, dst, 4, p, len, proto, true);
  // IPv6: extension headers after the fragment header, as ipv6() walks them.
  uint32_t off = 0;
  for (int guard = 0; guard < 8 && (proto == 0 || proto == 43 || proto == 60) && off + 2 <= len; ++guard) {
    uint8_t next = p[off];
    off += (p[off + 1] + 1u) * 8u;
    proto = next;
  }
  if (off > len) off = len;
  return endpoints(src, dst, 16, p + off, len - off, proto, true);
}

uint64_t flow_hash(uint32_t link_type, const uint8_t* p, uint32_t len) {
  switch (link_type) {
    case 1: {  // Ethernet, with up to two VLAN tags
      if (len < 14) return 0;
      uint32_t off = 12;
      uint16_t type = be16(p + off);
      for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8 || type == 0x9100) && off + 6 <= len; ++i) {
        off += 4;
        type = be16(p + off);
      }
      off += 2;
      return by_ethertype(type, p + off, len - off);
    }
    case 113:  // Linux cooked v1
      return len < 16 ? 0 : by_ethertype(be16(p + 14), p + 16, len - 16);
    case 276:  // Linux cooked v2
      return len < 20 ? 0 : by_ethertype(be16(p), p + 20, len - 20);
    case 0:
    case 108:  // BSD null / loop: 4-byte family in either byte order
      return len < 4 ? 0 : by_version(p + 4, len - 4);
    case 12:
    case 14:
    case 101:
      return by_version(p, len);
    case 228:
      return ipv4(p, len);
    case 229:
      return ipv6(p, len);
    default:
      return 0;
  }
}

}  // namespace strato
