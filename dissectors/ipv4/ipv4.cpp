// IPv4 (plugin "ip"). Hands the payload to table "ip.proto" (shared with
// IPv6). The engine reassembles fragments before dissection (see
// framework/src/ip_defrag.h): the fragment that completes a datagram shows
// tshark's fragment tree and the reassembled payload is dissected there.
// Other fragments are data with tshark's "Fragmented IP protocol" Info,
// except a first fragment cut by the snap length, which tshark (and we)
// dissect as if unfragmented.
#include <cstdio>

#include "fragment_tree.h"
#include "ip_names.h"
#include "netcommon.h"

namespace strato {
namespace {

class Ipv4Dissector : public Dissector {
 public:
  const char* name() const override { return "ip"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("ip", "Internet Protocol Version 4");
    version_ = reg.add_field(proto_, "ip.version", "Version", FieldType::UInt, Base::Dec, 8, 0xf0);
    hdr_len_ = reg.add_field(proto_, "ip.hdr_len", "Header Length", FieldType::UInt, Base::Dec, 8, 0x0f);
    dsfield_ = reg.add_field(proto_, "ip.dsfield", "Differentiated Services Field", FieldType::UInt, Base::Hex, 8);
    dscp_ = reg.add_field(proto_, "ip.dsfield.dscp", "Differentiated Services Codepoint", FieldType::UInt, Base::Dec,
                          8, 0xfc, net::kDscpNames);
    ecn_ = reg.add_field(proto_, "ip.dsfield.ecn", "Explicit Congestion Notification", FieldType::UInt, Base::Dec, 8,
                         0x03, net::kEcnNames);
    len_ = reg.add_field(proto_, "ip.len", "Total Length", FieldType::UInt, Base::Dec, 16);
    id_ = reg.add_field(proto_, "ip.id", "Identification", FieldType::UInt, Base::HexDec, 16);
    flags_ = reg.add_field(proto_, "ip.flags", "Flags", FieldType::UInt, Base::Hex, 8, 0xe0);
    rb_ = reg.add_field(proto_, "ip.flags.rb", "Reserved bit", FieldType::Boolean, Base::Dec, 8, 0x80);
    df_ = reg.add_field(proto_, "ip.flags.df", "Don't fragment", FieldType::Boolean, Base::Dec, 8, 0x40);
    mf_ = reg.add_field(proto_, "ip.flags.mf", "More fragments", FieldType::Boolean, Base::Dec, 8, 0x20);
    frag_ = reg.add_field(proto_, "ip.frag_offset", "Fragment Offset", FieldType::UInt, Base::Dec, 16, 0x1fff);
    ttl_ = reg.add_field(proto_, "ip.ttl", "Time to Live", FieldType::UInt, Base::Dec, 8);
    ipproto_ = reg.add_field(proto_, "ip.proto", "Protocol", FieldType::UInt, Base::Dec, 8, 0, net::kIpProtoNames);
    checksum_ = reg.add_field(proto_, "ip.checksum", "Header Checksum", FieldType::UInt, Base::Hex, 16);
    checksum_status_ = reg.add_field(proto_, "ip.checksum.status", "Header checksum status", FieldType::UInt);
    src_ = reg.add_field(proto_, "ip.src", "Source Address", FieldType::IPv4);
    dst_ = reg.add_field(proto_, "ip.dst", "Destination Address", FieldType::IPv4);
    addr_ = reg.add_field(proto_, "ip.addr", "Source or Destination Address", FieldType::IPv4);
    opts_ = reg.add_field(proto_, "ip.options", "Options", FieldType::Bytes);
    opts_bad_ = reg.add_field(proto_, "ip.opt.len.invalid", "Invalid length for option", FieldType::Label);
    short_ = net::short_field(reg);
    frag_fields_.register_all(reg, proto_, "ip", "IPv4");
  }

