// IPv6 with the extension headers tshark shows as their own layers
// (ipv6.hopopts, ipv6.routing, ipv6.fraghdr, ipv6.dstopts), walked up to the
// upper-layer protocol, which is found through table "ip.proto".
// The engine reassembles fragments before dissection (framework/src/
// ip_defrag.h): in the fragment that completes a datagram the headers go on
// in the reassembled payload, after tshark's fragment tree. Any other
// fragment becomes data, as tshark shows unreassembled ones.
#include <cstdio>

#include "../ipv4/fragment_tree.h"
#include "ip_names.h"
#include "netcommon.h"

namespace strato {
namespace {

const ValueName kRoutingTypes[] = {{0, "Source Route"},       {1, "Nimrod"},
                                   {2, "Type 2 Routing"},     {3, "RPL Source Route"},
                                   {4, "Segment Routing"},    {5, "Compact Routing Header 16"},
                                   {6, "Compact Routing Header 32"}, {253, "Experiment 1"},
                                   {254, "Experiment 2"},     {0, nullptr}};

class Ipv6Dissector : public Dissector {
 public:
  const char* name() const override { return "ipv6"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("ipv6", "Internet Protocol Version 6");
    version_ = reg.add_field(proto_, "ipv6.version", "Version", FieldType::UInt, Base::Dec, 8, 0xf0);
    tclass_ = reg.add_field(proto_, "ipv6.tclass", "Traffic Class", FieldType::UInt, Base::Hex, 32, 0x0ff00000);
    dscp_ = reg.add_field(proto_, "ipv6.tclass.dscp", "Differentiated Services Codepoint", FieldType::UInt, Base::Dec,
                          32, 0x0fc00000, net::kDscpNames);
    ecn_ = reg.add_field(proto_, "ipv6.tclass.ecn", "Explicit Congestion Notification", FieldType::UInt, Base::Dec, 32,
                         0x00300000, net::kEcnNames);
    flow_ = reg.add_field(proto_, "ipv6.flow", "Flow Label", FieldType::UInt, Base::Hex, 24, 0x000fffff);
    plen_ = reg.add_field(proto_, "ipv6.plen", "Payload Length", FieldType::UInt, Base::Dec, 16);
    nxt_ = reg.add_field(proto_, "ipv6.nxt", "Next Header", FieldType::UInt, Base::Dec, 8, 0, net::kIpProtoNames);
    hlim_ = reg.add_field(proto_, "ipv6.hlim", "Hop Limit", FieldType::UInt, Base::Dec, 8);
    src_ = reg.add_field(proto_, "ipv6.src", "Source Address", FieldType::IPv6);
    dst_ = reg.add_field(proto_, "ipv6.dst", "Destination Address", FieldType::IPv6);
    addr_ = reg.add_field(proto_, "ipv6.addr", "Source or Destination Address", FieldType::IPv6);
    hop_ = reg.add_protocol("ipv6.hopopts", "IPv6 Hop-by-Hop Option");
    hop_nxt_ = reg.add_field(hop_, "ipv6.hopopts.nxt", "Next Header", FieldType::UInt, Base::Dec, 8, 0, net::kIpProtoNames);
    hop_len_ = reg.add_field(hop_, "ipv6.hopopts.len", "Length", FieldType::UInt, Base::Dec, 8);
    dst_opts_ = reg.add_protocol("ipv6.dstopts", "Destination Options for IPv6");
    dst_nxt_ = reg.add_field(dst_opts_, "ipv6.dstopts.nxt", "Next Header", FieldType::UInt, Base::Dec, 8, 0, net::kIpProtoNames);
    dst_len_ = reg.add_field(dst_opts_, "ipv6.dstopts.len", "Length", FieldType::UInt, Base::Dec, 8);
    routing_ = reg.add_protocol("ipv6.routing", "Routing Header for IPv6");
    rt_nxt_ = reg.add_field(routing_, "ipv6.routing.nxt", "Next Header", FieldType::UInt, Base::Dec, 8, 0, net::kIpProtoNames);
    rt_len_ = reg.add_field(routing_, "ipv6.routing.len", "Length", FieldType::UInt, Base::Dec, 8);
    rt_type_ = reg.add_field(routing_, "ipv6.routing.type", "Type", FieldType::UInt, Base::Dec, 8, 0, kRoutingTypes);
    hop_len_oct_ = reg.add_field(hop_, "ipv6.hopopts.len_oct", "Length", FieldType::UInt, Base::Dec, 16);
    dst_len_oct_ = reg.add_field(dst_opts_, "ipv6.dstopts.len_oct", "Length", FieldType::UInt, Base::Dec, 16);
    rt_len_oct_ = reg.add_field(routing_, "ipv6.routing.len_oct", "Length", FieldType::UInt, Base::Dec, 16);
    rt_segleft_ = reg.add_field(routing_, "ipv6.routing.segleft", "Segments Left", FieldType::UInt, Base::Dec, 8);
    rt_src_res_ = reg.add_field(routing_, "ipv6.routing.src.reserved", "Reserved", FieldType::Bytes);
    rt_src_addr_ = reg.add_field(routing_, "ipv6.routing.src.addr", "Address", FieldType::IPv6);
    frag_ = reg.add_protocol("ipv6.fraghdr", "Fragment Header for IPv6");
    fr_nxt_ = reg.add_field(frag_, "ipv6.fraghdr.nxt", "Next header", FieldType::UInt, Base::Dec, 8, 0, net::kIpProtoNames);
    fr_off_ = reg.add_field(frag_, "ipv6.fraghdr.offset", "Offset", FieldType::UInt, Base::Dec, 16, 0xfff8);
    fr_more_ = reg.add_field(frag_, "ipv6.fraghdr.more", "More Fragments", FieldType::Boolean, Base::Dec, 16, 0x0001);
    fr_id_ = reg.add_field(frag_, "ipv6.fraghdr.ident", "Identification", FieldType::UInt, Base::Hex, 32);
    fr_res_ = reg.add_field(frag_, "ipv6.fraghdr.reserved_octet", "Reserved octet", FieldType::UInt, Base::Hex, 8);
    fr_res_bits_ = reg.add_field(frag_, "ipv6.fraghdr.reserved_bits", "Reserved bits", FieldType::UInt, Base::Dec, 16, 0x0006);
    short_ = net::short_field(reg);
    frag_fields_.register_all(reg, proto_, "ipv6", "IPv6");
  }

