#include "dns_tcp.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "strato/tcp_info.h"

namespace strato::dns {
namespace {

using Segments = std::vector<std::pair<uint64_t, uint32_t>>;

// Length of the complete messages at the start of `data`.
uint32_t complete_prefix(Tvb data) {
  uint32_t o = 0;
  while (data.len - o >= 2) {
    uint32_t total = 2 + data.u16(o);
    if (total > data.len - o) break;
    o += total;
  }
  return o;
}

// Bytes a pending message needs in all (prefix included); 0 while the
// prefix itself is incomplete.
uint32_t needed(const std::string& pending) {
  if (pending.size() < 2) return 0;
  return 2 + (static_cast<uint8_t>(pending[0]) << 8 | static_cast<uint8_t>(pending[1]));
}

// The segments behind `bytes` after dropping its first `drop` bytes.
Segments drop_front(Segments segs, uint64_t drop) {
  size_t i = 0;
  while (i < segs.size() && drop >= segs[i].second) drop -= segs[i++].second;
  segs.erase(segs.begin(), segs.begin() + static_cast<long>(i));
  if (!segs.empty()) segs.front().second -= static_cast<uint32_t>(drop);
  return segs;
}

std::string count_text(uint32_t n) { return std::to_string(n) + (n == 1 ? " byte)" : " bytes)"); }

// One frame's view as tshark builds it: what TCP reassembly completes comes
// first; then Info is fenced (later messages append after it) and the
// protocol column is no longer writable.
class Frame {
 public:
  Frame(DissectContext& ctx, const Fields& F, DnsState& st, uint64_t conv, int parent, Flavor flavor)
      : ctx_(ctx), F_(F), st_(st), conv_(conv), parent_(parent), flavor_(flavor), tcp_info_(ctx.info()),
        tcp_tree_(F.reasm.tcp_tree(ctx)) {}

  void fence() {
    fence_ = ctx_.info().size();
    locked_ = true;
  }

  // A frame whose data only feeds a reassembly keeps TCP's column and Info.
  void segment_only() { ctx_.info() = tcp_info_ + app::kSegmentOfPdu; }

  void segment_data(Tvb tvb, uint32_t off, uint32_t len) {
    int i = ctx_.add_bytes(F_.reasm.segment_data, tvb, off, len, tcp_tree_);
    if (ctx_.want_labels() && i >= 0 && ctx_.dissection().fields[i].id == F_.reasm.segment_data)
      ctx_.set_label(i, "TCP segment data (" + count_text(len));
  }

  // tcp.pdu.size of each complete message in data[0, end).
  void pdu_sizes(Tvb data, uint32_t end) {
    for (uint32_t o = 0; o < end; o += 2 + data.u16(o)) {
      uint32_t n = 2 + data.u16(o);
      int i = ctx_.add_uint(F_.reasm.pdu_size, Tvb{}, 0, 0, n, tcp_tree_, FieldValue::Generated);
      if (ctx_.want_labels() && i >= 0 && ctx_.dissection().fields[i].id == F_.reasm.pdu_size)
        ctx_.set_label(i, "PDU Size: " + std::to_string(n));
    }
  }

  // The complete messages in data[0, end), as one call of tshark's
  // DNS-over-TCP dissector shows them.
  void messages(Tvb data, uint32_t end) {
    bool first = true;
    for (uint32_t o = 0; o < end;) {
      uint32_t len = data.u16(o);
      one(data, o, len, first);
      first = false;
      o += 2 + len;
    }
  }

 private:
  void one(Tvb data, uint32_t o, uint32_t len, bool first) {
    static const char* const kLayer[] = {"dns", "mdns", "llmnr"};
    static const char* const kColumn[] = {"DNS", "MDNS", "LLMNR"};
    const int k = static_cast<int>(flavor_);
    std::string& info = ctx_.info();
    info.resize(std::min(info.size(), fence_));  // each message rewrites Info after the fence
    if (!locked_) ctx_.set_protocol_column(kColumn[k]);
    if (len < 4) {
      // tshark gives up before the ID and flags: no tree, only the mark.
      if (first) ctx_.add_layer(kLayer[k]);
      if (ctx_.dissection().malformed)
        info.append("[Malformed Packet]");
      else
        ctx_.mark_malformed(kColumn[k], -1);
      return;
    }
    FieldId proto = flavor_ == Flavor::Mdns ? F_.mdns : flavor_ == Flavor::Llmnr ? F_.llmnr : F_.proto;
    int top = ctx_.add_protocol(proto, data, o, 2 + len, parent_, first ? kLayer[k] : "");
    ctx_.add_uint(F_.length, data, o, 2, len, top);
    dissect_message(ctx_, F_, st_, conv_, data.sub(o + 2, len), top, flavor_);
  }

