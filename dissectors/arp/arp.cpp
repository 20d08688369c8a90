// ARP and RARP over Ethernet/IPv4 (other hardware/protocol sizes get the
// generic byte fields).
#include <cstdio>

#include "netcommon.h"

namespace strato {
namespace {

const ValueName kOpcodes[] = {{1, "request"}, {2, "reply"}, {3, "reverse request"}, {4, "reverse reply"},
                              {5, "drarp request"}, {6, "drarp reply"}, {7, "drarp error"},
                              {8, "inverse request"}, {9, "inverse reply"}, {10, "arp nak"}, {0, nullptr}};
const ValueName kHwTypes[] = {{1, "Ethernet"}, {6, "IEEE 802"}, {15, "Frame Relay"}, {16, "ATM"}, {0, nullptr}};
const ValueName kProtoTypes[] = {{0x0800, "IPv4"}, {0x86dd, "IPv6"}, {0, nullptr}};

std::string hex_text(Tvb tvb, uint32_t off, uint32_t len) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint32_t i = 0; i < len; ++i) {
    s += kHex[tvb.u8(off + i) >> 4];
    s += kHex[tvb.u8(off + i) & 0xf];
  }
  return s;
}

bool zero(Tvb tvb, uint32_t off, uint32_t len) {
  for (uint32_t i = 0; i < len; ++i)
    if (tvb.u8(off + i)) return false;
  return true;
}

class ArpDissector : public Dissector {
 public:
  const char* name() const override { return "arp"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("arp", "Address Resolution Protocol");
    hw_type_ = reg.add_field(proto_, "arp.hw.type", "Hardware type", FieldType::UInt, Base::Dec, 16, 0, kHwTypes);
    proto_type_ = reg.add_field(proto_, "arp.proto.type", "Protocol type", FieldType::UInt, Base::Hex, 16, 0, kProtoTypes);
    hw_size_ = reg.add_field(proto_, "arp.hw.size", "Hardware size", FieldType::UInt, Base::Dec, 8);
    proto_size_ = reg.add_field(proto_, "arp.proto.size", "Protocol size", FieldType::UInt, Base::Dec, 8);
    opcode_ = reg.add_field(proto_, "arp.opcode", "Opcode", FieldType::UInt, Base::Dec, 16, 0, kOpcodes);
    gratuitous_ = reg.add_field(proto_, "arp.isgratuitous", "Is gratuitous", FieldType::Boolean);
    src_hw_ = reg.add_field(proto_, "arp.src.hw", "Sender hardware address", FieldType::Bytes);
    src_mac_ = reg.add_field(proto_, "arp.src.hw_mac", "Sender MAC address", FieldType::Ether);
    src_proto_ = reg.add_field(proto_, "arp.src.proto", "Sender protocol address", FieldType::Bytes);
    src_ipv4_ = reg.add_field(proto_, "arp.src.proto_ipv4", "Sender IP address", FieldType::IPv4);
    dst_hw_ = reg.add_field(proto_, "arp.dst.hw", "Target hardware address", FieldType::Bytes);
    dst_mac_ = reg.add_field(proto_, "arp.dst.hw_mac", "Target MAC address", FieldType::Ether);
    dst_proto_ = reg.add_field(proto_, "arp.dst.proto", "Target protocol address", FieldType::Bytes);
    dst_ipv4_ = reg.add_field(proto_, "arp.dst.proto_ipv4", "Target IP address", FieldType::IPv4);
    short_ = net::short_field(reg);
  }

