// Ethernet II (LINKTYPE_ETHERNET 1). 802.3 frames (type field <= 1500) carry
// a length; without an LLC dissector their payload becomes data.
#include "netcommon.h"

namespace strato {
namespace {

const ValueName kEtherTypes[] = {{0x0800, "IPv4"}, {0x0806, "ARP"},  {0x86dd, "IPv6"}, {0x8100, "802.1Q Virtual LAN"},
                                 {0x88a8, "802.1ad Provider Bridge (Q-in-Q)"}, {0x8035, "RARP"},
                                 {0x8847, "MPLS label switched packet"}, {0x8863, "PPPoE Discovery"},
                                 {0x8864, "PPPoE Session"}, {0x888e, "802.1X Authentication"},
                                 {0x88cc, "802.1 Link Layer Discovery Protocol (LLDP)"}, {0, nullptr}};

class EthDissector : public Dissector {
 public:
  const char* name() const override { return "eth"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("eth", "Ethernet");
    dst_ = reg.add_field(proto_, "eth.dst", "Destination", FieldType::Ether);
    src_ = reg.add_field(proto_, "eth.src", "Source", FieldType::Ether);
    addr_ = reg.add_field(proto_, "eth.addr", "Address", FieldType::Ether);
    dst_lg_ = reg.add_field(proto_, "eth.dst.lg", "LG bit", FieldType::Boolean, Base::Dec, 24, 0x020000);
    dst_ig_ = reg.add_field(proto_, "eth.dst.ig", "IG bit", FieldType::Boolean, Base::Dec, 24, 0x010000);
    src_lg_ = reg.add_field(proto_, "eth.src.lg", "LG bit", FieldType::Boolean, Base::Dec, 24, 0x020000);
    src_ig_ = reg.add_field(proto_, "eth.src.ig", "IG bit", FieldType::Boolean, Base::Dec, 24, 0x010000);
    lg_ = reg.add_field(proto_, "eth.lg", "LG bit", FieldType::Boolean, Base::Dec, 24, 0x020000);
    ig_ = reg.add_field(proto_, "eth.ig", "IG bit", FieldType::Boolean, Base::Dec, 24, 0x010000);
    type_ = reg.add_field(proto_, "eth.type", "Type", FieldType::UInt, Base::Hex, 16, 0, kEtherTypes);
    len_ = reg.add_field(proto_, "eth.len", "Length", FieldType::UInt, Base::Dec, 16);
  }

  void register_handoffs(DissectorTables& t) override {
    t.add("link_type", 1, this);
    t.add("ip.proto", 143, this);  // Ethernet carried in IPv6 (RFC 8986 segment routing)
  }
  void resolve(DissectorTables& t) override { ethertype_ = t.table("ethertype"); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    if (tvb.len < 14) {
      int top = ctx.add_protocol(proto_, tvb, 0, tvb.len, parent, "eth");
      net::label(ctx, top, [&] { return "Ethernet II"; });
      ctx.set_protocol_column("Ethernet");
      ctx.mark_malformed("Ethernet", top);
      return tvb.len ? tvb.len : 1;
    }
    // Address text only for columns or the tree: -T fields needs neither.
    const bool text = ctx.want_labels() || ctx.want_columns();
    std::string dst, src;
    if (text) dst = net::ether_text(tvb.data), src = net::ether_text(tvb.data + 6);
    uint16_t type = tvb.u16(12);
    int top = ctx.add_protocol(proto_, tvb, 0, 14, parent, "eth");
    net::label(ctx, top, [&] { return (type <= 1500 ? "IEEE 802.3 Ethernet, Src: " : "Ethernet II, Src: ") + src + ", Dst: " + dst; });
    address(ctx, tvb, 0, dst_, dst_lg_, dst_ig_, ctx.want_labels() ? "Destination: " + dst : std::string(), top);
    address(ctx, tvb, 6, src_, src_lg_, src_ig_, ctx.want_labels() ? "Source: " + src : std::string(), top);
    ctx.pinfo.dl_dst.family = ctx.pinfo.dl_src.family = Address::Ether;
    std::memcpy(ctx.pinfo.dl_dst.bytes, tvb.data, 6);
    std::memcpy(ctx.pinfo.dl_src.bytes, tvb.data + 6, 6);
    if (ctx.want_columns()) ctx.set_columns_src_dst(src, dst);
    ctx.set_protocol_column("Ethernet");
    ctx.info().clear();
    if (type <= 1500) {
      ctx.add_uint(len_, tvb, 12, 2, type, top);
      Tvb payload = tvb.sub(14, type);
      ctx.call_data(payload, -1);
      return tvb.len;
    }
    ctx.add_uint(type_, tvb, 12, 2, type, top);
    net::dispatch_ethertype(ctx, ethertype_, type, tvb.sub(14), -1);
    return tvb.len;
  }

 private:
  void address(DissectContext& ctx, Tvb tvb, uint32_t off, FieldId f, FieldId lg, FieldId ig, const std::string& label,
               int top) {
    int item = ctx.add_bytes(f, tvb, off, 6, top);
    net::label(ctx, item, [&] { return label; });
    net::label(ctx, ctx.add_bytes(addr_, tvb, off, 6, item), [&] { return "Address: " + label.substr(label.find(": ") + 2); });
    uint32_t first3 = tvb.u24(off);
    bool lgv = first3 & 0x020000, igv = first3 & 0x010000;
    // Each hidden eth.lg/eth.ig right after its dst/src bit, in tshark's order (json, ek).
    net::label(ctx, ctx.add_bool(lg, tvb, off, 3, lgv, item), [&] { return net::bits_label(first3, 24, 0x020000,
                                  lgv ? "LG bit: Locally administered address (this is NOT the factory default)"
                                      : "LG bit: Globally unique address (factory default)"); });
    ctx.add_bool(lg_, tvb, off, 3, lgv, item, FieldValue::Hidden);
    net::label(ctx, ctx.add_bool(ig, tvb, off, 3, igv, item), [&] { return net::bits_label(first3, 24, 0x010000,
                                  igv ? "IG bit: Group address (multicast/broadcast)" : "IG bit: Individual address (unicast)"); });
    ctx.add_bool(ig_, tvb, off, 3, igv, item, FieldValue::Hidden);
  }

  FieldId proto_, dst_, src_, addr_, dst_lg_, dst_ig_, src_lg_, src_ig_, lg_, ig_, type_, len_;
  const DissectorTables::Table* ethertype_ = nullptr;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<EthDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "eth", "Ethernet II", strato::create)