  DissectContext& ctx_;
  const Fields& F_;
  DnsState& st_;
  uint64_t conv_;
  int parent_;
  Flavor flavor_;
  std::string tcp_info_;
  int tcp_tree_;
  size_t fence_ = 0;
  bool locked_ = false;
};

Tvb detached(const std::string& s) {
  return Tvb{reinterpret_cast<const uint8_t*>(s.data()), static_cast<uint32_t>(s.size()), Tvb::kDetached};
}

void keep_pending(TcpDirection& d, std::string bytes, Segments segs) {
  d.buf.data = std::move(bytes);
  d.buf.segs = std::move(segs);
  d.need = needed(d.buf.data);
}

// The segment continues a message whose length is known: returns the bytes
// of the segment that went into it.
uint32_t continue_known(Frame& fr, const Fields& F, DissectContext& ctx, TcpDirection& d, const TcpSegment& seg,
                        Tvb tvb) {
  uint32_t take = std::min<uint32_t>(tvb.len, d.need - static_cast<uint32_t>(d.buf.data.size()));
  d.buf.data.append(reinterpret_cast<const char*>(tvb.data), take);
  d.buf.segs.emplace_back(seg.frame, take);
  d.buf.next_seq += take;
  if (d.buf.data.size() < d.need) {
    fr.segment_data(tvb, 0, take);
    fr.segment_only();
    return take;
  }
  std::string bytes = std::move(d.buf.data);
  Segments segs = std::move(d.buf.segs);
  d.buf.clear();
  d.need = 0;
  Tvb pdu = detached(bytes);
  // PDU size, then this segment's part, as tshark orders the TCP tree.
  fr.pdu_sizes(pdu, pdu.len);
  fr.segment_data(tvb, 0, take);
  F.reasm.add(ctx, segs, pdu);
  fr.messages(pdu, pdu.len);
  return take;
}

// The pending bytes were too few to hold the length prefix: tshark then
// joins the whole next segment to them and dissects the joined bytes as one.
void continue_unknown(Frame& fr, const Fields& F, DissectContext& ctx, TcpDirection& d, const TcpSegment& seg,
                      Tvb tvb) {
  d.buf.data.append(reinterpret_cast<const char*>(tvb.data), tvb.len);
  d.buf.segs.emplace_back(seg.frame, tvb.len);
  d.buf.next_seq += tvb.len;
  std::string bytes = std::move(d.buf.data);
  Segments segs = std::move(d.buf.segs);
  d.buf.clear();
  Tvb all = detached(bytes);
  uint32_t end = complete_prefix(all);
  if (end == 0) {
    fr.segment_data(tvb, 0, tvb.len);
    fr.segment_only();
    keep_pending(d, std::move(bytes), std::move(segs));
    return;
  }
  fr.pdu_sizes(all, end);
  fr.segment_data(tvb, 0, tvb.len);
  F.reasm.add(ctx, segs, all);
  fr.messages(all, end);
  d.need = 0;
  if (end < all.len) keep_pending(d, bytes.substr(end), drop_front(std::move(segs), end));
}

}  // namespace

void dissect_tcp_payload(DissectContext& ctx, const Fields& F, DnsState& st, uint64_t conv, Tvb tvb, int parent,
                         Flavor flavor) {
  Frame fr(ctx, F, st, conv, parent, flavor);
  const TcpSegment* seg = tcp_segment(ctx.pinfo);
  if (!seg) {  // no stream to reassemble in: the complete messages only
    uint32_t end = complete_prefix(tvb);
    fr.pdu_sizes(tvb, end);
    fr.messages(tvb, end);
    if (end == 0) fr.segment_only();
    return;
  }
  TcpDirection& d = st.tcp[seg->stream].dir[seg->direction & 1];
  uint32_t off = 0;
  bool reassembly_part = false;
  if (d.buf.active()) {
    uint32_t start = d.buf.next_seq - static_cast<uint32_t>(d.buf.data.size());
    uint32_t into = seg->seq - start;  // where the segment starts inside the pending message
    if (seg->seq == d.buf.next_seq) {
      reassembly_part = true;
      if (d.need) {
        off = continue_known(fr, F, ctx, d, *seg, tvb);
      } else {
        continue_unknown(fr, F, ctx, d, *seg, tvb);
        off = tvb.len;
      }
    } else if (d.need && into > 0 && into < d.need) {
      // Bytes lost inside the pending message: tshark files the segment's
      // bytes up to the message's end under it, and it never completes.
      off = std::min(tvb.len, d.need - into);
      fr.segment_data(tvb, 0, off);
      fr.segment_only();
      reassembly_part = true;
      d.buf.clear();
      d.need = 0;
    } else {
      d.buf.clear();
      d.need = 0;
    }
  }
  if (off >= tvb.len) return;
  if (reassembly_part) fr.fence();
  Tvb rest = tvb.sub(off);
  uint32_t end = complete_prefix(rest);
  fr.pdu_sizes(rest, end);
  if (end < rest.len) fr.segment_data(rest, end, rest.len - end);
  fr.messages(rest, end);
  if (end < rest.len) {
    d.buf.keep(*seg, rest.data + end, rest.len - end);
    d.need = needed(d.buf.data);
  }
  if (end == 0 && !reassembly_part) fr.segment_only();
}

}  // namespace strato::dns