  void register_handoffs(DissectorTables& t) override {
    t.add("ethertype", 0x0806, this);
    t.add("ethertype", 0x8035, this);
  }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len < 8 ? tvb.len : 8, parent, "arp");
    ctx.set_label(top, "Address Resolution Protocol");
    ctx.set_protocol_column("ARP");
    // tshark hands AX.25 (hardware type 3) to a second dissector of the same
    // protocol, so frame.protocols says "arp:arp" for it.
    if (tvb.has(0, 2) && tvb.u16(0) == 3) ctx.add_layer("arp");
    if (!tvb.has(0, 8)) {
      net::out_of_bytes(ctx, short_, "ARP", top, tvb);
      return tvb.len ? tvb.len : 1;
    }
    uint16_t hrd = tvb.u16(0), pro = tvb.u16(2), op = tvb.u16(6);
    uint8_t hln = tvb.u8(4), pln = tvb.u8(5);
    ctx.add_uint(hw_type_, tvb, 0, 2, hrd, top);
    ctx.add_uint(proto_type_, tvb, 2, 2, pro, top);
    ctx.add_uint(hw_size_, tvb, 4, 1, hln, top);
    ctx.add_uint(proto_size_, tvb, 5, 1, pln, top);
    ctx.add_uint(opcode_, tvb, 6, 2, op, top);
    uint32_t sha = 8, spa = sha + hln, tha = spa + pln, tpa = tha + hln, end = tpa + pln;
    bool ether = hln == 6 && (hrd == 1 || hrd == 6), ipv4 = pln == 4 && pro == 0x0800;
    if (tvb.has(0, end)) {
      bool grat = ipv4 && tvb.u32(spa) == tvb.u32(tpa);
      ctx.add_bool(gratuitous_, tvb, 0, 0, grat, top, FieldValue::Generated);
    }
    std::string s_hw, s_ip, t_hw, t_ip;
    auto hw = [&](uint32_t off, FieldId mac, FieldId raw, std::string& text) {
      if (!tvb.has(off, hln)) return false;
      if (ether) {
        ctx.add_bytes(mac, tvb, off, 6, top);
        text = net::ether_text(tvb.data + off);
      } else if (hln) {
        ctx.add_bytes(raw, tvb, off, hln, top);
        text = hex_text(tvb, off, hln);
      } else {
        text = "<No address>";
      }
      return true;
    };
    auto pr = [&](uint32_t off, FieldId v4, FieldId raw, std::string& text) {
      if (!tvb.has(off, pln)) return false;
      if (ipv4) {
        ctx.add_ipv4(v4, tvb, off, tvb.u32(off), top);
        text = net::ipv4_text(tvb.u32(off));
      } else if (pln) {
        ctx.add_bytes(raw, tvb, off, pln, top);
        text = hex_text(tvb, off, pln);
      } else {
        text = "<No address>";
      }
      return true;
    };
    // tshark adds no address unless all four are there.
    bool ok = tvb.has(0, end) && hw(sha, src_mac_, src_hw_, s_hw) && pr(spa, src_ipv4_, src_proto_, s_ip) &&
              hw(tha, dst_mac_, dst_hw_, t_hw) && pr(tpa, dst_ipv4_, dst_proto_, t_ip);
    ctx.set_length(top, ok ? end : tvb.len);
    const char* opname = nullptr;
    for (const ValueName* v = kOpcodes; v->name; ++v)
      if (v->value == op) opname = v->name;
    bool grat = ok && ipv4 && s_ip == t_ip;
    std::string title = "Address Resolution Protocol";
    if (opname) title += std::string(" (") + opname + (grat && (op == 1 || op == 2) ? "/gratuitous ARP" : "") + ")";
    ctx.set_label(top, title);
    std::string& info = ctx.info();
    switch (op) {
      case 1: {
        // An announcement (RFC 5227) is a gratuitous request that names no
        // target MAC; a probe asks from 0.0.0.0.
        bool no_target = ok && zero(tvb, tha, hln);
        if (grat)
          info = (no_target ? "ARP Announcement for " + s_ip : "Gratuitous ARP for " + s_ip + " (Request)");
        else if (no_target && ipv4 && tvb.u32(spa) == 0)
          info = "Who has " + t_ip + "? (ARP Probe)";
        else
          info = "Who has " + t_ip + "? Tell " + s_ip;
        break;
      }
      case 2:
        info = grat ? "Gratuitous ARP for " + s_ip + " (Reply)" : s_ip + " is at " + s_hw;
        break;
      case 3:
        ctx.set_protocol_column("RARP");
        info = "Who is " + t_hw + "? Tell " + s_hw;
        break;
      case 4:
        ctx.set_protocol_column("RARP");
        info = t_hw + " is at " + t_ip;
        break;
      case 5:
        ctx.set_protocol_column("DRARP");
        info = "Who is " + t_hw + "? Tell " + s_hw;
        break;
      case 6:
        ctx.set_protocol_column("DRARP");
        info = t_hw + " is at " + t_ip;
        break;
      case 7:
        ctx.set_protocol_column("DRARP");
        info = "DRARP Error";
        break;
      case 8:
        ctx.set_protocol_column("Inverse ARP");
        info = "Who is " + t_hw + "? Tell " + s_hw;
        break;
      case 9:
        ctx.set_protocol_column("Inverse ARP");
        info = s_hw + " is at " + s_ip;
        break;
      case 0:
        info = "Reserved opcode 0";
        break;
      default: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "Unknown ARP opcode 0x%04x", op);
        info = buf;
      }
    }
    if (!ok) {
      // tshark fails reading the addresses, before it writes the Info column.
      info.clear();
      net::out_of_bytes(ctx, short_, "ARP", top, tvb);
    }
    return tvb.len;
  }

 private:
  FieldId proto_, hw_type_, proto_type_, hw_size_, proto_size_, opcode_, gratuitous_, src_hw_, src_mac_, src_proto_,
      src_ipv4_, dst_hw_, dst_mac_, dst_proto_, dst_ipv4_, short_;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<ArpDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "arp", "Address Resolution Protocol", strato::create)
