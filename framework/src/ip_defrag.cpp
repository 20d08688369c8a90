#include "ip_defrag.h"

#include <algorithm>
#include <cstring>

#include "strato/flow_hash.h"

namespace strato {

namespace {

inline uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t be32(const uint8_t* p) { return uint32_t(be16(p)) << 16 | be16(p + 2); }

// Where the link layer puts the IP header the ip/ipv6 dissectors will see,
// and which of them gets it (4, 6 or 0). Mirrors the link dissectors for the
// encapsulations flow_hash() knows; tunnels are not looked into.
struct IpStart {
  uint32_t off = 0;
  unsigned version = 0;
  uint16_t vlan = 0;
};

unsigned by_ethertype(uint16_t type) { return type == 0x0800 ? 4 : type == 0x86dd ? 6 : 0; }

IpStart locate(uint32_t link_type, const uint8_t* p, uint32_t len) {
  IpStart s;
  switch (link_type) {
    case 1: {
      if (len < 14) return s;
      uint32_t off = 12;
      uint16_t type = be16(p + off);
      for (int i = 0; i < 2 && (type == 0x8100 || type == 0x88a8 || type == 0x9100) && off + 6 <= len; ++i) {
        s.vlan = be16(p + off + 2) & 0x0fff;
        off += 4;
        type = be16(p + off);
      }
      s.off = off + 2;
      s.version = by_ethertype(type);
      return s;
    }
    case 113:
      if (len >= 16) s = {16, by_ethertype(be16(p + 14))};
      return s;
    case 276:
      if (len >= 20) s = {20, by_ethertype(be16(p))};
      return s;
    case 0:
    case 108: {
      if (len < 4) return s;
      // DLT_NULL is in the capturing host's byte order: a family is small.
      uint32_t v = be32(p);
      if (link_type == 0 && (v & 0xffff0000u)) v = uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0];
      if (v > 1500 && v <= 0xffff) s = {4, by_ethertype(uint16_t(v))};
      else if (v == 2) s = {4, 4};
      else if (v == 10 || v == 24 || v == 28 || v == 30) s = {4, 6};
      return s;
    }
    case 12:
    case 14:
    case 101:
      if (len >= 1) s = {0, (p[0] >> 4) == 6 ? 6u : 4u};
      return s;
    case 228:
      return {0, 4};
    case 229:
      return {0, 6};
    default:
      return s;
  }
}

constexpr size_t kFragOverhead = sizeof(uint64_t) * 3;  // bookkeeping charged per fragment

}  // namespace

bool IpDefrag::Key::operator==(const Key& o) const {
  return version == o.version && proto == o.proto && vlan == o.vlan && id == o.id && std::memcmp(src, o.src, 16) == 0 &&
         std::memcmp(dst, o.dst, 16) == 0;
}

size_t IpDefrag::KeyHash::operator()(const Key& k) const {
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&](const uint8_t* b, size_t n) {
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
  };
  mix(k.src, 16);
  mix(k.dst, 16);
  uint64_t rest = uint64_t(k.id) << 32 | uint64_t(k.vlan) << 16 | uint64_t(k.proto) << 8 | k.version;
  mix(reinterpret_cast<const uint8_t*>(&rest), sizeof rest);
  return size_t(h);
}

// The conditions under which tshark 4.0 hands a fragment to its reassembly
// table: a fragment whose payload was captured whole (IPv4 also needs some
// payload). The dissectors fall back to showing any other fragment as data.
bool IpDefrag::parse(const Event& e, Fragment& f) {
  if (!e.data) return false;
  IpStart s = locate(e.link_type, e.data, e.cap_len);
  if (!s.version || s.off >= e.cap_len) return false;
  const uint8_t* p = e.data + s.off;
  uint32_t len = e.cap_len - s.off;
  // The IPv4 dissector passes a version-6 header on to IPv6.
  if (s.version == 4 && (p[0] >> 4) == 6) s.version = 6;
  f.ip_offset = s.off;
  if (s.version == 4) {
    if (len < 20 || (p[0] >> 4) != 4) return false;
    uint32_t hlen = (p[0] & 15) * 4u, total = be16(p + 2);
    uint16_t fo = be16(p + 6);
    if (hlen < 20 || !(fo & 0x3fff) || total <= hlen || total > len) return false;
    f.key.version = 4;
    f.key.proto = p[9];
    f.key.vlan = s.vlan;
    f.key.id = be16(p + 4);
    std::memcpy(f.key.src, p + 12, 4);
    std::memcpy(f.key.dst, p + 16, 4);
    f.offset = (fo & 0x1fff) * 8u;
    f.len = total - hlen;
    f.data = p + hlen;
    f.more = fo & 0x2000;
    return true;
  }
  if (len < 40 || (p[0] >> 4) != 6) return false;
  uint32_t plen = be16(p + 4);
  if (plen == 0 || plen > len - 40) return false;  // jumbograms are never fragments
  const uint8_t* rest = p + 40;
  uint8_t nxt = p[6];
  uint32_t off = 0;
  for (int guard = 0; guard < 16; ++guard) {
    if (nxt == 0 && guard > 0) return false;  // the dissector stops there
    if (nxt == 0 || nxt == 60 || nxt == 43) {
      if (off + 2 > plen) return false;
      uint32_t bytes = (rest[off + 1] + 1u) * 8u;
      if (bytes > plen - off) return false;
      nxt = rest[off];
      off += bytes;
      continue;
    }
    if (nxt != 44) return false;
    if (off + 8 > plen) return false;
    uint16_t fo = be16(rest + off + 2);
    uint8_t next = rest[off];
    uint32_t id = be32(rest + off + 4);
    off += 8;
    if ((fo & 0xfff8) == 0 && !(fo & 1)) {  // atomic fragment: headers go on
      nxt = next;
      continue;
    }
    f.key.version = 6;
    f.key.id = id;
    std::memcpy(f.key.src, p + 8, 16);
    std::memcpy(f.key.dst, p + 24, 16);
    f.key.proto = 0;  // tshark's IPv6 key has no protocol; the completing fragment names it
    f.offset = fo & 0xfff8;
    f.len = plen - off;
    f.data = rest + off;
    f.more = fo & 1;
    return true;
  }
  return false;
}

