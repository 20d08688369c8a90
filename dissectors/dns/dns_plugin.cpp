// DNS over UDP (port 53 and a heuristic) and TCP (port 53, 2-byte length
// prefix).
#include <cstring>

#include "dns_fields.h"
#include "dns_message.h"
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

class DnsDissector : public Dissector {
 public:
  const char* name() const override { return "dns"; }
  void register_fields(FieldRegistry& reg) override { F.register_all(reg); }
  void register_handoffs(DissectorTables& t) override {
    t.add("udp.port", 53, this);
    t.add("tcp.port", 53, this);
    t.add_heuristic("udp", this);
  }
  std::unique_ptr<ShardState> new_shard_state() const override { return std::make_unique<MatchState>(); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    if (ctx.pinfo.ip_proto == 6) return dissect_tcp(ctx, tvb, parent);
    one_message(ctx, tvb, parent);
    return tvb.len ? tvb.len : 1;
  }

  bool heuristic(DissectContext& ctx, Tvb tvb, int parent) override {
    if (ctx.pinfo.ip_proto != 17 || !looks_like_dns(tvb)) return false;
    one_message(ctx, tvb, parent);
    return true;
  }

 private:
  void start(DissectContext& ctx) {
    ctx.set_protocol_column("DNS");
    ctx.info().clear();
  }

  void one_message(DissectContext& ctx, Tvb tvb, int parent) {
    start(ctx);
    int top = ctx.add_protocol(F.proto, tvb, 0, tvb.len, parent, "dns");
    dissect_message(ctx, F, ctx.shard_state<MatchState>(this), conversation(ctx.pinfo), tvb, top);
  }

  // Messages that fit in the segment; a partial one is left to TCP's
  // reassembly when it offers it, else shown as far as it goes.
  uint32_t dissect_tcp(DissectContext& ctx, Tvb tvb, int parent) {
    if (tvb.len < 2) return 0;
    start(ctx);
    uint32_t off = 0;
    bool first = true;
    while (tvb.has(off, 2)) {
      uint32_t len = tvb.u16(off);
      Tvb msg = tvb.sub(off + 2, len);
      int top = ctx.add_protocol(F.proto, tvb, off, 2 + msg.len, parent, first ? "dns" : "");
      ctx.add_uint(F.length, tvb, off, 2, len, top);
      if (!first) ctx.info().append(" , ");
      dissect_message(ctx, F, ctx.shard_state<MatchState>(this), conversation(ctx.pinfo), msg, top);
      first = false;
      off += 2 + len;
      if (off > tvb.len) break;
    }
    return tvb.len;
  }

  Fields F{};
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<DnsDissector>(); }

}  // namespace
}  // namespace strato::dns

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "dns", "Domain Name System over UDP and TCP",
                         strato::dns::create)
