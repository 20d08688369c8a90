// Linux cooked captures: SLL v1 (LINKTYPE_LINUX_SLL 113) and v2
// (LINKTYPE_LINUX_SLL2 276). The protocol field is an ethertype (with the
// "ethertype" pseudo-layer), a GRE protocol type for IP GRE devices (handed
// straight to the ethertype table, no pseudo-layer, as tshark), or a Linux
// "ltype" for non-Ethernet framing (shown as data here).
#include "netcommon.h"

namespace strato {
namespace {

const ValueName kPktTypes[] = {{0, "Unicast to us"},    {1, "Broadcast"},  {2, "Multicast"},
                               {3, "Unicast to another host"}, {4, "Sent by us"}, {0, nullptr}};
const ValueName kHaTypes[] = {{1, "Ethernet"}, {772, "Loopback"}, {776, "IPv6-in-IPv4"}, {778, "IP GRE"},
                              {65534, "None"}, {0, nullptr}};
const ValueName kEtherTypes[] = {{0x0800, "IPv4"}, {0x0806, "ARP"}, {0x86dd, "IPv6"}, {0x8100, "802.1Q Virtual LAN"},
                                 {0, nullptr}};

class SllDissector : public Dissector {
 public:
  const char* name() const override { return "sll"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("sll", "Linux cooked capture");
    pkttype_ = reg.add_field(proto_, "sll.pkttype", "Packet type", FieldType::UInt, Base::Dec, 16, 0, kPktTypes);
    hatype_ = reg.add_field(proto_, "sll.hatype", "Link-layer address type", FieldType::UInt, Base::Dec, 16, 0, kHaTypes);
    halen_ = reg.add_field(proto_, "sll.halen", "Link-layer address length", FieldType::UInt, Base::Dec, 16);
    src_eth_ = reg.add_field(proto_, "sll.src.eth", "Source", FieldType::Ether);
    src_ipv4_ = reg.add_field(proto_, "sll.src.ipv4", "Source", FieldType::IPv4);
    src_other_ = reg.add_field(proto_, "sll.src.other", "Source", FieldType::Bytes);
    unused_ = reg.add_field(proto_, "sll.unused", "Unused", FieldType::Bytes);
    ltype_ = reg.add_field(proto_, "sll.ltype", "Protocol", FieldType::UInt, Base::Hex, 16);
    gretype_ = reg.add_field(proto_, "sll.gretype", "Protocol", FieldType::UInt, Base::Hex, 16, 0, kEtherTypes);
    etype_ = reg.add_field(proto_, "sll.etype", "Protocol", FieldType::UInt, Base::Hex, 16, 0, kEtherTypes);
    ifindex_ = reg.add_field(proto_, "sll.ifindex", "Interface index", FieldType::UInt);
    reserved_ = reg.add_field(proto_, "sll.reserved", "Reserved", FieldType::UInt, Base::Hex, 16);
    short_ = net::short_field(reg);
  }

  void register_handoffs(DissectorTables& t) override {
    t.add("link_type", 113, this);
    t.add("link_type", 276, this);
  }
  void resolve(DissectorTables& t) override { ethertype_ = t.table("ethertype"); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    bool v2 = ctx.event().link_type == 276;
    uint32_t hdr = v2 ? 20 : 16;
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len < hdr ? tvb.len : hdr, parent, "sll");
    ctx.set_label(top, v2 ? "Linux cooked capture v2" : "Linux cooked capture v1");
    ctx.set_protocol_column("SLL");
    if (!tvb.has(0, hdr)) {
      net::out_of_bytes(ctx, short_, "Linux cooked capture", top, tvb);
      return tvb.len ? tvb.len : 1;
    }
    uint32_t pkttype, hatype, halen, addr_off, proto_off;
    if (v2) {
      proto_off = 0;
      ctx.add_uint(reserved_, tvb, 2, 2, tvb.u16(2), top);
      ctx.add_uint(ifindex_, tvb, 4, 4, tvb.u32(4), top);
      hatype = tvb.u16(8);
      pkttype = tvb.u8(10);
      halen = tvb.u8(11);
      addr_off = 12;
      ctx.add_uint(hatype_, tvb, 8, 2, hatype, top);
      ctx.add_uint(pkttype_, tvb, 10, 1, pkttype, top);
      ctx.add_uint(halen_, tvb, 11, 1, halen, top);
    } else {
      pkttype = tvb.u16(0);
      hatype = tvb.u16(2);
      halen = tvb.u16(4);
      addr_off = 6;
      proto_off = 14;
      ctx.add_uint(pkttype_, tvb, 0, 2, pkttype, top);
      ctx.add_uint(hatype_, tvb, 2, 2, hatype, top);
      ctx.add_uint(halen_, tvb, 4, 2, halen, top);
    }
    uint32_t shown = halen > 8 ? 8 : halen;
    if (halen == 6 && (hatype == 1 || hatype == 772)) {
      ctx.add_bytes(src_eth_, tvb, addr_off, 6, top);
      std::string s = net::ether_text(tvb.data + addr_off);
      ctx.set_columns_src_dst(s, "");
    } else if (halen == 4 && (hatype == 778 || hatype == 776)) {
      ctx.add_ipv4(src_ipv4_, tvb, addr_off, tvb.u32(addr_off), top);
    } else if (shown) {
      ctx.add_bytes(src_other_, tvb, addr_off, shown, top);
    }
    if (shown < 8) ctx.add_bytes(unused_, tvb, addr_off + shown, 8 - shown, top);
    uint16_t proto = tvb.u16(proto_off);
    Tvb payload = tvb.sub(hdr);
    if (hatype == 778) {
      ctx.add_uint(gretype_, tvb, proto_off, 2, proto, top);
      if (!ctx.call_table(ethertype_, proto, payload, -1)) ctx.call_data(payload, -1);
    } else if (proto <= 1500) {
      ctx.add_uint(ltype_, tvb, proto_off, 2, proto, top);
      ctx.call_data(payload, -1);
    } else {
      ctx.add_uint(etype_, tvb, proto_off, 2, proto, top);
      net::dispatch_ethertype(ctx, ethertype_, proto, payload, -1);
    }
    return tvb.len;
  }

 private:
  FieldId proto_, pkttype_, hatype_, halen_, src_eth_, src_ipv4_, src_other_, unused_, ltype_, gretype_, etype_,
      ifindex_, reserved_, short_;
  const DissectorTables::Table* ethertype_ = nullptr;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<SllDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "sll", "Linux cooked capture v1 and v2", strato::create)
