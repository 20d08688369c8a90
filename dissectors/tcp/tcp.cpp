// TCP: header fields, options, tshark's sequence analysis and stream
// numbering, then the payload through table "tcp.port" (low port first),
// the "tcp" heuristics, else data. Payload dissectors get a TcpSegment via
// pinfo.l4 (strato/tcp_info.h); retransmitted segments are not handed on.
#include <cstdio>

#include "netcommon.h"
#include "strato/tcp_info.h"
#include "tcp_analysis.h"
#include "tcp_options.h"

namespace strato {
namespace {

constexpr uint16_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10, kUrg = 0x20;

// Offset of the first well-formed option of `kind` (and of length `len`
// when given) in the options area, or -1.
int find_option(Tvb opt, uint8_t kind, uint8_t len = 0) {
  uint32_t off = 0;
  while (off < opt.len) {
    uint8_t k = opt.u8(off);
    if (k == 0) break;
    if (k == 1) {
      ++off;
      continue;
    }
    if (!opt.has(off, 2)) break;
    uint8_t l = opt.u8(off + 1);
    if (l < 2 || !opt.has(off, l)) break;
    if (k == kind && (len == 0 || l == len)) return int(off);
    off += l;
  }
  return -1;
}

// Bytes covered by the blocks of a well-formed SACK option.
uint32_t scan_sack(Tvb opt) {
  int off = find_option(opt, 5);
  if (off < 0) return 0;
  uint32_t o = uint32_t(off), l = opt.u8(o + 1), sum = 0;
  for (uint32_t b = o + 2; b + 8 <= o + l; b += 8) sum += opt.u32(b + 4) - opt.u32(b);
  return sum;
}

// Shift of a well-formed Window Scale option, or -1.
int scan_wscale(Tvb opt) {
  int off = find_option(opt, 3, 3);
  return off >= 0 ? opt.u8(uint32_t(off) + 2) : -1;
}

void flags_text(uint16_t f, std::string& out, bool ace = false) {
  static const char* names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"};
  bool any = false;
  for (int i = 0; i < (ace ? 6 : 9); ++i)
    if (f & (1 << i)) {
      if (any) out.append(", ");
      out.append(names[i]);
      any = true;
    }
  if (ace) {
    if (any) out.append(", ");
    out.append("ACE=" + std::to_string((f >> 6) & 7));
    any = true;
  }
  if (f & 0xe00) {
    if (any) out.append(", ");
    out.append("Reserved");
    any = true;
  }
  if (!any) out.append("<None>");
}

// tshark's names for the completeness bits (1 SYN, 2 SYN-ACK, 4 ACK,
// 8 data, 16 FIN, 32 RST).
std::string completeness_text(uint8_t v) {
  switch (v) {
    case 1: return "Incomplete, SYN_SENT";
    case 3: return "Incomplete, CLIENT_ESTABLISHED";
    case 7: return "Incomplete, ESTABLISHED";
    case 15: return "Incomplete, DATA";
    case 31:
    case 47:
    case 63: return "Complete, WITH_DATA";
    case 23:
    case 39:
    case 55: return "Complete, NO_DATA";
    default: return "Incomplete";
  }
}

class TcpDissector : public Dissector {
 public:
  const char* name() const override { return "tcp"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("tcp", "Transmission Control Protocol");
    srcport_ = reg.add_field(proto_, "tcp.srcport", "Source Port", FieldType::UInt, Base::Dec, 16);
    dstport_ = reg.add_field(proto_, "tcp.dstport", "Destination Port", FieldType::UInt, Base::Dec, 16);
    port_ = reg.add_field(proto_, "tcp.port", "Source or Destination Port", FieldType::UInt, Base::Dec, 16);
    stream_ = reg.add_field(proto_, "tcp.stream", "Stream index", FieldType::UInt);
    completeness_ = reg.add_field(proto_, "tcp.completeness", "Conversation completeness", FieldType::UInt, Base::Dec, 8);
    len_ = reg.add_field(proto_, "tcp.len", "TCP Segment Len", FieldType::UInt);
    seq_ = reg.add_field(proto_, "tcp.seq", "Sequence Number", FieldType::UInt);
    seq_raw_ = reg.add_field(proto_, "tcp.seq_raw", "Sequence Number (raw)", FieldType::UInt);
    nxtseq_ = reg.add_field(proto_, "tcp.nxtseq", "Next Sequence Number", FieldType::UInt);
    ack_ = reg.add_field(proto_, "tcp.ack", "Acknowledgment Number", FieldType::UInt);
    ack_raw_ = reg.add_field(proto_, "tcp.ack_raw", "Acknowledgment number (raw)", FieldType::UInt);
    hdr_len_ = reg.add_field(proto_, "tcp.hdr_len", "Header Length", FieldType::UInt, Base::Dec, 8);
    flags_ = reg.add_field(proto_, "tcp.flags", "Flags", FieldType::UInt, Base::Hex, 16, 0x0fff);
    f_res_ = reg.add_field(proto_, "tcp.flags.res", "Reserved", FieldType::Boolean, Base::Dec, 12, 0xe00);
    f_ae_ = reg.add_field(proto_, "tcp.flags.ae", "Accurate ECN", FieldType::Boolean, Base::Dec, 12, 0x100);
    f_cwr_ = reg.add_field(proto_, "tcp.flags.cwr", "Congestion Window Reduced", FieldType::Boolean, Base::Dec, 12, 0x80);
    f_ece_ = reg.add_field(proto_, "tcp.flags.ece", "ECN-Echo", FieldType::Boolean, Base::Dec, 12, 0x40);
    f_urg_ = reg.add_field(proto_, "tcp.flags.urg", "Urgent", FieldType::Boolean, Base::Dec, 12, 0x20);
    f_ack_ = reg.add_field(proto_, "tcp.flags.ack", "Acknowledgment", FieldType::Boolean, Base::Dec, 12, 0x10);
    f_push_ = reg.add_field(proto_, "tcp.flags.push", "Push", FieldType::Boolean, Base::Dec, 12, 0x08);
    f_reset_ = reg.add_field(proto_, "tcp.flags.reset", "Reset", FieldType::Boolean, Base::Dec, 12, 0x04);
    f_syn_ = reg.add_field(proto_, "tcp.flags.syn", "Syn", FieldType::Boolean, Base::Dec, 12, 0x02);
    f_fin_ = reg.add_field(proto_, "tcp.flags.fin", "Fin", FieldType::Boolean, Base::Dec, 12, 0x01);
    f_ace_ = reg.add_field(proto_, "tcp.flags.ace", "ACE", FieldType::UInt, Base::Dec, 8);
    f_str_ = reg.add_field(proto_, "tcp.flags.str", "TCP Flags", FieldType::String);
    win_value_ = reg.add_field(proto_, "tcp.window_size_value", "Window", FieldType::UInt, Base::Dec, 16);
    win_ = reg.add_field(proto_, "tcp.window_size", "Calculated window size", FieldType::UInt);
    win_scale_ = reg.add_field(proto_, "tcp.window_size_scalefactor", "Window size scaling factor", FieldType::Int);
    checksum_ = reg.add_field(proto_, "tcp.checksum", "Checksum", FieldType::UInt, Base::Hex, 16);
    checksum_status_ = reg.add_field(proto_, "tcp.checksum.status", "Checksum Status", FieldType::UInt, Base::Dec, 8);
    urgent_ = reg.add_field(proto_, "tcp.urgent_pointer", "Urgent Pointer", FieldType::UInt, Base::Dec, 16);
    opt_.register_fields(reg, proto_);
    ts_ = reg.add_field(kNoField, "text", "Text item", FieldType::Label);  // tshark's "Timestamps" text item
    time_rel_ = reg.add_field(proto_, "tcp.time_relative", "Time since first frame in this TCP stream", FieldType::RelTime);
    time_delta_ = reg.add_field(proto_, "tcp.time_delta", "Time since previous frame in this TCP stream", FieldType::RelTime);
    analysis_ = reg.add_field(proto_, "tcp.analysis", "SEQ/ACK analysis", FieldType::Label);
    a_flags_ = reg.add_field(proto_, "tcp.analysis.flags", "TCP Analysis Flags", FieldType::Boolean);
    struct {
      uint32_t bit;
      const char* abbrev;
      const char* name;
    } const kA[] = {
        {tcp::kRetransmission, "tcp.analysis.retransmission", "This frame is a (suspected) retransmission"},
        {tcp::kFastRetransmission, "tcp.analysis.fast_retransmission", "This frame is a (suspected) fast retransmission"},
        {tcp::kSpuriousRetransmission, "tcp.analysis.spurious_retransmission", "This frame is a (suspected) spurious retransmission"},
        {tcp::kOutOfOrder, "tcp.analysis.out_of_order", "This frame is a (suspected) out-of-order segment"},
        {tcp::kReusedPorts, "tcp.analysis.reused_ports", "A new tcp session is started with the same ports as an earlier session in this trace"},
        {tcp::kLostPacket, "tcp.analysis.lost_segment", "Previous segment(s) not captured (common at capture start)"},
        {tcp::kAckLostPacket, "tcp.analysis.ack_lost_segment", "ACKed segment that wasn't captured (common at capture start)"},
        {tcp::kWindowUpdate, "tcp.analysis.window_update", "TCP window update"},
        {tcp::kWindowFull, "tcp.analysis.window_full", "TCP window specified by the receiver is now completely full"},
        {tcp::kKeepAlive, "tcp.analysis.keep_alive", "TCP keep-alive segment"},
        {tcp::kKeepAliveAck, "tcp.analysis.keep_alive_ack", "ACK to a TCP keep-alive segment"},
        {tcp::kZeroWindowProbe, "tcp.analysis.zero_window_probe", "TCP Zero Window Probe"},
        {tcp::kZeroWindow, "tcp.analysis.zero_window", "TCP Zero Window segment"},
        {tcp::kZeroWindowProbeAck, "tcp.analysis.zero_window_probe_ack", "ACK to a TCP Zero Window Probe"},
        {tcp::kDuplicateAck, "tcp.analysis.duplicate_ack", "Duplicate ACK"},
    };
    for (const auto& a : kA) a_fields_[__builtin_ctz(a.bit)] = reg.add_field(proto_, a.abbrev, a.name, FieldType::Boolean);
    acks_frame_ = reg.add_field(proto_, "tcp.analysis.acks_frame", "This is an ACK to the segment in frame", FieldType::FrameNum);
    ack_rtt_ = reg.add_field(proto_, "tcp.analysis.ack_rtt", "The RTT to ACK the segment was", FieldType::RelTime);
    irtt_ = reg.add_field(proto_, "tcp.analysis.initial_rtt", "iRTT", FieldType::RelTime);
    in_flight_ = reg.add_field(proto_, "tcp.analysis.bytes_in_flight", "Bytes in flight", FieldType::UInt);
    push_bytes_ = reg.add_field(proto_, "tcp.analysis.push_bytes_sent", "Bytes sent since last PSH flag", FieldType::UInt);
    rto_ = reg.add_field(proto_, "tcp.analysis.rto", "The RTO for this segment was", FieldType::RelTime);
    rto_frame_ = reg.add_field(proto_, "tcp.analysis.rto_frame", "RTO based on delta from frame", FieldType::FrameNum);
    c_syn_ = reg.add_field(proto_, "tcp.connection.syn", "Connection establish request (SYN)", FieldType::Label);
    c_synack_ = reg.add_field(proto_, "tcp.connection.synack", "Connection establish acknowledge (SYN+ACK)", FieldType::Label);
    c_fin_ = reg.add_field(proto_, "tcp.connection.fin", "Connection finish (FIN)", FieldType::Label);
    c_rst_ = reg.add_field(proto_, "tcp.connection.rst", "Connection reset (RST)", FieldType::Label);
    c_fin_active_ = reg.add_field(proto_, "tcp.connection.fin_active", "This frame initiates the connection closing", FieldType::Label);
    c_fin_passive_ = reg.add_field(proto_, "tcp.connection.fin_passive", "This frame undergoes the connection closing", FieldType::Label);
    mss_absent_ = reg.add_field(proto_, "tcp.options.mss.absent", "The SYN packet does not contain a MSS option", FieldType::Label);
    dupack_num_ = reg.add_field(proto_, "tcp.analysis.duplicate_ack_num", "Duplicate ACK #", FieldType::UInt);
    dupack_frame_ = reg.add_field(proto_, "tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in frame", FieldType::FrameNum);
    payload_ = reg.add_field(proto_, "tcp.payload", "TCP payload", FieldType::Bytes);
    segment_data_ = reg.add_field(proto_, "tcp.segment_data", "TCP segment data", FieldType::Bytes);
    reset_cause_ = reg.add_field(proto_, "tcp.reset_cause", "Reset cause", FieldType::String);
    short_ = net::short_field(reg);
  }