void IpDefrag::feed(Event& e) {
  expire(e.ts_ns);
  Fragment f;
  if (!parse(e, f)) return;
  add(e, f);
}

void IpDefrag::add(Event& e, const Fragment& f) {
  auto [it, fresh] = table_.try_emplace(f.key);
  Pending& p = it->second;
  if (fresh) {
    p.key = f.key;
    p.first_ts = e.ts_ns;
    p.age = order_.insert(order_.end(), &p);
  }
  Frag fr{e.number, f.offset, f.len, uint32_t(p.bytes.size()), 0};
  p.bytes.append(reinterpret_cast<const char*>(f.data), f.len);
  if (!f.more) {
    if (!p.datalen_set) {
      p.datalen = f.offset + f.len;
      p.datalen_set = true;
    } else if (p.datalen != f.offset + f.len) {
      fr.flags |= IpReassembly::MultipleTails;
    }
  }
  auto pos = std::upper_bound(p.frags.begin(), p.frags.end(), f.offset,
                              [](uint32_t o, const Frag& x) { return o < x.offset; });
  p.frags.insert(pos, fr);
  size_t cost = f.len + kFragOverhead;
  p.cost += cost;
  pending_bytes_ += cost;

  if (p.datalen_set) {
    // Complete once the fragments cover [0, datalen) without a gap.
    uint64_t max = 0;
    for (const Frag& x : p.frags)
      if (x.offset <= max && uint64_t(x.offset) + x.len > max) max = uint64_t(x.offset) + x.len;
    if (max >= p.datalen) {
      complete(p, e, f);
      pending_bytes_ -= p.cost;
      order_.erase(p.age);
      table_.erase(it);
      return;
    }
  }
  if (pending_bytes_ > limits_.max_pending_bytes) expire(e.ts_ns);
}

// Builds the payload as tshark's fragment_defragment_and_free() does: in
// offset order, the first fragment to cover a byte provides it; a later one
// overlapping it is flagged, and flagged as conflicting when its bytes differ.
void IpDefrag::complete(Pending& p, Event& e, const Fragment& f) {
  IpReassembly& r = e.reassembled;
  r.clear();
  r.version = f.key.version;
  r.proto = f.key.version == 4 ? f.key.proto : f.data[-8];
  r.ip_offset = f.ip_offset;
  std::memcpy(r.src, f.key.src, 16);
  std::memcpy(r.dst, f.key.dst, 16);
  r.data.assign(p.datalen, '\0');
  uint8_t* out = reinterpret_cast<uint8_t*>(r.data.data());
  const uint8_t* in = reinterpret_cast<const uint8_t*>(p.bytes.data());
  uint32_t dfpos = 0;
  for (Frag& x : p.frags) {
    if (x.len == 0) continue;
    const uint8_t* src = in + x.at;
    uint64_t end = uint64_t(x.offset) + x.len;
    if (end > dfpos) {
      if (x.offset >= p.datalen) {
        x.flags |= IpReassembly::TooLong;
        continue;
      }
      uint32_t fraglen = x.len;
      if (end > p.datalen) {
        x.flags |= IpReassembly::TooLong;
        fraglen = p.datalen - x.offset;
      }
      if (x.offset > dfpos) continue;  // cannot happen: the coverage check ruled gaps out
      if (x.offset < dfpos) {
        x.flags |= IpReassembly::Overlap;
        uint32_t cmp = std::min(x.len, dfpos - x.offset);
        if (std::memcmp(out + x.offset, src, cmp) != 0) x.flags |= IpReassembly::OverlapConflict;
      }
      if (fraglen > dfpos - x.offset) {
        std::memcpy(out + dfpos, src + (dfpos - x.offset), fraglen - (dfpos - x.offset));
        dfpos = x.offset + fraglen;
      }
    } else {
      x.flags |= IpReassembly::Overlap;
      if (std::memcmp(out + x.offset, src, x.len) != 0) x.flags |= IpReassembly::OverlapConflict;
    }
  }
  r.fragments.reserve(p.frags.size());
  for (const Frag& x : p.frags) {
    r.fragments.push_back({x.frame, x.offset, x.len, x.flags});
    r.flags |= x.flags;
  }
}

void IpDefrag::expire(uint64_t now) {
  while (!order_.empty()) {
    Pending* p = order_.front();
    bool old = now > p->first_ts && now - p->first_ts > limits_.max_age_ns;
    if (!old && pending_bytes_ <= limits_.max_pending_bytes) break;
    drop(p);
  }
}

void IpDefrag::drop(Pending* p) {
  ++dropped_;
  dropped_bytes_ += p->bytes.size();
  pending_bytes_ -= p->cost;
  order_.erase(p->age);
  Key k = p->key;  // not a reference into the node being erased
  table_.erase(k);
}

uint64_t IpDefrag::shard_hash(const Event& e) {
  const IpReassembly& r = e.reassembled;
  if (!r.active()) return flow_hash(e.link_type, e.data, e.cap_len);
  return flow_hash_reassembled(r.version, r.src, r.dst, r.proto, reinterpret_cast<const uint8_t*>(r.data.data()),
                               uint32_t(r.data.size()));
}

}  // namespace strato
