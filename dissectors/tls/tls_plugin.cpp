// TLS over TCP: port 443 and friends plus a heuristic recognising a
// ClientHello/ServerHello. Records spanning segments are reassembled and
// dissected in the frame that completes them.
#include <unordered_map>

#include "tls_handshake.h"

namespace strato::tls {
namespace {

struct Stream {
  app::PduBuffer dir[2];
  Session session;
};
struct State : ShardState {
  std::unordered_map<uint64_t, Stream> streams;
};

const uint16_t kPorts[] = {443,  465,  636,  802,  853,  993,  995,   1300,  2221,  2443,  3249,  3250,
                           3251, 3252, 3496, 5061, 5671, 5684, 5868, 8883, 11207, 19999, 27017, 324};

bool plausible_record(Tvb t, uint32_t off) {
  if (!t.has(off, 3)) return false;
  uint8_t type = t.u8(off);
  return type >= 20 && type <= 24 && t.u8(off + 1) == 3 && t.u8(off + 2) <= 4;
}

class TlsDissector : public Dissector {
 public:
  const char* name() const override { return "tls"; }
  void register_fields(FieldRegistry& reg) override { F.register_all(reg); }
  void register_handoffs(DissectorTables& t) override {
    for (uint16_t p : kPorts) t.add("tcp.port", p, this);
    t.add_heuristic("tcp", this);
  }
  std::unique_ptr<ShardState> new_shard_state() const override { return std::make_unique<State>(); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override { return run(ctx, tvb, parent, true); }
  bool heuristic(DissectContext& ctx, Tvb tvb, int parent) override { return run(ctx, tvb, parent, false) > 0; }

 private:
  uint32_t run(DissectContext& ctx, Tvb tvb, int parent, bool by_port) {
    const TcpSegment* seg = tcp_segment(ctx.pinfo);
    if (!seg || tvb.len == 0) return 0;
    State& st = ctx.shard_state<State>(this);
    auto it = st.streams.find(seg->stream);
    if (it == st.streams.end()) {
      // Adopt a stream only on a hello (heuristic) or any record (by port).
      if (!plausible_record(tvb, 0)) return 0;
      if (!by_port && !(tvb.u8(0) == 22 && tvb.has(5, 1) && (tvb.u8(5) == 1 || tvb.u8(5) == 2))) return 0;
      it = st.streams.emplace(seg->stream, Stream{}).first;
    }
    Stream& s = it->second;
    int dir = seg->direction & 1;
    app::PduBuffer& buf = s.dir[dir];
    bool continued = buf.feed(*seg, tvb);
    Tvb data = continued ? buf.view() : tvb;
    if (continued && data.has(0, 5) && 5u + data.u16(3) > data.len) {
      ctx.info() += app::kSegmentOfPdu;  // length known: TCP's Info stays
      ctx.add_bytes(F.reasm.segment_data, tvb, 0, tvb.len, -1);
      return tvb.len;
    }
    std::string info;
    int top = -1;
    uint32_t off = 0;
    while (off < data.len) {
      if (!data.has(off, 5) || 5u + data.u16(off + 3) > data.len - off) {
        if (!plausible_record(data, off) && data.has(off, 3)) {
          if (top < 0 && off == 0 && !continued) return 0;  // not TLS after all
          break;  // garbage after records: ignore like an unknown continuation
        }
        // Partial record: keep it for the next segments.
        std::string keep(reinterpret_cast<const char*>(data.data + off), data.len - off);
        if (!(continued && off == 0)) buf.keep(*seg, reinterpret_cast<const uint8_t*>(keep.data()), keep.size());
        if (top < 0) {
          ctx.info() += app::kSegmentOfPdu;
          ctx.add_bytes(F.reasm.segment_data, tvb, 0, tvb.len, -1);
          return tvb.len;
        }
        info += app::kSegmentOfPdu;
        off = data.len;
        continued = false;  // the buffer now holds only the new partial record
        break;
      }
      if (!plausible_record(data, off)) {
        if (top < 0 && off == 0 && !continued) return 0;
        break;
      }
      uint32_t rl = 5 + data.u16(off + 3);
      if (top < 0) {
        if (continued) F.reasm.add(ctx, buf.segs, data.sub(0, rl));
        top = ctx.add_protocol(F.proto, data, 0, data.len, parent, "tls");
      }
      dissect_record(ctx, F, data.sub(off, rl), s.session, dir, top, info);
      uint16_t v = s.session.version ? s.session.version : data.u16(off + 1);
      if (const char* c = version_column(v)) ctx.set_protocol_column(c);
      off += rl;
    }
    if (continued) buf.clear();
    ctx.info() = info;
    return tvb.len;
  }

  Fields F{};
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<TlsDissector>(); }

}  // namespace
}  // namespace strato::tls

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "tls", "Transport Layer Security records over TCP",
                         strato::tls::create)
