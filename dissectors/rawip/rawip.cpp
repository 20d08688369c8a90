// Raw IP link types LINKTYPE_RAW (101) and the historical DLT_RAW values
// 12 and 14: layer "raw", then IPv4 or IPv6 by the version nibble.
// (LINKTYPE_IPV4 228 / LINKTYPE_IPV6 229 go straight to ip/ipv6, with no
// "raw" layer, as tshark shows them.)
#include "netcommon.h"

namespace strato {
namespace {

class RawDissector : public Dissector {
 public:
  const char* name() const override { return "raw"; }

  void register_fields(FieldRegistry& reg) override { proto_ = reg.add_protocol("raw", "Raw packet data"); }

  void register_handoffs(DissectorTables& t) override {
    t.add("link_type", 101, this);
    t.add("link_type", 12, this);
    t.add("link_type", 14, this);
  }
  void resolve(DissectorTables& t) override {
    ip_ = t.find("ip");
    ipv6_ = t.find("ipv6");
  }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len, parent, "raw");
    ctx.set_label(top, "Raw packet data");
    ctx.set_protocol_column("Raw");
    ctx.info() = "Raw packet data";
    Dissector* next = nullptr;
    if (tvb.len >= 1) {
      unsigned v = tvb.u8(0) >> 4;
      if (v == 4) next = ip_;
      if (v == 6) next = ipv6_;
    }
    if (!next || !ctx.call(next, tvb, -1)) ctx.call_data(tvb, -1);
    return tvb.len ? tvb.len : 1;
  }

 private:
  FieldId proto_;
  Dissector *ip_ = nullptr, *ipv6_ = nullptr;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<RawDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "raw", "Raw IP link types", strato::create)
