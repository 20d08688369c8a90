#pragma once
// Reassembly of application PDUs over TCP for the payload dissectors (HTTP,
// TLS, DNS over TCP): TCP hands each payload byte over once, in order (see
// tcp_info.h); a dissector that needs more bytes keeps the partial PDU here,
// per stream and direction, and dissects it when the segment completing it
// arrives, in that segment's frame, as tshark does.
// Header-only: shared by several plugins, not a plugin itself.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "strato/dissector.h"
#include "strato/tcp_info.h"

namespace strato::app {

struct PduBuffer {
  std::string data;                                   // bytes of the unfinished PDU
  std::vector<std::pair<uint64_t, uint32_t>> segs;    // (frame, bytes) that went into it
  uint32_t next_seq = 0;                              // tcp.seq expected next
  bool need_known = false;                            // the PDU's total length is known

  bool active() const { return !data.empty(); }
  void clear() {
    data.clear();
    segs.clear();
    need_known = false;
  }
  // Appends the segment when it continues the buffer; a gap (lost or
  // out-of-order data) abandons the partial PDU. Returns whether the
  // payload now sits at the end of `data`.
  bool feed(const TcpSegment& seg, Tvb payload) {
    if (active() && seg.seq != next_seq) clear();
    next_seq = seg.seq + payload.len;
    if (!active()) return false;
    data.append(reinterpret_cast<const char*>(payload.data), payload.len);
    segs.emplace_back(seg.frame, payload.len);
    return true;
  }
  // Starts a buffer with the tail of the current segment's data.
  void keep(const TcpSegment& seg, const uint8_t* p, uint32_t n) {
    data.assign(reinterpret_cast<const char*>(p), n);
    segs.assign(1, {seg.frame, n});
    next_seq = seg.seq + seg.payload_len;
  }
  Tvb view() const { return Tvb{reinterpret_cast<const uint8_t*>(data.data()), static_cast<uint32_t>(data.size()), Tvb::kDetached}; }
};

// tcp.* items tshark shows on the frame that completes a reassembled PDU.
struct ReassemblyFields {
  FieldId tcp = kNoField, segment_data = kNoField, segments = kNoField, segment = kNoField, segment_count = kNoField,
          reassembled_length = kNoField, reassembled_data = kNoField, pdu_size = kNoField;
  void register_all(FieldRegistry& r) {
    tcp = r.add_protocol("tcp", "Transmission Control Protocol");
    segment_data = r.add_field(tcp, "tcp.segment_data", "TCP segment data", FieldType::Bytes);
    segments = r.add_field(tcp, "tcp.segments", "Reassembled TCP Segments", FieldType::Label);
    segment = r.add_field(tcp, "tcp.segment", "TCP Segment", FieldType::FrameNum);
    segment_count = r.add_field(tcp, "tcp.segment.count", "Segment count", FieldType::UInt);
    reassembled_length = r.add_field(tcp, "tcp.reassembled.length", "Reassembled TCP length", FieldType::UInt);
    reassembled_data = r.add_field(tcp, "tcp.reassembled.data", "Reassembled TCP Data", FieldType::Bytes);
    pdu_size = r.add_field(tcp, "tcp.pdu.size", "PDU Size", FieldType::UInt);
  }
  // The TCP tree of the packet being dissected (tshark files tcp.segment_data
  // and tcp.pdu.size there), or -1 at the top level when there is none.
  int tcp_tree(DissectContext& ctx) const {
    auto& f = ctx.dissection().fields;
    for (size_t i = f.size(); i-- > 0;)
      if (f[i].id == tcp) return static_cast<int>(i);
    return -1;
  }
  // "[2 Reassembled TCP Segments (187 bytes): #87(48), #89(75)]", as a top-level item.
  void add(DissectContext& ctx, const std::vector<std::pair<uint64_t, uint32_t>>& segs, Tvb pdu) const {
    std::string label = "[" + std::to_string(segs.size()) + " Reassembled TCP Segments (" +
                        std::to_string(pdu.len) + " bytes): ";
    for (size_t i = 0; i < segs.size(); ++i) {
      if (i) label += ", ";
      label += "#" + std::to_string(segs[i].first) + "(" + std::to_string(segs[i].second) + ")";
    }
    label += "]";
    int top = ctx.add_label(segments, pdu, 0, pdu.len, label, -1);
    uint64_t at = 0;
    for (auto& s : segs) {
      int i = ctx.add_uint(segment, Tvb{}, 0, 0, s.first, top, FieldValue::Generated);
      if (ctx.want_labels() && i >= 0 && ctx.dissection().fields[i].id == segment)
        ctx.set_label(i, "Frame: " + std::to_string(s.first) + ", payload: " + std::to_string(at) + "-" +
                             std::to_string(at + s.second - 1) + " (" + std::to_string(s.second) +
                             (s.second == 1 ? " byte)" : " bytes)"));
      at += s.second;
    }
    ctx.add_uint(segment_count, Tvb{}, 0, 0, segs.size(), top, FieldValue::Generated);
    ctx.add_uint(reassembled_length, Tvb{}, 0, 0, pdu.len, top, FieldValue::Generated);
    ctx.add_bytes(reassembled_data, pdu, 0, pdu.len, top, FieldValue::Generated);
  }
};

inline constexpr const char* kSegmentOfPdu = " [TCP segment of a reassembled PDU]";

}  // namespace strato::app
