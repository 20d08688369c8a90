#pragma once
// Helpers shared by the link/network/transport dissector plugins (header
// only: every plugin compiles its own copy, no plugin depends on another).
#include <cstdint>
#include <string>
#include <string_view>

#include "strato/dissector.h"
#include "strato/format.h"

namespace strato::net {

// Wireshark's bit picture of a masked value in an `nbits`-wide container:
// "0100 .... = " for mask 0xf0 and value 0x45.
inline void append_bits(uint64_t container, unsigned nbits, uint64_t mask, std::string& out) {
  for (unsigned i = 0; i < nbits; ++i) {
    unsigned bit = nbits - 1 - i;
    if (i && i % 4 == 0) out.push_back(' ');
    if (mask >> bit & 1)
      out.push_back((container >> bit & 1) ? '1' : '0');
    else
      out.push_back('.');
  }
  out.append(" = ");
}

inline std::string bits_label(uint64_t container, unsigned nbits, uint64_t mask, std::string_view text) {
  std::string s;
  append_bits(container, nbits, mask, s);
  s.append(text);
  return s;
}

// A flag bit's line: ".1.. .... = Don't fragment: Set".
inline std::string flag_label(uint64_t container, unsigned nbits, uint64_t mask, std::string_view name) {
  std::string s = bits_label(container, nbits, mask, name);
  s.append((container & mask) ? ": Set" : ": Not set");
  return s;
}

// Writes the dotted quad into out (at least 16 bytes) and returns its length:
// the summary line needs it for every packet, so no string is built.
inline size_t ipv4_chars(uint32_t a, char* out) {
  char* p = out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    unsigned b = (a >> shift) & 0xff;
    if (b >= 100) *p++ = char('0' + b / 100);
    if (b >= 10) *p++ = char('0' + b / 10 % 10);
    *p++ = char('0' + b % 10);
    if (shift) *p++ = '.';
  }
  return size_t(p - out);
}
inline std::string ipv4_text(uint32_t a) {
  std::string s;
  append_ipv4(a, s);
  return s;
}
inline std::string ipv6_text(const uint8_t* a) {
  std::string s;
  append_ipv6(a, s);
  return s;
}
inline std::string ether_text(const uint8_t* a) {
  std::string s;
  append_ether(a, s);
  return s;
}

// tshark's "ethertype" pseudo-protocol: it shows in frame.protocols between
// the link layer and whatever the type selects; unknown types become data.
inline void dispatch_ethertype(DissectContext& ctx, const DissectorTables::Table* table, uint16_t type, Tvb tvb,
                               int parent) {
  ctx.add_layer("ethertype");
  if (!ctx.call_table(table, type, tvb, parent)) ctx.call_data(tvb, parent);
}

// Port hand-off as Wireshark's "try low port first": the lower port, then
// the higher one, then the heuristic list; false when nobody took it.
inline bool dispatch_ports(DissectContext& ctx, const DissectorTables::Table* table,
                           const std::vector<Dissector*>* heur, uint16_t src, uint16_t dst, Tvb tvb, int parent) {
  uint16_t lo = src < dst ? src : dst, hi = src < dst ? dst : src;
  if (ctx.call_table(table, lo, tvb, parent)) return true;
  if (hi != lo && ctx.call_table(table, hi, tvb, parent)) return true;
  return ctx.try_heuristics(heur, tvb, parent);
}

// Finds the last value of an integer field added so far (e.g. ip.ttl for
// ICMP's Info), or `dflt`.
inline uint64_t last_uint(DissectContext& ctx, FieldId id, uint64_t dflt) {
  const auto& f = ctx.dissection().fields;
  for (size_t i = f.size(); i-- > 0;)
    if (f[i].id == id) return f[i].v.u;
  return dflt;
}

// The Internet checksum (RFC 1071) over `data` plus an initial partial sum.
inline uint32_t sum16(const uint8_t* p, uint32_t n, uint32_t sum = 0) {
  for (uint32_t i = 0; i + 1 < n; i += 2) sum += uint32_t(p[i] << 8 | p[i + 1]);
  if (n & 1) sum += uint32_t(p[n - 1] << 8);
  return sum;
}
inline uint16_t fold16(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum & 0xffff);
}

}  // namespace strato::net

namespace strato::net {

// What IPv4/IPv6 tell the protocol they carry, through PacketInfo::l4
// while the payload is dissected (the framework records only the fields
// sinks ask for, so these cannot be read back from the field list).
struct IpLayerInfo {
  static constexpr uint32_t kMagic = 0x49504c49;  // "IPLI"
  uint32_t magic = kMagic;
  uint32_t payload_base = 0;      // frame offset of the payload view
  uint32_t payload_reported = 0;  // its length on the wire (IP length fields)
  uint8_t ttl = 0;                // IPv4 TTL or IPv6 hop limit
  bool fragmented = false;        // a first fragment dissected unreassembled
};

inline const IpLayerInfo* ip_layer(const PacketInfo& pi) {
  auto* p = static_cast<const IpLayerInfo*>(pi.l4);
  return p && p->magic == IpLayerInfo::kMagic ? p : nullptr;
}

// Bytes of `tvb` on the wire. A snap length may have cut the captured
// bytes short; then the enclosing IP header says how long the view really
// was, or failing that the frame's original length.
inline uint32_t reported_len(DissectContext& ctx, Tvb tvb) {
  const Event& ev = ctx.event();
  if (tvb.base == Tvb::kDetached || tvb.base + tvb.len != ev.cap_len || ev.orig_len <= ev.cap_len) return tvb.len;
  if (const IpLayerInfo* ip = ip_layer(ctx.pinfo))
    if (ip->payload_base == tvb.base && ip->payload_reported >= tvb.len) return ip->payload_reported;
  return tvb.len + (ev.orig_len - ev.cap_len);
}

// Running out of bytes: tshark reports a frame cut by the snap length as
// "[Packet size limited during capture]" and anything else as malformed.
// `shrt` is the "_ws.short" item, registered by the caller with short_field().
inline FieldId short_field(FieldRegistry& reg) {
  return reg.add_protocol("_ws.short", "Packet size limited during capture");
}
// `tvb` is the view that ran out: when its bytes on the wire go further
// than what was captured, the snap length is to blame.
inline void out_of_bytes(DissectContext& ctx, FieldId shrt, std::string_view proto, int parent, Tvb tvb) {
  if (reported_len(ctx, tvb) > tvb.len) {
    std::string text = "[Packet size limited during capture: ";
    text.append(proto);
    text.append(" truncated]");
    ctx.add_label(shrt, Tvb{}, 0, 0, text, parent);
    ctx.info().append("[Packet size limited during capture]");
    return;
  }
  ctx.mark_malformed(proto, parent);
}

}  // namespace strato::net

namespace strato::net {

// Sets a tree label only when some sink will print the tree; `make`
// builds the text (a std::string or C string) and is not run otherwise.
template <class F>
inline void label(DissectContext& ctx, int item, F&& make) {
  if (ctx.want_labels()) ctx.set_label(item, make());
}

}  // namespace strato::net
