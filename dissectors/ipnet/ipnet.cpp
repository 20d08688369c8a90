// Solaris IPNET (LINKTYPE_IPNET 226): a 24-byte header in front of an IPv4
// or IPv6 packet, chosen by the Solaris address family (2 or 26).
#include "netcommon.h"

namespace strato {
namespace {

const ValueName kFamilies[] = {{2, "Solaris AF_INET"}, {26, "Solaris AF_INET6"}, {0, nullptr}};
const ValueName kHooks[] = {{0, "Inbound"}, {1, "Outbound"}, {2, "Local"}, {0, nullptr}};

const char* name_of(const ValueName* vs, uint64_t v) {
  for (; vs->name; ++vs)
    if (vs->value == v) return vs->name;
  return "Unknown";
}

class IpnetDissector : public Dissector {
 public:
  const char* name() const override { return "ipnet"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("ipnet", "Solaris IPNET");
    version_ = reg.add_field(proto_, "ipnet.version", "Header version", FieldType::UInt, Base::Dec, 8);
    family_ = reg.add_field(proto_, "ipnet.family", "Address family", FieldType::UInt, Base::Dec, 8, 0, kFamilies);
    htype_ = reg.add_field(proto_, "ipnet.htype", "Hook type", FieldType::UInt, Base::Dec, 16, 0, kHooks);
    pktlen_ = reg.add_field(proto_, "ipnet.pktlen", "Data length", FieldType::UInt, Base::Dec, 32);
    ifindex_ = reg.add_field(proto_, "ipnet.ifindex", "Interface index", FieldType::UInt, Base::Dec, 32);
    grifindex_ = reg.add_field(proto_, "ipnet.grifindex", "Group interface index", FieldType::UInt, Base::Dec, 32);
    zsrc_ = reg.add_field(proto_, "ipnet.zsrc", "Source Zone ID", FieldType::UInt, Base::Dec, 32);
    zdst_ = reg.add_field(proto_, "ipnet.zdst", "Destination Zone ID", FieldType::UInt, Base::Dec, 32);
    short_ = net::short_field(reg);
  }

  void register_handoffs(DissectorTables& t) override { t.add("link_type", 226, this); }
  void resolve(DissectorTables& t) override {
    ip_ = t.find("ip");
    ipv6_ = t.find("ipv6");
  }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len < 24 ? tvb.len : 24, parent, "ipnet");
    ctx.set_label(top, "Solaris IPNET");
    ctx.set_protocol_column("IPNET");
    if (!tvb.has(0, 24)) {
      net::out_of_bytes(ctx, short_, "IPNET", top, tvb);
      return tvb.len ? tvb.len : 1;
    }
    uint8_t fam = tvb.u8(1);
    uint16_t hook = tvb.u16(2);
    auto num = [&](FieldId f, uint32_t off, uint32_t len, uint64_t v, const std::string& text) {
      net::label(ctx, ctx.add_uint(f, tvb, off, len, v, top), [&] { return text; });
    };
    num(version_, 0, 1, tvb.u8(0), "Header version: " + std::to_string(tvb.u8(0)));
    num(family_, 1, 1, fam, std::string("Address family: ") + name_of(kFamilies, fam) + " (" + std::to_string(fam) + ")");
    num(htype_, 2, 2, hook, std::string("Hook type: ") + name_of(kHooks, hook) + " (" + std::to_string(hook) + ")");
    num(pktlen_, 4, 4, tvb.u32(4), "Data length: " + std::to_string(tvb.u32(4)));
    num(ifindex_, 8, 4, tvb.u32(8), "Interface index: " + std::to_string(tvb.u32(8)));
    num(grifindex_, 12, 4, tvb.u32(12), "Group interface index: " + std::to_string(tvb.u32(12)));
    num(zsrc_, 16, 4, tvb.u32(16), "Source Zone ID: " + std::to_string(tvb.u32(16)));
    num(zdst_, 20, 4, tvb.u32(20), "Destination Zone ID: " + std::to_string(tvb.u32(20)));
    Tvb rest = tvb.sub(24);
    Dissector* next = fam == 2 ? ip_ : fam == 26 ? ipv6_ : nullptr;
    if (rest.len && (!next || !ctx.call(next, rest, -1))) ctx.call_data(rest, -1);
    return tvb.len;
  }

 private:
  FieldId proto_, version_, family_, htype_, pktlen_, ifindex_, grifindex_, zsrc_, zdst_, short_;
  Dissector *ip_ = nullptr, *ipv6_ = nullptr;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<IpnetDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "ipnet", "Solaris IPNET link type", strato::create)