  void register_handoffs(DissectorTables& t) override { t.add("ip.proto", 6, this); }
  void resolve(DissectorTables& t) override {
    mf_ = FieldRegistry::instance().find("ip.flags.mf");
    ports_ = t.table("tcp.port");
    heur_ = t.heuristics("tcp");
    auto& fr = FieldRegistry::instance();
    for (const char* n : {"_ws.expert", "_ws.expert.message", "_ws.expert.severity", "_ws.expert.group"}) expert_ids_.push_back(fr.find(n));
  }
  std::unique_ptr<ShardState> new_shard_state() const override { return std::make_unique<tcp::State>(); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override;

 private:
  void add_analysis(DissectContext& ctx, Tvb tvb, const tcp::SegmentResult& r, int top, std::string& prefix);
  // Expert info is built only when printed or asked for: its message text
  // costs more than the rest of a -T fields run needs.
  bool want_expert(DissectContext& ctx, FieldId specific) const {
    if (ctx.want_labels() || !ctx.skipped(specific)) return true;
    for (FieldId f : expert_ids_)
      if (f != kNoField && !ctx.skipped(f)) return true;
    return false;
  }
  // add_expert with tshark's Sequence group; the specific item of an
  // analysis flag reads 1 in -T fields, as tshark prints it.
  int expert(DissectContext& ctx, FieldId specific, Tvb tvb, int parent, ExpertSeverity sev, std::string_view msg,
             ExpertGroup group = ExpertGroup::Sequence) const {
    size_t from = ctx.dissection().fields.size();
    int e = ctx.add_expert(specific, tvb, 0, 0, parent, sev, group, msg);
    auto& fs = ctx.dissection().fields;
    for (size_t i = from; i < fs.size(); ++i)
      if (fs[i].id == specific) fs[i].v.u = 1;
    return e;
  }

  FieldId proto_, srcport_, dstport_, port_, stream_, completeness_, len_, seq_, seq_raw_, nxtseq_, ack_, ack_raw_,
      hdr_len_, flags_, f_res_, f_ae_, f_cwr_, f_ece_, f_urg_, f_ack_, f_push_, f_reset_, f_syn_, f_fin_, f_ace_, f_str_,
      win_value_, win_, win_scale_, checksum_, checksum_status_, urgent_, ts_, time_rel_, time_delta_, analysis_,
      a_flags_, acks_frame_, ack_rtt_, irtt_, in_flight_, push_bytes_, rto_, rto_frame_, c_syn_, c_synack_, c_fin_,
      c_rst_, c_fin_active_, c_fin_passive_, mss_absent_, dupack_num_, dupack_frame_, payload_, segment_data_, reset_cause_, short_;
  FieldId a_fields_[16];
  FieldId mf_ = kNoField;
  std::vector<FieldId> expert_ids_;
  tcp::OptionFields opt_;
  const DissectorTables::Table* ports_ = nullptr;
  const std::vector<Dissector*>* heur_ = nullptr;
};

std::string u(uint64_t v) { return std::to_string(v); }

uint32_t TcpDissector::dissect(DissectContext& ctx, Tvb tvb, int parent) {
  PacketInfo& pi = ctx.pinfo;
  const bool err = pi.in_error_packet;
  int top = ctx.add_protocol(proto_, tvb, 0, tvb.len < 20 ? tvb.len : 20, parent, "tcp");
  net::label(ctx, top, [&] { return "Transmission Control Protocol"; });
  if (!err) ctx.set_protocol_column("TCP");
  if (!tvb.has(0, 4)) {
    net::out_of_bytes(ctx, short_, "TCP", top, tvb);
    return tvb.len ? tvb.len : 1;
  }
  uint16_t sp = tvb.u16(0), dp = tvb.u16(2);
  net::label(ctx, ctx.add_uint(srcport_, tvb, 0, 2, sp, top), [&] { return "Source Port: " + u(sp); });
  net::label(ctx, ctx.add_uint(dstport_, tvb, 2, 2, dp, top), [&] { return "Destination Port: " + u(dp); });
  ctx.add_uint(port_, tvb, 0, 2, sp, top, FieldValue::Hidden);
  ctx.add_uint(port_, tvb, 2, 2, dp, top, FieldValue::Hidden);
  // "57704 → 32956": the start of Info, for summary lines only.
  auto append_ports = [&](std::string& out) {
    append_uint(sp, out);
    out += " \xe2\x86\x92 ";
    append_uint(dp, out);
  };
  auto label = [&] { return "Transmission Control Protocol, Src Port: " + u(sp) + ", Dst Port: " + u(dp); };
  pi.srcport = sp;
  pi.dstport = dp;
  pi.ip_proto = 6;
  if (!err && ctx.want_columns()) {
    ctx.info().clear();
    append_ports(ctx.info());
  }
  if (err && !tvb.has(0, 20)) {
    // An ICMP error usually quotes only 8 bytes of the header: tshark shows
    // the raw sequence number and stops without calling it malformed.
    if (tvb.has(4, 4)) ctx.add_uint(seq_, tvb, 4, 4, tvb.u32(4), top);
    net::label(ctx, top, label);
    return tvb.len;
  }
  if (!tvb.has(0, 13)) {
    net::label(ctx, top, label);
    net::out_of_bytes(ctx, short_, "TCP", top, tvb);
    return tvb.len;
  }
  uint32_t seq_raw = tvb.u32(4), ack_raw = tvb.u32(8);
  uint8_t off_byte = tvb.u8(12);
  uint32_t hlen = (off_byte >> 4) * 4u;
  if (hlen < 20) {
    net::label(ctx, top, label);
    net::label(ctx, ctx.add_uint(hdr_len_, tvb, 12, 1, hlen, top), [&] { return net::bits_label(off_byte, 8, 0xf0,
                                  "Header Length: " + u(hlen) + " bytes (" + u(off_byte >> 4) +
                                      ") (bogus, must be at least 20)"); });
    if (!err) ctx.info() += ", bogus TCP header length (" + u(hlen) + ", must be at least 20)";
    return tvb.len;
  }
  if (!tvb.has(0, 20)) {
    net::label(ctx, top, label);
    net::out_of_bytes(ctx, short_, "TCP", top, tvb);
    return tvb.len;
  }
  uint16_t flags = tvb.u16(12) & 0x0fff;
  uint16_t win_raw = tvb.u16(14), ck = tvb.u16(16), urp = tvb.u16(18);

  // Payload length comes from the reported length: a snap length may have
  // cut the captured bytes short.
  uint32_t reported = net::reported_len(ctx, tvb);
  const Event& ev = ctx.event();
  uint32_t seglen = reported > hlen ? reported - hlen : 0;
  // Inside an IP fragment (a first fragment dissected because it was not
  // captured whole) the segment length is unknown: tshark then shows no
  // tcp.len and does no sequence analysis.
  const net::IpLayerInfo* ipl = net::ip_layer(pi);
  const bool fragmented = ipl && ipl->fragmented;
  bool hdr_complete = tvb.has(0, hlen);

  tcp::SegmentResult r;
  bool have_state = false;
  bool ace = false;
  if (!err && pi.net_src.family != Address::None) {
    auto& st = ctx.shard_state<tcp::State>(this);
    bool fwd;
    net::FlowKey key = net::make_flow_key(pi, sp, dp, fwd);
    int ws = hdr_complete ? scan_wscale(tvb.sub(20, hlen - 20)) : -1;
    uint32_t sack = hdr_complete && hlen > 20 ? scan_sack(tvb.sub(20, hlen - 20)) : 0;
    tcp::SegmentInput in{seq_raw, ack_raw, flags, win_raw, seglen, ws, ev.ts_ns, ev.number, sack, fragmented};
    in.track = ctx.want_labels();
    for (FieldId f : {analysis_, acks_frame_, ack_rtt_, in_flight_, push_bytes_, rto_, rto_frame_})
      if (!in.track && !ctx.skipped(f)) in.track = true;
    r = st.analyze(ctx, key, fwd, in);
    have_state = true;
    tcp::Connection& c = *r.conn;
    constexpr uint16_t kEcnBits = 0x1c0;
    if ((flags & (kSyn | kAck)) == kSyn) {
      c.acc_ecn_syn = (flags & kEcnBits) == kEcnBits;
    } else if ((flags & (kSyn | kAck)) == (kSyn | kAck)) {
      // Any SYN-ACK ECN pattern but the classic-ECN (ECE only) or none one.
      uint16_t e = flags & kEcnBits;
      c.acc_ecn_synack = c.acc_ecn_syn && e != 0 && e != 0x40;
    } else {
      ace = c.acc_ecn_syn && c.acc_ecn_synack;
    }
  } else {
    if (err && pi.net_src.family != Address::None) {
      // A header quoted in an ICMP error finds (or starts) its connection's
      // stream, as tshark does, without sequence analysis; the engine
      // dissects such errors on the quoted flow's shard.
      bool fwd;
      net::FlowKey key = net::make_flow_key(pi, sp, dp, fwd);
      ctx.add_stream(stream_, tvb, ctx.shard_state<tcp::State>(this).stream_of(ctx, key, fwd), top);
    }
    r.seq = seq_raw;
    r.ack = ack_raw;
    r.nxtseq = seq_raw + seglen + ((flags & (kSyn | kFin)) ? 1 : 0);
    r.window = win_raw;
    r.scale_shown = (flags & kSyn) ? 0 : -1;
  }

  net::label(ctx, top, [&] {
    std::string t = label() + ", Seq: " + u(r.seq);
    if (flags & kAck) t += ", Ack: " + u(r.ack);
    if (!fragmented) t += ", Len: " + u(seglen);
    return t;
  });
  ctx.set_length(top, hdr_complete ? hlen : tvb.len);

  if (have_state) {
    ctx.add_stream(stream_, tvb, r.conn->stream, top);
    net::label(ctx, ctx.add_uint(completeness_, tvb, 0, 0, r.completeness_before, top, FieldValue::Generated),
               [&] { return "Conversation completeness: " + completeness_text(r.completeness_before) + " (" + u(r.completeness_before) + ")"; });
  }
  // Inside an ICMP error tshark shows the raw sequence number alone.
  if (!fragmented && !err)
    net::label(ctx, ctx.add_uint(len_, tvb, 0, 0, seglen, top, FieldValue::Generated), [&] { return "TCP Segment Len: " + u(seglen); });
  net::label(ctx, ctx.add_uint(seq_, tvb, 4, 4, r.seq, top), [&] { return "Sequence Number: " + u(r.seq) + (have_state ? "    (relative sequence number)" : ""); });
  if (!err) net::label(ctx, ctx.add_uint(seq_raw_, tvb, 4, 4, seq_raw, top), [&] { return "Sequence Number (raw): " + u(seq_raw); });
  if (!fragmented && !err)
    net::label(ctx, ctx.add_uint(nxtseq_, tvb, 0, 0, r.nxtseq, top, FieldValue::Generated), [&] { return "Next Sequence Number: " + u(r.nxtseq) + (have_state ? "    (relative sequence number)" : ""); });
  if (flags & kAck)
    net::label(ctx, ctx.add_uint(ack_, tvb, 8, 4, r.ack, top), [&] { return "Acknowledgment Number: " + u(r.ack) + (have_state ? "    (relative ack number)" : ""); });
  else
    net::label(ctx, ctx.add_uint(ack_, tvb, 8, 4, ack_raw, top), [&] { return "Acknowledgment Number: " + u(ack_raw); });
  net::label(ctx, ctx.add_uint(ack_raw_, tvb, 8, 4, ack_raw, top), [&] { return "Acknowledgment number (raw): " + u(ack_raw); });
  net::label(ctx, ctx.add_uint(hdr_len_, tvb, 12, 1, hlen, top), [&] { return net::bits_label(off_byte, 8, 0xf0, "Header Length: " + u(hlen) + " bytes (" + u(off_byte >> 4) + ")"); });
  {
    int fi = ctx.add_uint(flags_, tvb, 12, 2, flags, top);
    net::label(ctx, fi, [&] {
      std::string ft = "Flags: ";
      char hx[8];
      std::snprintf(hx, sizeof hx, "0x%03x", flags);
      ft += hx;
      ft += " (";
      flags_text(flags, ft, ace);
      ft += ")";
      return ft;
    });
    struct {
      FieldId f;
      uint16_t mask;
      const char* name;
    } const bits[] = {{f_res_, 0xe00, "Reserved"},      {f_ae_, 0x100, "Accurate ECN"},
                      {f_cwr_, 0x80, "Congestion Window Reduced"}, {f_ece_, 0x40, "ECN-Echo"},
                      {f_urg_, 0x20, "Urgent"},         {f_ack_, 0x10, "Acknowledgment"},
                      {f_push_, 0x08, "Push"},          {f_reset_, 0x04, "Reset"},
                      {f_syn_, 0x02, "Syn"},            {f_fin_, 0x01, "Fin"}};
    for (const auto& b : bits) {
      if (ace && (b.mask & 0x1c0)) {
        if (b.mask == 0x100) {
          unsigned v = (flags >> 6) & 7;
          int ai = ctx.add_uint(f_ace_, tvb, 12, 2, v, fi);
          net::label(ctx, ai, [&] { return net::bits_label(flags, 12, 0x1c0, "ACE: " + u(v)); });
        }
        continue;
      }
      int bi = ctx.add_bool(b.f, tvb, 12, 2, flags & b.mask, fi);
      net::label(ctx, bi, [&] { return net::flag_label(flags, 12, b.mask, b.name); });
      if (!(flags & b.mask) || !(b.mask & (kSyn | kFin | kRst))) continue;
      // tshark's connection experts hang under the flag bit itself.
      if (b.mask == kSyn) {
        FieldId e = (flags & kAck) ? c_synack_ : c_syn_;
        if (want_expert(ctx, e))
          expert(ctx, e, tvb.sub(12, 2), bi, ExpertSeverity::Chat,
                 (flags & kAck) ? "Connection establish acknowledge (SYN+ACK): server port " + u(sp)
                                : "Connection establish request (SYN): server port " + u(dp));
      } else if (b.mask == kFin) {
        if (want_expert(ctx, c_fin_)) expert(ctx, c_fin_, tvb.sub(12, 2), bi, ExpertSeverity::Chat, "Connection finish (FIN)");
      } else if (want_expert(ctx, c_rst_)) {
        expert(ctx, c_rst_, tvb.sub(12, 2), bi, ExpertSeverity::Warn, "Connection reset (RST)");
      }
    }
    // "··········S·": one character per bit, high bit first.
    static const char letters[] = "RRRACEUAPRSF";
    std::string s;
    if (ctx.want_labels() || !ctx.skipped(f_str_)) for (int i = 0; i < 12; ++i) {
      if (ace && i >= 3 && i <= 5) {
        s.push_back(i == 4 ? char('0' + ((flags >> 6) & 7)) : '-');
      } else if (flags & (0x800 >> i))
        s.push_back(letters[i]);
      else
        s.append("\xc2\xb7");
    }
    int si = ctx.skipped(f_str_) ? fi : ctx.add_string(f_str_, tvb, 12, 2, s, fi, FieldValue::Generated);
    net::label(ctx, si, [&] { return "TCP Flags: " + s; });
    if (r.fin == 1 && want_expert(ctx, c_fin_active_))
      expert(ctx, c_fin_active_, tvb.sub(12, 2), si, ExpertSeverity::Note, "This frame initiates the connection closing");
    else if (r.fin == 2 && want_expert(ctx, c_fin_passive_))
      expert(ctx, c_fin_passive_, tvb.sub(12, 2), si, ExpertSeverity::Note, "This frame undergoes the connection closing");
  }
  net::label(ctx, ctx.add_uint(win_value_, tvb, 14, 2, win_raw, top), [&] { return "Window: " + u(win_raw); });
  net::label(ctx, ctx.add_uint(win_, tvb, 14, 2, r.window, top, FieldValue::Generated), [&] { return "Calculated window size: " + u(r.window); });
  if (r.scale_shown != 0) {
    net::label(ctx, ctx.add_int(win_scale_, tvb, 14, 2, r.scale_shown, top, FieldValue::Generated), [&] {
      std::string t = "Window size scaling factor: " + std::to_string(r.scale_shown);
      if (r.scale_shown == -1) t += " (unknown)";
      if (r.scale_shown == -2) t += " (no window scaling used)";
      return t;
    });
  }
  {
    net::label(ctx, ctx.add_uint(checksum_, tvb, 16, 2, ck, top), [&] {
      char buf[48];
      std::snprintf(buf, sizeof buf, "Checksum: 0x%04x [unverified]", ck);
      return std::string(buf);
    });
    net::label(ctx, ctx.add_uint(checksum_status_, tvb, 16, 0, 2, top, FieldValue::Generated), [&] { return "Checksum Status: Unverified"; });
  }
  net::label(ctx, ctx.add_uint(urgent_, tvb, 18, 2, urp, top), [&] { return "Urgent Pointer: " + u(urp); });

  // Info: "[analysis] 57704 → 32956 [SYN] Seq=0 Win=65495 Len=0 MSS=...".
  const bool cols = !err && ctx.want_columns();
  // Built in place in the recycled Info buffer; analysis notes go in front.
  std::string& info = ctx.info();
  if (cols) {
    info.clear();
    append_ports(info);
    info += " [";
    flags_text(flags, info, ace);
    info += "] Seq=";
    append_uint(r.seq, info);
    if (flags & kAck) {
      info += " Ack=";
      append_uint(r.ack, info);
    }
    info += " Win=";
    append_uint(r.window, info);
    if (flags & kUrg) {
      info += " Urg=";
      append_uint(urp, info);
    }
    if (!fragmented) {
      info += " Len=";
      append_uint(seglen, info);
    }
  }

  bool truncated = false;
  if (hlen > 20) {
    Tvb opts = tvb.sub(20, hlen - 20);
    uint32_t base = 0;
    bool rel = false;
    if (have_state) {
      const tcp::Direction& rev = r.conn->dir[r.dir ^ 1];
      base = rev.base_seq;
      rel = rev.base_set;
    }
    tcp::OptionResult o = tcp::dissect_options(ctx, opt_, opts, top, base, rel, (flags & (kSyn | kAck)) == kSyn);
    if (cols) info += o.info;
    truncated = !hdr_complete || o.truncated;
    if ((flags & kSyn) && !truncated && !o.mss && want_expert(ctx, mss_absent_))
      expert(ctx, mss_absent_, opts, o.item, ExpertSeverity::Note, "The SYN packet does not contain a MSS option",
             ExpertGroup::Protocol);
  }

  std::string prefix;
  if (have_state) {
    int t = ctx.add_label(ts_, tvb, 0, 0, "Timestamps", top);
    if (t >= 0) ctx.dissection().fields[t].flags |= FieldValue::Generated;
    net::label(ctx, ctx.add_rel_time(time_rel_, r.rel_ns, t), [&] {
      std::string a;
      append_seconds(r.rel_ns, a);
      return "Time since first frame in this TCP stream: " + a + " seconds";
    });
    net::label(ctx, ctx.add_rel_time(time_delta_, r.delta_ns, t), [&] {
      std::string b;
      append_seconds(r.delta_ns, b);
      return "Time since previous frame in this TCP stream: " + b + " seconds";
    });
    // Options cut short end tshark's TCP tree before the analysis items.
    if (!truncated) add_analysis(ctx, tvb, r, top, prefix);
  }
  if (cols && !prefix.empty()) info.insert(0, prefix);
  if (truncated) {
    net::out_of_bytes(ctx, short_, "TCP", top, tvb);
    return tvb.len;
  }

  Tvb payload = tvb.sub(hlen);
  if (payload.len == 0) return tvb.len;
  if (err) {
    ctx.call_data(payload, -1);  // quoted payload: tshark shows it as data
    return tvb.len;
  }
  if (flags & kRst) {
    // tshark reads data on a RST as a text reason, not as payload.
    int rc = ctx.add_bytes(reset_cause_, payload, 0, payload.len, top);
    net::label(ctx, rc, [&] { return "Reset cause: " + std::string(payload.str(0, payload.len)); });
    return tvb.len;
  }
  int pl = ctx.add_bytes(payload_, payload, 0, payload.len, top);
  net::label(ctx, pl, [&] { return "TCP payload (" + u(payload.len) + (payload.len == 1 ? " byte)" : " bytes)"); });
  if (r.analysis &
      (tcp::kRetransmission | tcp::kFastRetransmission | tcp::kSpuriousRetransmission | tcp::kOutOfOrder)) {
    return tvb.len;  // tshark does not hand retransmitted or out-of-order data to the protocols above
  }
  TcpSegment seg;
  if (have_state) {
    seg.stream = r.conn->stream;
    seg.direction = (r.dir == 0) == r.conn->first_forward ? 0 : 1;
    pi.stream = seg.stream;
    pi.to_server = seg.direction == 0;
  }
  seg.seq = r.seq;
  seg.nxtseq = r.nxtseq;
  seg.ack = (flags & kAck) ? r.ack : 0;
  seg.seq_raw = seq_raw;
  seg.ack_raw = ack_raw;
  seg.payload_len = seglen;
  seg.flags = flags;
  seg.srcport = sp;
  seg.dstport = dp;
  seg.frame = ev.number;
  pi.l4 = &seg;
  bool taken = net::dispatch_ports(ctx, ports_, heur_, sp, dp, payload, -1);
  pi.l4 = nullptr;
  if (!taken && (flags & kSyn)) {
    // Data on a SYN that no protocol claims: tshark 4.0 counts the SYN in
    // the segment's sequence space, expects one more byte and keeps the data
    // as a pending reassembly instead of showing it as data.
    int sd = ctx.add_bytes(segment_data_, payload, 0, payload.len, top);
    net::label(ctx, sd, [&] { return "TCP segment data (" + u(payload.len) + (payload.len == 1 ? " byte)" : " bytes)"); });
    if (ctx.want_columns()) ctx.info() += " [TCP segment of a reassembled PDU]";
  } else if (!taken) {
    ctx.call_data(payload, -1);
  } else if (!prefix.empty()) {
    // The protocol above rewrote Info; tshark keeps TCP's analysis notes in front.
    std::string& inf = ctx.info();
    if (inf.compare(0, prefix.size(), prefix) != 0) inf.insert(0, prefix);
  }
  return tvb.len;
}

void TcpDissector::add_analysis(DissectContext& ctx, Tvb tvb, const tcp::SegmentResult& r, int top,
                                std::string& prefix) {
  if (!r.has_analysis) return;
  int an = ctx.add_label(analysis_, tvb, 0, 0, "SEQ/ACK analysis", top);
  if (an >= 0) ctx.dissection().fields[an].flags |= FieldValue::Generated;
  auto seconds = [](const char* text, int64_t ns) {
    std::string t = text;
    append_seconds(ns, t);
    return t + " seconds";
  };
  if (r.acks_frame) {
    net::label(ctx, ctx.add_uint(acks_frame_, tvb, 0, 0, r.acks_frame, an, FieldValue::Generated),
               [&] { return "This is an ACK to the segment in frame: " + u(r.acks_frame); });
    if (r.ack_rtt_ns)
      net::label(ctx, ctx.add_rel_time(ack_rtt_, r.ack_rtt_ns, an),
                 [&] { return seconds("The RTT to ACK the segment was: ", r.ack_rtt_ns); });
  }
  if (r.irtt_ns) net::label(ctx, ctx.add_rel_time(irtt_, r.irtt_ns, an), [&] { return seconds("iRTT: ", r.irtt_ns); });
  if (r.bytes_in_flight)
    net::label(ctx, ctx.add_uint(in_flight_, tvb, 0, 0, r.bytes_in_flight, an, FieldValue::Generated),
               [&] { return "Bytes in flight: " + u(r.bytes_in_flight); });
  if (r.push_bytes_sent)
    net::label(ctx, ctx.add_uint(push_bytes_, tvb, 0, 0, r.push_bytes_sent, an, FieldValue::Generated),
               [&] { return "Bytes sent since last PSH flag: " + u(r.push_bytes_sent); });
  const uint32_t a = r.analysis;
  if (!a) return;
  int fl = ctx.add_bool(a_flags_, tvb, 0, 0, true, an, FieldValue::Generated);
  net::label(ctx, fl, [&] { return "TCP Analysis Flags"; });
  // tshark prepends each Info note, so later ones end up first.
  auto note = [&](const char* info_text) { prefix.insert(0, std::string("[") + info_text + "] "); };
  auto flag = [&](uint32_t bit, ExpertSeverity sev, const char* message, const char* info_text) {
    FieldId f = a_fields_[__builtin_ctz(bit)];
    if (want_expert(ctx, f)) expert(ctx, f, tvb, fl, sev, message);
    note(info_text);
  };
  using S = ExpertSeverity;
  if (a & tcp::kRetransmission) {
    flag(tcp::kRetransmission, S::Note, "This frame is a (suspected) retransmission", "TCP Retransmission");
    if (r.rto_ns) {
      net::label(ctx, ctx.add_rel_time(rto_, r.rto_ns, fl), [&] { return seconds("The RTO for this segment was: ", r.rto_ns); });
      net::label(ctx, ctx.add_uint(rto_frame_, tvb, 0, 0, r.rto_frame, fl, FieldValue::Generated),
                 [&] { return "RTO based on delta from frame: " + u(r.rto_frame); });
    }
  }
  if (a & tcp::kFastRetransmission) {
    flag(tcp::kFastRetransmission, S::Note, "This frame is a (suspected) fast retransmission", "TCP Fast Retransmission");
    int i = ctx.add_bool(a_fields_[__builtin_ctz(tcp::kRetransmission)], tvb, 0, 0, true, fl, FieldValue::Generated);
    net::label(ctx, i, [&] { return "This frame is a (suspected) retransmission"; });
  }
  if (a & tcp::kSpuriousRetransmission)
    flag(tcp::kSpuriousRetransmission, S::Note, "This frame is a (suspected) spurious retransmission",
         "TCP Spurious Retransmission");
  if (a & tcp::kOutOfOrder) flag(tcp::kOutOfOrder, S::Warn, "This frame is a (suspected) out-of-order segment", "TCP Out-Of-Order");
  if (a & tcp::kLostPacket)
    flag(tcp::kLostPacket, S::Warn, "Previous segment(s) not captured (common at capture start)", "TCP Previous segment not captured");
  if (a & tcp::kAckLostPacket)
    flag(tcp::kAckLostPacket, S::Warn, "ACKed segment that wasn't captured (common at capture start)", "TCP ACKed unseen segment");
  if (a & tcp::kWindowUpdate) flag(tcp::kWindowUpdate, S::Chat, "TCP window update", "TCP Window Update");
  if (a & tcp::kWindowFull)
    flag(tcp::kWindowFull, S::Warn, "TCP window specified by the receiver is now completely full", "TCP Window Full");
  if (a & tcp::kKeepAlive) flag(tcp::kKeepAlive, S::Note, "TCP keep-alive segment", "TCP Keep-Alive");
  if (a & tcp::kKeepAliveAck) flag(tcp::kKeepAliveAck, S::Note, "ACK to a TCP keep-alive segment", "TCP Keep-Alive ACK");
  if (a & tcp::kZeroWindowProbe) flag(tcp::kZeroWindowProbe, S::Note, "TCP Zero Window Probe", "TCP ZeroWindowProbe");
  if (a & tcp::kZeroWindowProbeAck)
    flag(tcp::kZeroWindowProbeAck, S::Note, "ACK to a TCP Zero Window Probe", "TCP ZeroWindowProbeAck");
  if (a & tcp::kZeroWindow) flag(tcp::kZeroWindow, S::Warn, "TCP Zero Window segment", "TCP ZeroWindow");
  if (a & tcp::kReusedPorts)
    flag(tcp::kReusedPorts, S::Note, "A new tcp session is started with the same ports as an earlier session in this trace",
         "TCP Port numbers reused");
  if (a & tcp::kDuplicateAck) {
    // The flag item is plain; the expert sits under the frame it duplicates.
    FieldId f = a_fields_[__builtin_ctz(tcp::kDuplicateAck)];
    net::label(ctx, ctx.add_bool(f, tvb, 0, 0, true, fl, FieldValue::Generated), [&] { return "This is a TCP duplicate ack"; });
    note(("TCP Dup ACK " + u(r.dupack_frame) + "#" + u(r.dupack_num)).c_str());
    net::label(ctx, ctx.add_uint(dupack_num_, tvb, 0, 0, r.dupack_num, an, FieldValue::Generated), [&] { return "Duplicate ACK #: " + u(r.dupack_num); });
    int df = ctx.add_uint(dupack_frame_, tvb, 0, 0, r.dupack_frame, an, FieldValue::Generated);
    net::label(ctx, df, [&] { return "Duplicate to the ACK in frame: " + u(r.dupack_frame); });
    if (want_expert(ctx, f)) expert(ctx, f, tvb, df, S::Note, "Duplicate ACK (#" + u(r.dupack_num) + ")");
  }
}

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<TcpDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "tcp", "Transmission Control Protocol", strato::create)