  void register_handoffs(DissectorTables& t) override {
    t.add("ethertype", 0x0800, this);
    t.add("link_type", 228, this);  // LINKTYPE_IPV4
    t.add("ip.proto", 4, this);     // IP in IP
  }
  void resolve(DissectorTables& t) override {
    ipproto_table_ = t.table("ip.proto");
    ipv6_ = t.find("ipv6");
  }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len < 20 ? tvb.len : 20, parent, "ip");
    net::label(ctx, top, [&] { return "Internet Protocol Version 4"; });
    if (!ctx.pinfo.in_error_packet) ctx.set_protocol_column("IPv4");
    if (tvb.len < 1) {
      net::out_of_bytes(ctx, short_, "IPv4", top, tvb);
      return 1;
    }
    uint8_t b0 = tvb.u8(0);
    unsigned version = b0 >> 4, hlen = (b0 & 15) * 4u;
    net::label(ctx, ctx.add_uint(version_, tvb, 0, 1, version, top), [&] { return net::bits_label(b0, 8, 0xf0, "Version: " + std::to_string(version)); });
    if (version == 6 && ipv6_) {
      // tshark hands a version-6 packet found under an IPv4 type to IPv6.
      ctx.call(ipv6_, tvb, -1);
      return tvb.len;
    }
    if (version != 4) {
      ctx.info() = "Bogus IPv4 version (" + std::to_string(version) + ", must be 4)";
      return tvb.len;
    }
    net::label(ctx, ctx.add_uint(hdr_len_, tvb, 0, 1, hlen, top), [&] { return net::bits_label(b0, 8, 0x0f,
                                  "Header Length: " + std::to_string(hlen) + " bytes (" + std::to_string(b0 & 15) + ")"); });
    if (hlen < 20) {
      ctx.info() = "Bogus IP header length (" + std::to_string(hlen) + ", must be at least 20)";
      return tvb.len;
    }
    if (!tvb.has(0, 20)) {
      // Cut short: the fields that fit, as tshark adds them before it runs out.
      if (tvb.has(1, 1)) ctx.add_uint(dsfield_, tvb, 1, 1, tvb.u8(1), top);
      if (tvb.has(2, 2)) ctx.add_uint(len_, tvb, 2, 2, tvb.u16(2), top);
      if (tvb.has(4, 2)) ctx.add_uint(id_, tvb, 4, 2, tvb.u16(4), top);
      if (tvb.has(6, 2)) {
        ctx.add_uint(flags_, tvb, 6, 1, tvb.u8(6) >> 5, top);
        ctx.add_uint(frag_, tvb, 6, 2, tvb.u16(6) & 0x1fff, top);
      }
      if (tvb.has(8, 1)) ctx.add_uint(ttl_, tvb, 8, 1, tvb.u8(8), top);
      if (tvb.has(9, 1)) ctx.add_uint(ipproto_, tvb, 9, 1, tvb.u8(9), top);
      if (tvb.has(10, 2)) ctx.add_uint(checksum_, tvb, 10, 2, tvb.u16(10), top);
      if (tvb.has(12, 4)) {
        ctx.add_ipv4(src_, tvb, 12, tvb.u32(12), top);
        ctx.add_ipv4(addr_, tvb, 12, tvb.u32(12), top, FieldValue::Hidden);
      }
      net::out_of_bytes(ctx, short_, "IPv4", top, tvb);
      return tvb.len;
    }
    ctx.set_length(top, hlen);
    uint8_t tos = tvb.u8(1);
    {
      int ds_item = ctx.add_uint(dsfield_, tvb, 1, 1, tos, top);
      net::label(ctx, ds_item, [&] {
        char buf[96];
        const char* ds = net::dscp_short(tos >> 2);
        std::snprintf(buf, sizeof buf, "Differentiated Services Field: 0x%02x (DSCP: %s, ECN: %s)", tos,
                      ds ? ds : "Unknown", net::ecn_short(tos & 3));
        return std::string(buf);
      });
      net::label(ctx, ctx.add_uint(dscp_, tvb, 1, 1, tos >> 2, ds_item), [&] {
        const char* dn = nullptr;
        for (const ValueName* n = net::kDscpNames; n->name; ++n)
          if (n->value == unsigned(tos >> 2)) dn = n->name;
        std::string dscp_text = "Differentiated Services Codepoint: ";
        dscp_text += std::string(dn ? dn : "Unknown") + " (" + std::to_string(tos >> 2) + ")";
        return net::bits_label(tos, 8, 0xfc, dscp_text);
      });
      net::label(ctx, ctx.add_uint(ecn_, tvb, 1, 1, tos & 3, ds_item), [&] { return net::bits_label(tos, 8, 0x03,
                                    std::string("Explicit Congestion Notification: ") + net::kEcnNames[tos & 3].name +
                                        " (" + std::to_string(tos & 3) + ")"); });
    }
    uint32_t total = tvb.u16(2);
    bool tso = false;
    if (total == 0) {  // TSO/big TCP: the stack left it 0; tshark shows the frame's length
      total = net::reported_len(ctx, tvb);
      tso = true;
    }
    net::label(ctx, ctx.add_uint(len_, tvb, 2, 2, total, top), [&] { return "Total Length: " + std::to_string(total) + (tso ? " bytes (reported as 0, presumed to be because of \"TCP segmentation offload\" (TSO))" : ""); });
    if (total < hlen) {
      ctx.info() = "Bogus IP length (" + std::to_string(total) + ", less than header length " + std::to_string(hlen) + ")";
      return tvb.len;
    }
    uint16_t id = tvb.u16(4);
    net::label(ctx, ctx.add_uint(id_, tvb, 4, 2, id, top), [&] {
      char buf[48];
      std::snprintf(buf, sizeof buf, "Identification: 0x%04x (%u)", id, id);
      return std::string(buf);
    });
    uint16_t fo = tvb.u16(6);
    uint8_t fb = fo >> 8;
    {
      int fl = ctx.add_uint(flags_, tvb, 6, 1, fb >> 5, top);
      net::label(ctx, fl, [&] {
        std::string t = "Flags: 0x" + std::string(1, "01234567"[fb >> 5]);
        if (fb & 0x80) t += ", Reserved bit";
        if (fb & 0x40) t += ", Don't fragment";
        if (fb & 0x20) t += ", More fragments";
        return net::bits_label(fb, 8, 0xe0, t);
      });
      net::label(ctx, ctx.add_bool(rb_, tvb, 6, 1, fb & 0x80, fl), [&] { return net::flag_label(fb, 8, 0x80, "Reserved bit"); });
      net::label(ctx, ctx.add_bool(df_, tvb, 6, 1, fb & 0x40, fl), [&] { return net::flag_label(fb, 8, 0x40, "Don't fragment"); });
      net::label(ctx, ctx.add_bool(mf_, tvb, 6, 1, fb & 0x20, fl), [&] { return net::flag_label(fb, 8, 0x20, "More fragments"); });
    }
    uint32_t frag_units = fo & 0x1fff;
    net::label(ctx, ctx.add_uint(frag_, tvb, 6, 2, frag_units, top), [&] { return net::bits_label(fo, 16, 0x1fff, "Fragment Offset: " + std::to_string(frag_units * 8)); });
    uint8_t ttl = tvb.u8(8), proto = tvb.u8(9);
    net::label(ctx, ctx.add_uint(ttl_, tvb, 8, 1, ttl, top), [&] { return "Time to Live: " + std::to_string(ttl); });
    ctx.add_uint(ipproto_, tvb, 9, 1, proto, top);
    uint16_t ck = tvb.u16(10);
    {
      net::label(ctx, ctx.add_uint(checksum_, tvb, 10, 2, ck, top), [&] {
        char buf[64];
        std::snprintf(buf, sizeof buf, "Header Checksum: 0x%04x [validation disabled]", ck);
        return std::string(buf);
      });
      net::label(ctx, ctx.add_uint(checksum_status_, tvb, 10, 0, 2, top, FieldValue::Generated), [&] { return "Header checksum status: Unverified"; });
    }
    uint32_t src = tvb.u32(12), dst = tvb.u32(16);
    net::label(ctx, ctx.add_ipv4(src_, tvb, 12, src, top), [&] { return "Source Address: " + net::ipv4_text(src); });
    ctx.add_ipv4(addr_, tvb, 12, src, top, FieldValue::Hidden);
    net::label(ctx, ctx.add_ipv4(dst_, tvb, 16, dst, top), [&] { return "Destination Address: " + net::ipv4_text(dst); });
    ctx.add_ipv4(addr_, tvb, 16, dst, top, FieldValue::Hidden);
    net::label(ctx, top, [&] {
      return "Internet Protocol Version 4, Src: " + net::ipv4_text(src) + ", Dst: " + net::ipv4_text(dst);
    });

