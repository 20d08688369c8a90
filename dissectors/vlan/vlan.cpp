// 802.1Q VLAN tags (layer "vlan") and 802.1ad service tags (layer
// "ieee8021ad"), each followed by tshark's "ethertype" pseudo-layer.
#include "netcommon.h"

namespace strato {
namespace {

const ValueName kPriorities[] = {{0, "Best Effort (default)"},
                                 {1, "Background"},
                                 {2, "Excellent Effort"},
                                 {3, "Critical Applications"},
                                 {4, "Video, < 100ms latency and jitter"},
                                 {5, "Voice, < 10ms latency and jitter"},
                                 {6, "Internetwork Control"},
                                 {7, "Network Control"},
                                 {0, nullptr}};

const ValueName kEtherTypes[] = {{0x0800, "IPv4"}, {0x0806, "ARP"}, {0x86dd, "IPv6"}, {0x8100, "802.1Q Virtual LAN"},
                                 {0x88a8, "802.1ad Provider Bridge (Q-in-Q)"}, {0x8847, "MPLS label switched packet"},
                                 {0, nullptr}};

class VlanDissector : public Dissector {
 public:
  const char* name() const override { return "vlan"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("vlan", "802.1Q Virtual LAN");
    priority_ = reg.add_field(proto_, "vlan.priority", "Priority", FieldType::UInt, Base::Dec, 16, 0xe000, kPriorities);
    dei_ = reg.add_field(proto_, "vlan.dei", "DEI", FieldType::Boolean, Base::Dec, 16, 0x1000);
    id_ = reg.add_field(proto_, "vlan.id", "ID", FieldType::UInt, Base::Dec, 16, 0x0fff);
    etype_ = reg.add_field(proto_, "vlan.etype", "Type", FieldType::UInt, Base::Hex, 16, 0, kEtherTypes);
    len_ = reg.add_field(proto_, "vlan.len", "Length", FieldType::UInt, Base::Dec, 16);
    ad_ = reg.add_protocol("ieee8021ad", "IEEE 802.1ad");
    ad_priority_ = reg.add_field(ad_, "ieee8021ad.priority", "Priority", FieldType::UInt, Base::Dec, 16, 0xe000);
    ad_dei_ = reg.add_field(ad_, "ieee8021ad.dei", "DEI", FieldType::UInt, Base::Dec, 16, 0x1000);
    ad_id_ = reg.add_field(ad_, "ieee8021ad.id", "ID", FieldType::UInt, Base::Dec, 16, 0x0fff);
    ad_type_ = reg.add_field(ad_, "ieee8021ad.type", "Type", FieldType::Label);
    short_ = net::short_field(reg);
  }

  void register_handoffs(DissectorTables& t) override {
    t.add("ethertype", 0x8100, this);
    t.add("ethertype", 0x88a8, this);
    t.add("ethertype", 0x9100, this);
  }
  void resolve(DissectorTables& t) override { ethertype_ = t.table("ethertype"); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    // Which tag this is comes from the ethertype that selected us: the two
    // bytes just before the tag in the frame.
    bool ad = false;
    if (tvb.base != Tvb::kDetached && tvb.base >= 2) {
      const uint8_t* p = ctx.event().data + tvb.base - 2;
      ad = (p[0] << 8 | p[1]) == 0x88a8;
    }
    int top = ctx.add_protocol(ad ? ad_ : proto_, tvb, 0, tvb.len < 4 ? tvb.len : 4, parent, ad ? "ieee8021ad" : "vlan");
    net::label(ctx, top, [&] { return ad ? "IEEE 802.1ad" : "802.1Q Virtual LAN"; });
    ctx.set_protocol_column(ad ? "IEEE 802.1ad" : "802.1Q");
    if (!tvb.has(0, 4)) {
      net::out_of_bytes(ctx, short_, ad ? "IEEE 802.1ad" : "VLAN", top, tvb);
      return tvb.len ? tvb.len : 1;
    }
    uint16_t tci = tvb.u16(0), type = tvb.u16(2);
    unsigned pri = tci >> 13, dei = (tci >> 12) & 1, id = tci & 0xfff;
    std::string ids = std::to_string(id);
    if (ad) {
      net::label(ctx, top, [&] { return "IEEE 802.1ad, ID: " + ids; });
      net::label(ctx, ctx.add_uint(ad_priority_, tvb, 0, 2, pri, top), [&] { return net::bits_label(tci, 16, 0xe000, "Priority: " + std::to_string(pri)); });
      net::label(ctx, ctx.add_uint(ad_dei_, tvb, 0, 2, dei, top), [&] { return net::bits_label(tci, 16, 0x1000, "DEI: " + std::to_string(dei)); });
      net::label(ctx, ctx.add_uint(ad_id_, tvb, 0, 2, id, top), [&] { return net::bits_label(tci, 16, 0x0fff, "ID: " + ids); });
    } else {
      net::label(ctx, top, [&] { return "802.1Q Virtual LAN, PRI: " + std::to_string(pri) + ", DEI: " + std::to_string(dei) +
                             ", ID: " + ids; });
      net::label(ctx, ctx.add_uint(priority_, tvb, 0, 2, pri, top), [&] { return net::bits_label(tci, 16, 0xe000,
                                    std::string("Priority: ") + kPriorities[pri].name + " (" + std::to_string(pri) + ")"); });
      net::label(ctx, ctx.add_bool(dei_, tvb, 0, 2, dei, top), [&] { return net::bits_label(tci, 16, 0x1000, dei ? "DEI: Eligible" : "DEI: Ineligible"); });
      net::label(ctx, ctx.add_uint(id_, tvb, 0, 2, id, top), [&] { return net::bits_label(tci, 16, 0x0fff, "ID: " + ids); });
    }
    ctx.info() = "PRI: " + std::to_string(pri) + "  DEI: " + std::to_string(dei) + "  ID: " + ids;
    if (type <= 1500) {
      if (!ad) ctx.add_uint(len_, tvb, 2, 2, type, top);
      ctx.call_data(tvb.sub(4, type), -1);
      return tvb.len;
    }
    if (ad) {
      const char* n = nullptr;
      for (const ValueName* v = kEtherTypes; v->name; ++v)
        if (v->value == type) n = v->name;
      char buf[80];
      std::snprintf(buf, sizeof buf, "Type: %s (0x%04x)", n ? n : "Unknown", type);
      ctx.add_label(ad_type_, tvb, 2, 2, buf, top);
    } else {
      ctx.add_uint(etype_, tvb, 2, 2, type, top);
    }
    net::dispatch_ethertype(ctx, ethertype_, type, tvb.sub(4), -1);
    return tvb.len;
  }

 private:
  FieldId proto_, priority_, dei_, id_, etype_, len_, ad_, ad_priority_, ad_dei_, ad_id_, ad_type_, short_;
  const DissectorTables::Table* ethertype_ = nullptr;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<VlanDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "vlan", "802.1Q VLAN and 802.1ad tags", strato::create)
