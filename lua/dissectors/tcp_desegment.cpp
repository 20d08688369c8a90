// TCP desegmentation for Lua dissectors, as tshark 4.0 shows it: a
// dissector that sets pinfo.desegment_len (or uses dissect_tcp_pdus) keeps
// the bytes from desegment_offset on in a per-direction buffer; the segment
// that completes the PDU dissects it from a detached buffer, then the rest
// of that segment.
#include <algorithm>

#include "lua_host.h"
#include "strato/tcp_info.h"

namespace strato::luad {

namespace {

using Segs = std::vector<std::pair<uint64_t, uint32_t>>;

Tvb detached(const std::string& s) {
  return Tvb{reinterpret_cast<const uint8_t*>(s.data()), static_cast<uint32_t>(s.size()), Tvb::kDetached};
}

// Takes items [from, to) out of the dissection. Only for items nothing after
// them hangs under (the reassembly group: its children are inside it).
void erase_items(Dissection& d, size_t from, size_t to) {
  if (from >= to) return;
  auto k = static_cast<int32_t>(to - from);
  d.fields.erase(d.fields.begin() + static_cast<std::ptrdiff_t>(from), d.fields.begin() + static_cast<std::ptrdiff_t>(to));
  for (size_t i = from; i < d.fields.size(); ++i) {
    int32_t& p = d.fields[i].parent;
    if (p >= static_cast<int32_t>(to)) p -= k;
    else if (p >= static_cast<int32_t>(from)) p = -1;
  }
  auto& s = d.stream_items;
  s.erase(std::remove_if(s.begin(), s.end(), [&](uint32_t i) { return i >= from && i < to; }), s.end());
  for (uint32_t& i : s)
    if (i >= to) i -= static_cast<uint32_t>(k);
}

std::string bytes_text(uint32_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

// tshark lists only the part of the last segment the finished PDU used
// ("#208(4)" of a 7-byte segment) while length and data stay the whole
// buffer's: the group's labels are redone for that.
void relabel_segments(DissectContext& ctx, const app::ReassemblyFields& rf, size_t from, size_t to, const Segs& segs,
                      uint32_t pdu_len) {
  if (!ctx.want_labels()) return;
  std::string label = "[" + std::to_string(segs.size()) + " Reassembled TCP Segments (" + bytes_text(pdu_len) + "): ";
  for (size_t i = 0; i < segs.size(); ++i)
    label += (i ? ", #" : "#") + std::to_string(segs[i].first) + "(" + std::to_string(segs[i].second) + ")";
  label += "]";
  size_t nth = 0;
  uint64_t at = 0;
  for (size_t i = from; i < to; ++i) {
    FieldId id = ctx.dissection().fields[i].id;
    if (id == rf.segments) {
      ctx.set_label(static_cast<int>(i), label);
    } else if (id == rf.segment && nth < segs.size()) {
      const auto& s = segs[nth++];
      ctx.set_label(static_cast<int>(i), "Frame: " + std::to_string(s.first) + ", payload: " + std::to_string(at) +
                                             "-" + std::to_string(at + s.second - 1) + " (" + bytes_text(s.second) +
                                             ")");
      at += s.second;
    }
  }
}

}  // namespace

uint32_t ProtoDissector::dissect_tcp(Host& h, DissectContext& ctx, Tvb tvb, int parent) {
  const TcpSegment& seg = *tcp_segment(ctx.pinfo);
  Registry& reg = h.reg;
  Pending& p = h.pending[seg.stream << 1 | (seg.direction & 1)];
  const std::string tcp_info = ctx.info();
  bool dissected_any = false;  // a PDU of ours was shown in this frame
  int tcp_tree = reg.reasm.tcp_tree(ctx);
  auto segment_only = [&](Tvb t, uint32_t off, uint32_t len) {
    int i = ctx.add_bytes(reg.reasm.segment_data, t, off, len, tcp_tree);
    if (ctx.want_labels() && i >= 0 && ctx.dissection().fields[size_t(i)].id == reg.reasm.segment_data)
      ctx.set_label(i, "TCP segment data (" + bytes_text(len) + ")");
  };
  auto tcp_columns = [&] {
    ctx.set_protocol_column("TCP");
    ctx.info() = tcp_info + app::kSegmentOfPdu;
  };
  struct FenceReset {
    Host& h;
    ~FenceReset() {
      h.info_fence = 0;
      h.protocol_locked = false;
    }
  } fence_reset{h};
  uint32_t off = 0;
  if (p.buf.active() && seg.seq == p.buf.next_seq) {
    uint32_t take = p.need ? std::min<uint32_t>(tvb.len, p.need - static_cast<uint32_t>(p.buf.data.size())) : tvb.len;
    p.buf.data.append(reinterpret_cast<const char*>(tvb.data), take);
    p.buf.segs.emplace_back(seg.frame, take);
    p.buf.next_seq += take;
    if (p.need && p.buf.data.size() < p.need) {
      segment_only(tvb, 0, take);
      tcp_columns();
      return tvb.len;
    }
    std::string pdu = std::move(p.buf.data);
    Segs segs = std::move(p.buf.segs);
    p.buf.clear();
    p.need = 0;
    const auto old_len = static_cast<uint32_t>(pdu.size()) - take;
    Tvb all = detached(pdu);
    // The group goes before the dissector's items, as tshark prints it; it
    // comes out again if the dissector turns out to need still more.
    size_t group = ctx.dissection().fields.size();
    reg.reasm.add(ctx, segs, all);
    size_t group_end = ctx.dissection().fields.size();
    ctx.add_layer(def_.name);
    Host::Result r = h.call(def_, all, parent);
    dissected_any = true;
    uint32_t deseg_len = r.ok ? r.desegment_len : 0;
    if (deseg_len && r.desegment_offset == 0) {
      // Nothing used: the same reassembly goes on with the next segment.
      erase_items(ctx.dissection(), group, group_end);
      segment_only(tvb, 0, take);
      p.buf.data = std::move(pdu);
      p.buf.segs = std::move(segs);
      p.buf.next_seq = seg.seq + take;
      p.need = deseg_len == kDesegmentOneMore ? 0 : static_cast<uint32_t>(p.buf.data.size()) + deseg_len;
      if (take < tvb.len) {
        p.buf.data.append(reinterpret_cast<const char*>(tvb.data) + take, tvb.len - take);
        p.buf.segs.back().second += tvb.len - take;
        p.buf.next_seq += tvb.len - take;
      }
      tcp_columns();
      return tvb.len;
    }
    if (deseg_len && r.desegment_offset > old_len && r.desegment_offset - old_len < segs.back().second) {
      Segs shown = segs;
      shown.back().second = r.desegment_offset - old_len;
      relabel_segments(ctx, reg.reasm, group, group_end, shown, all.len);
    }
    // After the call: PDU Size items (dissect_tcp_pdus) come first in TCP's tree.
    segment_only(tvb, 0, take);
    if (deseg_len) {
      // The PDU is done; what the dissector did not use starts the next one.
      uint32_t from = std::min<uint32_t>(r.desegment_offset, all.len);
      p.buf.data = pdu.substr(from);
      p.buf.segs.assign(1, {seg.frame, static_cast<uint32_t>(p.buf.data.size())});
      p.buf.next_seq = seg.seq + take;
      p.need = deseg_len == kDesegmentOneMore ? 0 : static_cast<uint32_t>(p.buf.data.size()) + deseg_len;
      if (take < tvb.len) {
        p.buf.data.append(reinterpret_cast<const char*>(tvb.data) + take, tvb.len - take);
        p.buf.segs.back().second += tvb.len - take;
        p.buf.next_seq += tvb.len - take;
      }
      return tvb.len;
    }
    off = take;
    if (off < tvb.len) {
      h.info_fence = ctx.info().size();
      h.protocol_locked = true;
    }
  } else if (p.buf.active()) {
    p.buf.clear();  // a gap: the partial PDU never completes
    p.need = 0;
  }
  while (off < tvb.len) {
    Tvb rest = tvb.sub(off);
    ctx.add_layer(def_.name);
    Host::Result r = h.call(def_, rest, parent);
    if (!r.ok) return tvb.len;
    uint32_t deseg_len = r.desegment_len, deseg_off = r.desegment_offset;
    if (!deseg_len && r.has_number && r.number < 0) {
      deseg_len = static_cast<uint32_t>(-r.number);
      deseg_off = 0;
    }
    if (deseg_len) {
      uint32_t from = std::min(deseg_off, rest.len);
      p.buf.keep(seg, rest.data + from, rest.len - from);
      p.need = deseg_len == kDesegmentOneMore ? 0 : (rest.len - from) + deseg_len;
      if (from > 0 || dissected_any) segment_only(rest, from, rest.len - from);
      if (from == 0 && !dissected_any) {
        segment_only(rest, 0, rest.len);
        tcp_columns();
      }
      return tvb.len;
    }
    uint32_t used = r.has_number ? static_cast<uint32_t>(std::min<int64_t>(r.number, rest.len)) : rest.len;
    if (used == 0) return dissected_any ? tvb.len : 0;
    dissected_any = true;
    off += used;
  }
  return tvb.len;
}

}  // namespace strato::luad
