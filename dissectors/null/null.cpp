// BSD loopback: LINKTYPE_NULL (0, family in the capturing host's byte
// order) and LINKTYPE_LOOP (108, network byte order). The family selects
// IPv4 or one of the BSDs' IPv6 values.
#include "netcommon.h"

namespace strato {
namespace {

const ValueName kFamilies[] = {{2, "IP"}, {7, "OSI"}, {16, "Apple ATalk"}, {23, "Netware IPX/SPX"}, {24, "IPv6"},
                               {28, "IPv6"}, {30, "IPv6"}, {0, nullptr}};

class NullDissector : public Dissector {
 public:
  const char* name() const override { return "null"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("null", "Null/Loopback");
    family_ = reg.add_field(proto_, "null.family", "Family", FieldType::UInt, Base::Dec, 32, 0, kFamilies);
    type_ = reg.add_field(proto_, "null.type", "Type", FieldType::UInt, Base::Hex, 16);
    short_ = net::short_field(reg);
  }

  void register_handoffs(DissectorTables& t) override {
    t.add("link_type", 0, this);
    t.add("link_type", 108, this);
  }
  void resolve(DissectorTables& t) override {
    ip_ = t.find("ip");
    ipv6_ = t.find("ipv6");
    ethertype_ = t.table("ethertype");
  }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len < 4 ? tvb.len : 4, parent, "null");
    ctx.set_label(top, "Null/Loopback");
    ctx.set_protocol_column("NULL");
    if (!tvb.has(0, 4)) {
      net::out_of_bytes(ctx, short_, "Null/Loopback", top, tvb);
      return tvb.len ? tvb.len : 1;
    }
    uint32_t v;
    if (ctx.event().link_type == 108) {
      v = tvb.u32(0);
    } else {
      // Host byte order of whoever captured it: a family is a small number,
      // so the order that puts the non-zero bytes low is the right one.
      uint32_t be = tvb.u32(0), le = tvb.u32le(0);
      v = (be & 0xffff0000u) ? le : be;
    }
    Tvb payload = tvb.sub(4);
    if (v > 1500 && v <= 0xffff) {
      // Some systems put an Ethernet type here instead of a family.
      ctx.add_uint(type_, tvb, 0, 4, v, top);
      net::dispatch_ethertype(ctx, ethertype_, uint16_t(v), payload, -1);
      return tvb.len;
    }
    ctx.add_uint(family_, tvb, 0, 4, v, top);
    Dissector* next = nullptr;
    if (v == 2) next = ip_;
    if (v == 24 || v == 28 || v == 30 || v == 10) next = ipv6_;
    if (!next || !ctx.call(next, payload, -1)) ctx.call_data(payload, -1);
    return tvb.len;
  }

 private:
  FieldId proto_, family_, type_, short_;
  Dissector *ip_ = nullptr, *ipv6_ = nullptr;
  const DissectorTables::Table* ethertype_ = nullptr;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<NullDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "null", "BSD Null/Loopback", strato::create)