    PacketInfo& pi = ctx.pinfo;
    pi.net_src.family = pi.net_dst.family = Address::IPv4;
    std::memset(pi.net_src.bytes, 0, 16);
    std::memset(pi.net_dst.bytes, 0, 16);
    std::memcpy(pi.net_src.bytes, tvb.data + 12, 4);
    std::memcpy(pi.net_dst.bytes, tvb.data + 16, 4);
    pi.ip_proto = proto;
    if (!pi.in_error_packet) {
      if (ctx.want_columns()) {
        char s[16], d[16];
        ctx.set_columns_src_dst({s, net::ipv4_chars(src, s)}, {d, net::ipv4_chars(dst, d)});
      }
      ctx.info().clear();
    }

    if (hlen > 20) {
      if (!tvb.has(0, hlen)) {
        net::out_of_bytes(ctx, short_, "IPv4", top, tvb);
        return tvb.len;
      }
      int o = ctx.add_bytes(opts_, tvb, 20, hlen - 20, top);
      net::label(ctx, o, [&] { return "Options: (" + std::to_string(hlen - 20) + " bytes)"; });
      for (uint32_t p = 20; p < hlen;) {
        uint8_t t = tvb.u8(p);
        if (t == 0) break;  // end of option list
        if (t == 1) {
          ++p;
          continue;
        }
        if (p + 1 >= hlen || tvb.u8(p + 1) < 2 || p + tvb.u8(p + 1) > hlen) {
          ctx.add_label(opts_bad_, tvb, p, hlen - p, "Option length says it goes past the end of the options", o);
          break;
        }
        p += tvb.u8(p + 1);
      }
    }
    (void)tso;
    // The payload stops at the IP length (Ethernet pads short frames) or at
    // the end of what was captured.
    Tvb payload = tvb.sub(hlen, total - hlen);
    bool whole = tvb.has(hlen, total - hlen);
    bool fragment = (fo & 0x3fff) != 0;
    const IpReassembly& ra = ctx.event().reassembled;
    bool reassembled = fragment && ra.version == 4 && !pi.in_error_packet && tvb.base == ra.ip_offset;
    if (reassembled) {
      payload = Tvb{reinterpret_cast<const uint8_t*>(ra.data.data()), uint32_t(ra.data.size()), Tvb::kDetached};
      if (frag_fields_.add(ctx, ra, payload, top)) ctx.info() = "[Illegal IPv4 fragments]";
      fragment = false;
    }
    if (fragment && (whole || frag_units != 0)) {
      if (!pi.in_error_packet) {
        char buf[128];
        const char* pn = net::ip_proto_name(proto);
        std::snprintf(buf, sizeof buf, "Fragmented IP protocol (proto=%s %u, off=%u, ID=%04x)", pn ? pn : "Unknown",
                      proto, frag_units * 8, id);
        ctx.info() = buf;
        ctx.set_protocol_column("IPv4");
      }
      ctx.call_data(payload, -1);
      return tvb.len;
    }
    net::IpLayerInfo ipi;
    ipi.payload_base = payload.base;
    ipi.payload_reported = reassembled ? payload.len : total - hlen;
    ipi.ttl = ttl;
    ipi.fragmented = fragment;
    const void* saved_l4 = pi.l4;
    pi.l4 = &ipi;
    // Inside an ICMP error tshark nests the quoted transport header in the ICMP tree.
    if (!ctx.call_table(ipproto_table_, proto, payload, pi.in_error_packet ? parent : -1)) ctx.call_data(payload, -1);
    pi.l4 = saved_l4;
    return tvb.len;
  }

 private:
  FieldId proto_, version_, hdr_len_, dsfield_, dscp_, ecn_, len_, id_, flags_, rb_, df_, mf_, frag_, ttl_, ipproto_,
      checksum_, checksum_status_, src_, dst_, addr_, opts_, opts_bad_, short_;
  net::FragmentFields frag_fields_;
  const DissectorTables::Table* ipproto_table_ = nullptr;
  Dissector* ipv6_ = nullptr;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<Ipv4Dissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "ip", "Internet Protocol Version 4", strato::create)