  void register_handoffs(DissectorTables& t) override {
    t.add("ethertype", 0x86dd, this);
    t.add("link_type", 229, this);  // LINKTYPE_IPV6
    t.add("ip.proto", 41, this);    // IPv6 in IP
  }
  void resolve(DissectorTables& t) override { ipproto_table_ = t.table("ip.proto"); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override;

 private:
  // A header cut short: the fields that fit, as tshark adds them before it
  // runs out of bytes.
  uint32_t partial(DissectContext& ctx, Tvb tvb, int top) {
    if (tvb.has(0, 1))
      net::label(ctx, ctx.add_uint(version_, tvb, 0, 1, tvb.u8(0) >> 4, top), [&] { return net::bits_label(tvb.u8(0), 8, 0xf0, "Version: " + std::to_string(tvb.u8(0) >> 4)); });
    if (tvb.has(0, 4)) {
      ctx.add_uint(tclass_, tvb, 0, 4, (tvb.u32(0) >> 20) & 0xff, top);
      ctx.add_uint(flow_, tvb, 1, 3, tvb.u32(0) & 0xfffff, top);
    }
    if (tvb.has(4, 2)) ctx.add_uint(plen_, tvb, 4, 2, tvb.u16(4), top);
    if (tvb.has(6, 1)) ctx.add_uint(nxt_, tvb, 6, 1, tvb.u8(6), top);
    if (tvb.has(7, 1)) ctx.add_uint(hlim_, tvb, 7, 1, tvb.u8(7), top);
    if (tvb.has(8, 16)) {
      ctx.add_bytes(src_, tvb, 8, 16, top);
      ctx.add_bytes(addr_, tvb, 8, 16, top, FieldValue::Hidden);
    }
    net::out_of_bytes(ctx, short_, "IPv6", top, tvb);
    return tvb.len ? tvb.len : 1;
  }

  FieldId proto_, version_, tclass_, dscp_, ecn_, flow_, plen_, nxt_, hlim_, src_, dst_, addr_, hop_, hop_nxt_, hop_len_,
      dst_opts_, dst_nxt_, dst_len_, routing_, rt_nxt_, rt_len_, rt_type_, rt_segleft_, rt_src_res_, rt_src_addr_, hop_len_oct_, dst_len_oct_, rt_len_oct_, frag_, fr_nxt_, fr_off_,
      fr_more_, fr_id_, fr_res_, fr_res_bits_, short_;
  net::FragmentFields frag_fields_;
  const DissectorTables::Table* ipproto_table_ = nullptr;
};

// A Jumbo Payload option (RFC 2675) in a hop-by-hop header right after the
// fixed header: then a payload length of 0 means "whatever follows".
bool has_jumbo(Tvb tvb) {
  if (!tvb.has(0, 42) || tvb.u8(6) != 0) return false;
  uint32_t end = 40 + (tvb.u8(41) + 1u) * 8u, off = 42;
  while (off < end && tvb.has(off, 1)) {
    uint8_t t = tvb.u8(off);
    if (t == 0) {
      ++off;
      continue;
    }
    if (!tvb.has(off, 2)) return false;
    if (t == 0xc2) return true;
    off += 2u + tvb.u8(off + 1);
  }
  return false;
}

std::string name_num(uint8_t v) {
  const char* n = net::ip_proto_name(v);
  return std::string(n ? n : "Unknown") + " (" + std::to_string(v) + ")";
}

uint32_t Ipv6Dissector::dissect(DissectContext& ctx, Tvb tvb, int parent) {
  PacketInfo& pi = ctx.pinfo;
  if (tvb.len >= 1 && (tvb.u8(0) >> 4) != 6) {
    // tshark rejects it before adding any IPv6 item.
    if (!pi.in_error_packet) {
      ctx.set_protocol_column("IPv6");
      ctx.info() = "Bogus IPv6 version (" + std::to_string(tvb.u8(0) >> 4) + ", must be 6)";
    }
    return tvb.len;
  }
  int top = ctx.add_protocol(proto_, tvb, 0, tvb.len < 40 ? tvb.len : 40, parent, "ipv6");
  net::label(ctx, top, [&] { return "Internet Protocol Version 6"; });
  if (!pi.in_error_packet) ctx.set_protocol_column("IPv6");
  if (!tvb.has(0, 40)) return partial(ctx, tvb, top);
  uint32_t w = tvb.u32(0);
  unsigned version = w >> 28;
  net::label(ctx, ctx.add_uint(version_, tvb, 0, 1, version, top), [&] { return net::bits_label(tvb.u8(0), 8, 0xf0, "Version: " + std::to_string(version)); });
  if (version != 6) {
    if (!pi.in_error_packet) ctx.info() = "Bogus IPv6 version (" + std::to_string(version) + ", must be 6)";
    return tvb.len;
  }
  unsigned tc = (w >> 20) & 0xff;
  {
    char buf[96];
    const char* ds = net::dscp_short(tc >> 2);
    std::snprintf(buf, sizeof buf, "Traffic Class: 0x%02x (DSCP: %s, ECN: %s)", tc, ds ? ds : "Unknown",
                  net::ecn_short(tc & 3));
    int ti = ctx.add_uint(tclass_, tvb, 0, 4, tc, top);
    net::label(ctx, ti, [&] { return net::bits_label(w, 32, 0x0ff00000, buf); });
    const char* dn = nullptr;
    for (const ValueName* n = net::kDscpNames; n->name; ++n)
      if (n->value == (tc >> 2)) dn = n->name;
    net::label(ctx, ctx.add_uint(dscp_, tvb, 0, 4, tc >> 2, ti), [&] { return net::bits_label(w, 32, 0x0fc00000,
                                  std::string("Differentiated Services Codepoint: ") + (dn ? dn : "Unknown") + " (" +
                                      std::to_string(tc >> 2) + ")"); });
    net::label(ctx, ctx.add_uint(ecn_, tvb, 0, 4, tc & 3, ti), [&] { return net::bits_label(w, 32, 0x00300000,
                                  std::string("Explicit Congestion Notification: ") + net::kEcnNames[tc & 3].name +
                                      " (" + std::to_string(tc & 3) + ")"); });
    std::snprintf(buf, sizeof buf, "Flow Label: 0x%05x", w & 0xfffff);
    net::label(ctx, ctx.add_uint(flow_, tvb, 1, 3, w & 0xfffff, top), [&] { return net::bits_label(w & 0xffffff, 24, 0xfffff, buf); });
  }
  uint32_t plen = tvb.u16(4);
  uint8_t nxt = tvb.u8(6), hlim = tvb.u8(7);
  net::label(ctx, ctx.add_uint(plen_, tvb, 4, 2, plen, top), [&] { return "Payload Length: " + std::to_string(plen); });
  net::label(ctx, ctx.add_uint(nxt_, tvb, 6, 1, nxt, top), [&] { return "Next Header: " + name_num(nxt); });
  net::label(ctx, ctx.add_uint(hlim_, tvb, 7, 1, hlim, top), [&] { return "Hop Limit: " + std::to_string(hlim); });
  std::string s = net::ipv6_text(tvb.data + 8), d = net::ipv6_text(tvb.data + 24);
  net::label(ctx, ctx.add_bytes(src_, tvb, 8, 16, top), [&] { return "Source Address: " + s; });
  ctx.add_bytes(addr_, tvb, 8, 16, top, FieldValue::Hidden);
  net::label(ctx, ctx.add_bytes(dst_, tvb, 24, 16, top), [&] { return "Destination Address: " + d; });
  ctx.add_bytes(addr_, tvb, 24, 16, top, FieldValue::Hidden);
  net::label(ctx, top, [&] { return "Internet Protocol Version 6, Src: " + s + ", Dst: " + d; });
  pi.net_src.family = pi.net_dst.family = Address::IPv6;
  std::memcpy(pi.net_src.bytes, tvb.data + 8, 16);
  std::memcpy(pi.net_dst.bytes, tvb.data + 24, 16);
  if (!pi.in_error_packet) {
    ctx.set_columns_src_dst(s, d);
    ctx.info().clear();
  }

  // A payload length of 0 (jumbograms, big TCP) leaves tshark 4.0 with an
  // empty payload, and so us.
  Tvb rest = plen ? tvb.sub(40, plen) : (has_jumbo(tvb) ? tvb.sub(40) : tvb.sub(40, 0));
  uint32_t off = 0;
  bool fragment = false, frag_more = false, reassembled = false;
  uint32_t frag_off = 0, frag_id = 0;
  for (int guard = 0; guard < 16; ++guard) {
    // Hop-by-hop options may only come first; tshark stops at a later one.
    if (nxt == 0 && guard > 0) return tvb.len;
    if (nxt == 0 || nxt == 60 || nxt == 43) {
      FieldId p = nxt == 0 ? hop_ : nxt == 60 ? dst_opts_ : routing_;
      const char* layer = nxt == 0 ? "ipv6.hopopts" : nxt == 60 ? "ipv6.dstopts" : "ipv6.routing";
      const char* title = nxt == 0 ? "IPv6 Hop-by-Hop Option" : nxt == 60 ? "Destination Options for IPv6"
                                                                           : "Routing Header for IPv6";
      int e = ctx.add_protocol(p, rest, off, 2, top, layer);
      net::label(ctx, e, [&] { return title; });
      if (!rest.has(off, 2)) {
        net::out_of_bytes(ctx, short_, "IPv6", e, rest);
        return tvb.len;
      }
      uint8_t n2 = rest.u8(off), l = rest.u8(off + 1);
      uint32_t bytes = (l + 1u) * 8u;
      FieldId fn = nxt == 0 ? hop_nxt_ : nxt == 60 ? dst_nxt_ : rt_nxt_;
      FieldId fl = nxt == 0 ? hop_len_ : nxt == 60 ? dst_len_ : rt_len_;
      net::label(ctx, ctx.add_uint(fn, rest, off, 1, n2, e), [&] { return "Next Header: " + name_num(n2); });
      FieldId fo = nxt == 0 ? hop_len_oct_ : nxt == 60 ? dst_len_oct_ : rt_len_oct_;
      net::label(ctx, ctx.add_uint(fl, rest, off + 1, 1, l, e), [&] { return "Length: " + std::to_string(l); });
      net::label(ctx, ctx.add_uint(fo, rest, off + 1, 1, bytes, e, FieldValue::Generated), [&] { return "Length: " + std::to_string(bytes) + " bytes"; });
      if (nxt == 43 && rest.has(off, 4)) {
        uint8_t rt = rest.u8(off + 2), sl = rest.u8(off + 3);
        const char* rn = nullptr;
        for (const ValueName* v = kRoutingTypes; v->name; ++v)
          if (v->value == rt) rn = v->name;
        std::string tn = rn ? rn : "Unknown";
        net::label(ctx, e, [&] { return std::string(title) + " (" + tn + ")"; });
        net::label(ctx, ctx.add_uint(rt_type_, rest, off + 2, 1, rt, e), [&] { return "Type: " + tn + " (" + std::to_string(rt) + ")"; });
        net::label(ctx, ctx.add_uint(rt_segleft_, rest, off + 3, 1, sl, e), [&] { return "Segments Left: " + std::to_string(sl); });
      }
      if (nxt == 43 && rest.has(off, bytes) && bytes >= 8 && rest.u8(off + 2) == 0) {
        // Type 0 source route: while segments are left, tshark's
        // Destination column (and conversation) is the last listed address.
        ctx.add_bytes(rt_src_res_, rest, off + 4, 4, e);
        uint32_t n = (bytes - 8) / 16;
        for (uint32_t i = 0; i < n; ++i) {
          std::string a = net::ipv6_text(rest.data + off + 8 + 16 * i);
          net::label(ctx, ctx.add_bytes(rt_src_addr_, rest, off + 8 + 16 * i, 16, e), [&] { return "Address[" + std::to_string(i + 1) + "]: " + a; });
        }
        if (n && rest.u8(off + 3) > 0) {
          const uint8_t* last = rest.data + off + 8 + 16 * (n - 1);
          std::memcpy(pi.net_dst.bytes, last, 16);
          if (!pi.in_error_packet) ctx.set_columns_src_dst(s, net::ipv6_text(last));
        }
      }
      ctx.set_length(e, bytes);
      if (!rest.has(off, bytes)) {
        net::out_of_bytes(ctx, short_, "IPv6", e, rest);
        return tvb.len;
      }
      off += bytes;
      nxt = n2;
      continue;
    }
    if (nxt == 44) {
      int e = ctx.add_protocol(frag_, rest, off, 8, top, "ipv6.fraghdr");
      net::label(ctx, e, [&] { return "Fragment Header for IPv6"; });
      if (!rest.has(off, 8)) {
        net::out_of_bytes(ctx, short_, "IPv6", e, rest);
        return tvb.len;
      }
      uint8_t n2 = rest.u8(off);
      uint16_t fo = rest.u16(off + 2);
      frag_id = rest.u32(off + 4);
      frag_off = fo & 0xfff8;
      bool more = fo & 1;
      net::label(ctx, ctx.add_uint(fr_nxt_, rest, off, 1, n2, e), [&] { return "Next header: " + name_num(n2); });
      uint8_t res = rest.u8(off + 1);
      net::label(ctx, ctx.add_uint(fr_res_, rest, off + 1, 1, res, e), [&] {
        char b[32];
        std::snprintf(b, sizeof b, "Reserved octet: 0x%02x", res);
        return std::string(b);
      });
      net::label(ctx, ctx.add_uint(fr_off_, rest, off + 2, 2, frag_off >> 3, e), [&] { return net::bits_label(fo, 16, 0xfff8, "Offset: " + std::to_string(frag_off >> 3) + " (" +
                                                        std::to_string(frag_off) + " bytes)"); });
      net::label(ctx, ctx.add_uint(fr_res_bits_, rest, off + 2, 2, (fo >> 1) & 3, e), [&] { return net::bits_label(fo, 16, 0x0006, "Reserved bits: " + std::to_string((fo >> 1) & 3)); });
      net::label(ctx, ctx.add_bool(fr_more_, rest, off + 2, 2, more, e), [&] { return net::bits_label(fo, 16, 0x0001, more ? "More Fragments: Yes" : "More Fragments: No"); });
      char buf[40];
      std::snprintf(buf, sizeof buf, "Identification: 0x%08x", frag_id);
      net::label(ctx, ctx.add_uint(fr_id_, rest, off + 4, 4, frag_id, e), [&] { return buf; });
      fragment = frag_off != 0 || more;
      frag_more = more;
      off += 8;
      nxt = n2;
      const IpReassembly& ra = ctx.event().reassembled;
      if (fragment && !reassembled && ra.version == 6 && !pi.in_error_packet && tvb.base == ra.ip_offset) {
        // Headers after the fragment header go on in the reassembled payload.
        rest = Tvb{reinterpret_cast<const uint8_t*>(ra.data.data()), uint32_t(ra.data.size()), Tvb::kDetached};
        if (frag_fields_.add(ctx, ra, rest, top)) ctx.info() = "[Illegal IPv6 fragments]";
        reassembled = true;
        fragment = false;
        off = 0;
        plen = rest.len;
        continue;
      }
      if (fragment) break;
      continue;
    }
    break;
  }
  pi.ip_proto = nxt;
  Tvb payload = rest.sub(off);
  if (fragment) {
    if (!pi.in_error_packet) {
      char buf[128];
      const char* pn = net::ip_proto_name(nxt);
      std::snprintf(buf, sizeof buf, "IPv6 fragment (off=%u more=%c ident=0x%08x nxt=%u)", frag_off,
                    frag_more ? 'y' : 'n', frag_id, nxt);
      (void)pn;
      ctx.info() = buf;
    }
    ctx.call_data(payload, -1);
    return tvb.len;
  }
  net::IpLayerInfo ipi;
  ipi.payload_base = payload.base;
  ipi.payload_reported = plen > off ? plen - off : payload.len;
  ipi.ttl = hlim;
  const void* saved_l4 = pi.l4;
  pi.l4 = &ipi;
  // Inside an ICMPv6 error tshark nests the quoted transport header in the ICMPv6 tree.
  if (!ctx.call_table(ipproto_table_, nxt, payload, pi.in_error_packet ? parent : -1)) ctx.call_data(payload, -1);
  pi.l4 = saved_l4;
  return tvb.len;
}

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<Ipv6Dissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "ipv6", "Internet Protocol Version 6", strato::create)
