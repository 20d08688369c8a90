// HTTP/1.x over TCP: well-known ports plus a heuristic on any port. Messages
// whose headers or body span segments are reassembled and dissected in the
// frame that completes them, like tshark with http.desegment_* on.
#include <unordered_map>

#include "http_fields.h"
#include "http_message.h"
#include "strato/dissector.h"
#include "strato/format.h"

namespace strato::http {
namespace {

struct Stream {
  app::PduBuffer dir[2];
  Pairing pairing;
  bool is_http = false;  // a message was recognised: later segments are ours too
};

struct State : ShardState {
  std::unordered_map<uint64_t, Stream> streams;
};

const uint16_t kPorts[] = {80, 631, 1900, 2710, 2869, 3128, 3132, 3689, 5985, 8080, 8088, 11371};

class HttpDissector : public Dissector {
 public:
  const char* name() const override { return "http"; }
  void register_fields(FieldRegistry& reg) override { F.register_all(reg); }
  void register_handoffs(DissectorTables& t) override {
    for (uint16_t p : kPorts) t.add("tcp.port", p, this);
    t.add_heuristic("tcp", this);
  }
  std::unique_ptr<ShardState> new_shard_state() const override { return std::make_unique<State>(); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override { return run(ctx, tvb, parent, true); }

  bool heuristic(DissectContext& ctx, Tvb tvb, int parent) override { return run(ctx, tvb, parent, false) > 0; }

 private:
  bool head_pending(const Stream& s) const {
    return !s.pairing.list.empty() && s.pairing.list.back().head && s.pairing.list.back().res_frame == 0;
  }

  uint32_t run(DissectContext& ctx, Tvb tvb, int parent, bool by_port) {
    const TcpSegment* seg = tcp_segment(ctx.pinfo);
    if (!seg || tvb.len == 0) {
      if (!by_port) return 0;
      // Not over TCP (or no segment info): one self-contained message at most.
      Framing fr = frame_message(tvb.str(0, tvb.len), false);
      if (fr.status != Framing::Complete) return 0;
      Pairing scratch;
      ctx.info() = dissect_message(ctx, F, tvb.sub(0, fr.total_len), fr, scratch, parent);
      return tvb.len;
    }
    State& st = ctx.shard_state<State>(this);
    auto it = st.streams.find(seg->stream);
    if (it == st.streams.end()) {
      if (!by_port) {  // a heuristic only adopts a stream on a real first line
        FirstLine fl;
        if (parse_first_line(tvb.str(0, tvb.len), fl) == Plausible::No) return 0;
      }
      it = st.streams.emplace(seg->stream, Stream{}).first;
    }
    Stream& s = it->second;
    app::PduBuffer& buf = s.dir[seg->direction & 1];
    bool continued = buf.feed(*seg, tvb);
    if (!continued && !by_port && !s.is_http) {
      FirstLine fl;
      if (parse_first_line(tvb.str(0, tvb.len), fl) == Plausible::No) return 0;
    }
    // A segment continuing a PDU whose length is already known and still
    // short: TCP's own Info stays, as in tshark.
    if (continued && buf.need_known) {
      Framing fr = frame_message(buf.data, head_pending(s));
      if (fr.status == Framing::NeedMore) {
        mark_segment(ctx, tvb, false, "");
        return tvb.len;
      }
    }
    Tvb data = continued ? buf.view() : tvb;
    uint32_t off = 0;
    bool any = false;
    std::string info;
    while (off < data.len) {
      Tvb rest = data.sub(off);
      Framing fr = frame_message(rest.str(0, rest.len), head_pending(s));
      if (fr.status == Framing::NotHttp) {
        if (off == 0 && !s.is_http && !by_port) return 0;
        continuation(ctx, rest, parent, info);
        any = true;
        off = data.len;
        break;
      }
      if (fr.status == Framing::NeedMore) {
        FirstLine fl;
        parse_first_line(rest.str(0, rest.len), fl);
        std::string line_info;
        if (fl.len) {
          append_format_text(strip_line(rest.str(0, fl.len)), line_info);
          line_info += ' ';
        }
        if (!(continued && off == 0)) {
          std::string keep(reinterpret_cast<const char*>(rest.data), rest.len);
          buf.keep(*seg, reinterpret_cast<const uint8_t*>(keep.data()), rest.len);
        }
        buf.need_known = fr.headers_done;
        s.is_http = true;
        if (!any) mark_segment(ctx, tvb, true, line_info);
        else ctx.info() = info + app::kSegmentOfPdu;
        return tvb.len;
      }
      Tvb msg = rest.sub(0, fr.total_len);
      if (continued && off == 0) F.reasm.add(ctx, buf.segs, msg);
      std::string mi = dissect_message(ctx, F, msg, fr, s.pairing, parent);
      info = info.empty() ? mi : info + " , " + mi;  // pipelined messages in one segment
      s.is_http = true;
      any = true;
      off += fr.total_len ? fr.total_len : rest.len;
    }
    if (continued) buf.clear();
    ctx.info() = info;
    return tvb.len;
  }

  static std::string_view strip_line(std::string_view l) {
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.remove_suffix(1);
    return l;
  }

  // A segment that only feeds a reassembly: no HTTP layer, Info as tshark
  // shows it (HTTP's first line while the headers are incomplete).
  void mark_segment(DissectContext& ctx, Tvb tvb, bool http_info, const std::string& line_info) {
    if (http_info && !line_info.empty()) ctx.info() = line_info;
    ctx.info() += app::kSegmentOfPdu;
    ctx.add_bytes(F.reasm.segment_data, tvb, 0, tvb.len, -1);
  }

  void continuation(DissectContext& ctx, Tvb rest, int parent, std::string& info) {
    int top = ctx.add_protocol(F.proto, rest, 0, rest.len, parent, "http");
    ctx.set_protocol_column("HTTP");
    ctx.add_bytes(F.file_data, rest, 0, rest.len, top);
    info = info.empty() ? "Continuation" : info + " , Continuation";
  }

  Fields F{};
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<HttpDissector>(); }

}  // namespace
}  // namespace strato::http

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "http", "Hypertext Transfer Protocol (HTTP/1.x) over TCP",
                         strato::http::create)
