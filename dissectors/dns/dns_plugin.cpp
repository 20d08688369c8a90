// DNS over UDP (port 53 and a heuristic) and TCP (port 53, 2-byte length
// prefix), mDNS (UDP 5353) and LLMNR (UDP 5355).
#include "dns_fields.h"
#include "dns_message.h"
#include "dns_tcp.h"
#include "strato/dissector.h"

namespace strato::dns {
namespace {

// Conversation identity for query/response matching: addresses and ports of
// both directions, order-independent, plus the transport.
uint64_t conversation(const PacketInfo& pi) {
  auto h = [](const Address& a, uint16_t port) {
    uint64_t x = 1469598103934665603ull ^ a.family;
    for (uint8_t b : a.bytes) x = (x ^ b) * 1099511628211ull;
    return (x ^ port) * 1099511628211ull;
  };
  uint64_t s = h(pi.net_src, pi.srcport), d = h(pi.net_dst, pi.dstport);
  return (s < d ? s * 31 + d : d * 31 + s) ^ pi.ip_proto;
}

// The service a datagram belongs to: the lower of its ports that has one,
// as UDP tries the lower port first.
Flavor flavor_of(const PacketInfo& pi) {
  auto kind = [](uint16_t p) { return p == 53 ? 1 : p == 5353 ? 2 : p == 5355 ? 3 : 0; };
  uint16_t lo = pi.srcport < pi.dstport ? pi.srcport : pi.dstport;
  uint16_t hi = pi.srcport < pi.dstport ? pi.dstport : pi.srcport;
  int k = kind(lo) ? kind(lo) : kind(hi);
  return k == 2 ? Flavor::Mdns : k == 3 ? Flavor::Llmnr : Flavor::Dns;
}

class DnsDissector : public Dissector {
 public:
  const char* name() const override { return "dns"; }
  void register_fields(FieldRegistry& reg) override { F.register_all(reg); }
  void register_handoffs(DissectorTables& t) override {
    t.add("udp.port", 53, this);
    t.add("udp.port", 5353, this);
    t.add("udp.port", 5355, this);
    t.add("tcp.port", 53, this);
    t.add_heuristic("udp", this);
  }
  std::unique_ptr<ShardState> new_shard_state() const override { return std::make_unique<DnsState>(); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    if (ctx.pinfo.ip_proto == 6) {
      dissect_tcp_payload(ctx, F, ctx.shard_state<DnsState>(this), conversation(ctx.pinfo), tvb, parent, Flavor::Dns);
      return tvb.len ? tvb.len : 1;
    }
    one_message(ctx, tvb, parent, flavor_of(ctx.pinfo));
    return tvb.len ? tvb.len : 1;
  }

  bool heuristic(DissectContext& ctx, Tvb tvb, int parent) override {
    if (ctx.pinfo.ip_proto != 17 || !looks_like_dns(tvb)) return false;
    one_message(ctx, tvb, parent, Flavor::Dns);
    return true;
  }

 private:
  void one_message(DissectContext& ctx, Tvb tvb, int parent, Flavor flavor) {
    static const char* const kLayer[] = {"dns", "mdns", "llmnr"};
    static const char* const kColumn[] = {"DNS", "MDNS", "LLMNR"};
    const int k = static_cast<int>(flavor);
    ctx.set_protocol_column(kColumn[k]);
    ctx.info().clear();
    FieldId proto = flavor == Flavor::Mdns ? F.mdns : flavor == Flavor::Llmnr ? F.llmnr : F.proto;
    int top = ctx.add_protocol(proto, tvb, 0, tvb.len, parent, kLayer[k]);
    dissect_message(ctx, F, ctx.shard_state<DnsState>(this), conversation(ctx.pinfo), tvb, top, flavor);
  }

  Fields F{};
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<DnsDissector>(); }

}  // namespace
}  // namespace strato::dns

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "dns", "Domain Name System over UDP and TCP",
                         strato::dns::create)
