// tshark's TCP sequence analysis, rebuilt from its documented behaviour
// (Wireshark user guide, "TCP Analysis"), checked against tshark 4.0 output.
#include "tcp_analysis.h"

namespace strato::tcp {
namespace {

constexpr uint16_t FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10;
constexpr int64_t kDefaultOooThresholdNs = 3000000;  // 3 ms when the handshake RTT is unknown

inline bool lt_seq(uint32_t a, uint32_t b) { return int32_t(a - b) < 0; }
inline bool gt_seq(uint32_t a, uint32_t b) { return int32_t(b - a) < 0; }
inline bool le_seq(uint32_t a, uint32_t b) { return int32_t(a - b) <= 0; }

// Caps the unacknowledged list of a direction whose ACKs are not captured
// (tshark stops adding at the same count).
constexpr size_t kMaxUnacked = 10000;

// tshark's per-segment bookkeeping: the segment joins its direction's
// unacknowledged list, the ACK retires the other direction's segments it
// covers (the oldest one it ends exactly gives the RTT), and a data segment
// reports the span still unacknowledged and the bytes since the last PSH.
void track_segments(Direction& fwd, Direction& rev, const SegmentInput& in, SegmentResult& r) {
  const uint32_t seq = in.seq_raw, ack = in.ack_raw;
  if ((in.seglen || (in.flags & (SYN | FIN))) && fwd.unacked.size() < kMaxUnacked) {
    uint32_t next = seq + in.seglen + ((in.flags & (SYN | FIN)) ? 1 : 0);
    fwd.unacked.push_back({seq, next, in.frame, in.ts_ns});
  }
  auto& list = rev.unacked;
  size_t keep = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    Unacked& u = list[i];
    if (ack == u.nextseq) {
      if (!r.acks_frame) {
        r.acks_frame = u.frame;
        r.ack_rtt_ns = int64_t(in.ts_ns - u.ts_ns);
      }
      r.has_analysis = true;
      continue;  // acknowledged: dropped
    }
    if (gt_seq(ack, u.seq) && le_seq(ack, u.nextseq)) {
      u.seq = ack;  // partly acknowledged
    } else if (!gt_seq(u.nextseq, ack)) {
      continue;  // older than the ACK: dropped
    }
    list[keep++] = u;
  }
  list.resize(keep);

  if (in.seglen == 0 || fwd.unacked.empty() || !fwd.valid_bif) {
    fwd.sack_bytes = in.sack_bytes;
    return;
  }
  uint32_t first = fwd.unacked.front().seq - fwd.base_seq, last = fwd.unacked.front().nextseq - fwd.base_seq;
  for (const Unacked& u : fwd.unacked) {
    if (u.nextseq - fwd.base_seq > last) last = u.nextseq - fwd.base_seq;
    if (u.seq - fwd.base_seq < first) first = u.seq - fwd.base_seq;
  }
  // SYN and FIN take a sequence number but are no data; bytes the other
  // side's latest SACK blocks report delivered are not in flight.
  uint32_t in_flight = last - first - ((in.flags & (SYN | FIN)) ? 1 : 0) - rev.sack_bytes;
  fwd.sack_bytes = in.sack_bytes;
  if (in_flight > 0 && in_flight < 2000000000u) r.bytes_in_flight = in_flight;
  const bool psh = in.flags & 0x08;
  // Counts from the segment after the last PSH one, this one included.
  fwd.push_bytes = fwd.push_set_last ? in.seglen : fwd.push_bytes + in.seglen;
  fwd.push_set_last = psh;
  r.push_bytes_sent = fwd.push_bytes;
  r.has_analysis = true;
}

}  // namespace

uint64_t State::stream_of(DissectContext& ctx, const net::FlowKey& key, bool key_fwd) {
  auto it = conns_.find(key);
  if (it == conns_.end()) {
    Connection c;
    c.stream = ctx.new_stream(DissectContext::TcpStream);
    c.first_forward = key_fwd;
    c.first_ns = c.last_ns = ctx.event().ts_ns;
    it = conns_.emplace(key, c).first;
  }
  return it->second.stream;
}

SegmentResult State::analyze(DissectContext& ctx, const net::FlowKey& key, bool key_fwd, const SegmentInput& in) {
  SegmentResult r;
  uint8_t d = key_fwd ? 0 : 1;
  r.dir = d;
  auto it = conns_.find(key);
  bool reused = false;
  if (it != conns_.end() && (in.flags & (SYN | ACK)) == SYN) {
    // A new SYN on a known tuple starts a new connection when its ISN
    // differs from the one seen before or the old one was closed.
    const Connection& old = it->second;
    const Direction& f = old.dir[d];
    if (f.base_set && (in.seq_raw != f.base_seq || (old.completeness & (16 | 32)))) {
      conns_.erase(it);
      it = conns_.end();
      reused = true;
    }
  }
  if (it == conns_.end()) {
    Connection c;
    c.stream = ctx.new_stream(DissectContext::TcpStream);
    c.first_forward = key_fwd;
    c.first_ns = c.last_ns = in.ts_ns;
    it = conns_.emplace(key, c).first;
  }
  Connection& c = it->second;
  r.conn = &c;
  // tshark's completeness counts nothing on a connection's first packet
  // unless it is a SYN (one seen mid-stream stays 0 until a later segment).
  const bool first_packet = c.packets++ == 0;
  if (in.fragmented) {
    r.seq = in.seq_raw;
    r.ack = in.ack_raw;
    r.window = in.win_raw;
    r.scale_shown = (in.flags & SYN) ? 0 : c.dir[d].win_scale;
    r.completeness_before = c.completeness;
    r.rel_ns = int64_t(in.ts_ns - c.first_ns);
    r.delta_ns = int64_t(in.ts_ns - c.last_ns);
    c.last_ns = in.ts_ns;
    return r;
  }
  Direction& fwd = c.dir[d];
  Direction& rev = c.dir[d ^ 1];
  if (reused) r.analysis |= kReusedPorts;

  r.rel_ns = int64_t(in.ts_ns - c.first_ns);
  r.delta_ns = int64_t(in.ts_ns - c.last_ns);
  c.last_ns = in.ts_ns;

  // Window scaling: negotiated by the WS options of SYN and SYN/ACK.
  if (in.flags & SYN) {
    fwd.win_scale = in.ws_option >= 0 ? in.ws_option : -2;
    if ((in.flags & ACK) && (fwd.win_scale == -2 || rev.win_scale == -2)) fwd.win_scale = rev.win_scale = -2;
    r.window = in.win_raw;
    r.scale_shown = 0;
  } else {
    int s = fwd.win_scale;
    if (s >= 0) {
      r.window = in.win_raw << (s > 14 ? 14 : s);
      r.scale_shown = 1 << (s > 14 ? 14 : s);
    } else {
      r.window = in.win_raw;
      r.scale_shown = s;
    }
  }

  // Handshake RTT (iRTT, and the out-of-order threshold): from the latest
  // SYN to the first ACK without SYN, whatever else that ACK carries (a
  // RST-ACK refusing the SYN too), as tshark measures it.
  if ((in.flags & (SYN | ACK)) == SYN) {
    c.syn_seen = true;
    c.syn_ns = in.ts_ns;
  } else if ((in.flags & (SYN | ACK)) == (SYN | ACK)) {
    c.synack_seen = true;
  } else if ((in.flags & (SYN | ACK)) == ACK && c.syn_seen && c.first_rtt_ns < 0) {
    c.first_rtt_ns = int64_t(in.ts_ns - c.syn_ns);
  }

  // Relative numbering bases.
  if (!fwd.base_set) {
    fwd.base_seq = (in.flags & SYN) ? in.seq_raw : in.seq_raw - 1;
    fwd.base_set = true;
  }
  if (!rev.base_set && (in.flags & ACK)) {
    rev.base_seq = in.ack_raw - 1;
    rev.base_set = true;
  }

  uint32_t seq = in.seq_raw, ack = in.ack_raw, seglen = in.seglen;
  uint32_t window = r.window;
  uint32_t a = r.analysis;

  if (!ctx.pinfo.in_error_packet) {
    // Zero window probe.
    if (seglen == 1 && fwd.nextseq_set && seq == fwd.nextseq && rev.window_set && rev.window == 0) {
      a |= kZeroWindowProbe;
      goto finished_fwd;
    }
    if (window == 0 && !(in.flags & (RST | FIN | SYN))) a |= kZeroWindow;
    if (fwd.nextseq_set && gt_seq(seq, fwd.nextseq) && !(in.flags & RST)) a |= kLostPacket;
    if (seglen <= 1 && fwd.nextseq_set && seq == fwd.nextseq - 1 && !(in.flags & (SYN | FIN | RST))) {
      a |= kKeepAlive;
      goto finished_fwd;
    }
    if (seglen == 0 && window && fwd.window_set && window != fwd.window && fwd.nextseq_set && seq == fwd.nextseq &&
        fwd.lastack_set && ack == fwd.lastack && !(in.flags & (SYN | FIN | RST))) {
      a |= kWindowUpdate;
      goto finished_fwd;
    }
    // Data up to the right edge of the window the other side last
    // advertised (its last ACK plus its window, as scaled then).
    if (seglen > 0 && rev.win_scale != -1 && rev.lastack_set && rev.window_set && seq + seglen == rev.lastack + rev.window &&
        !(in.flags & (SYN | FIN | RST)))
      a |= kWindowFull;
    if (seglen == 0 && fwd.window_set && window == fwd.window && fwd.nextseq_set && seq == fwd.nextseq &&
        fwd.lastack_set && ack == fwd.lastack && (rev.last_flags & kKeepAlive) && !(in.flags & (SYN | FIN | RST))) {
      a |= kKeepAliveAck;
      goto finished_fwd;
    }
    if (seglen == 0 && fwd.window_set && window == fwd.window && fwd.nextseq_set && seq == fwd.nextseq &&
        fwd.lastack_set && ack == fwd.lastack && (rev.last_flags & kZeroWindowProbe) &&
        !(in.flags & (SYN | FIN | RST))) {
      a |= kZeroWindowProbeAck;
      goto finished_fwd;
    }
    if (seglen == 0 && window && fwd.window_set && window == fwd.window && fwd.nextseq_set && seq == fwd.nextseq &&
        fwd.lastack_set && ack == fwd.lastack && !(in.flags & (SYN | FIN | RST))) {
      ++fwd.dupacknum;
      a |= kDuplicateAck;
      r.dupack_num = fwd.dupacknum;
      r.dupack_frame = fwd.dupack_frame;
    }
  finished_fwd:
    // The duplicate count and the frame duplicates point at start again
    // only with a new ACK number: data segments or a FIN repeating it in
    // between keep them (tshark 4.0).
    if (!(a & kDuplicateAck) && (!fwd.lastack_set || fwd.lastack != ack)) {
      fwd.dupacknum = 0;
      fwd.dupack_frame = in.frame;
    }
    // Bytes in flight stop after a gap until the other side ACKs again.
    if (a & kLostPacket) fwd.valid_bif = false;
    if (in.flags & ACK) rev.valid_bif = true;
    if (rev.maxseq_set && gt_seq(ack, rev.maxseqtobeacked) && (in.flags & ACK)) {
      a |= kAckLostPacket;
      rev.maxseqtobeacked = rev.nextseq;
    }

    if ((seglen > 0 || (in.flags & (SYN | FIN))) && !(a & kKeepAlive)) {
      bool not_advanced = fwd.nextseq_set && lt_seq(seq, fwd.nextseq);
      if (seglen > 1 && fwd.nextseq_set && fwd.nextseq - 1 == seq) not_advanced = false;
      if (seglen > 0 && rev.lastack_set && le_seq(seq + seglen, rev.lastack)) {
        a |= kSpuriousRetransmission;
      } else if (not_advanced) {
        int64_t t = int64_t(in.ts_ns - fwd.nextseq_ns);
        int64_t thres = c.first_rtt_ns > 0 ? c.first_rtt_ns : kDefaultOooThresholdNs;
        if (rev.dupacknum >= 2 && rev.lastack_set && rev.lastack == seq && in.ts_ns - rev.lastack_ns <= 20000000) {
          a |= kFastRetransmission;
        } else if (t < thres && fwd.nextseq != seq + seglen + ((in.flags & (SYN | FIN)) ? 1 : 0)) {
          a |= kOutOfOrder;
        } else {
          a |= kRetransmission;
          // Timed from the eldest unacknowledged segment, else from the
          // one that last advanced the sequence (tshark's two guesses).
          const bool eldest = !fwd.unacked.empty();
          r.rto_ns = int64_t(in.ts_ns - (eldest ? fwd.unacked.front().ts_ns : fwd.nextseq_ns));
          r.rto_frame = eldest ? fwd.unacked.front().frame : fwd.nextseq_frame;
        }
      }
    }

    // The highest sequence number seen; pure ACKs count too (tshark does
    // the same, which is what lets a first pure ACK be duplicated).
    uint32_t nextseq = seq + seglen;
    if (in.flags & (SYN | FIN)) nextseq += 1;
    if (!fwd.nextseq_set || gt_seq(nextseq, fwd.nextseq)) {
      if (!(a & kZeroWindowProbe)) {
        fwd.nextseq = nextseq;
        fwd.nextseq_set = true;
        fwd.nextseq_ns = in.ts_ns;
        fwd.nextseq_frame = in.frame;
      }
    }
    // A segment after a gap does not raise it, so the ACK covering the gap
    // is reported as acknowledging unseen data (as tshark 4.0 does).
    if (!(a & kLostPacket) && (!fwd.maxseq_set || gt_seq(fwd.nextseq, fwd.maxseqtobeacked))) {
      fwd.maxseqtobeacked = fwd.nextseq;
      fwd.maxseq_set = fwd.nextseq_set;
    }
    if (in.flags & ACK) {
      if (!fwd.lastack_set || fwd.lastack != ack) {
        fwd.lastack_ns = in.ts_ns;
        fwd.lastack_frame = in.frame;
      }
      fwd.lastack = ack;
      fwd.lastack_set = true;
    }
    fwd.window = window;
    fwd.window_set = true;
    fwd.last_flags = a;
    if (in.track) track_segments(fwd, rev, in, r);
    if (in.flags & FIN) {
      r.fin = rev.closing_initiator ? 2 : 1;
      if (r.fin == 1) fwd.closing_initiator = true;
    }
  }
  r.analysis = a;
  if (a) r.has_analysis = true;
  if (r.has_analysis && c.first_rtt_ns > 0) r.irtt_ns = c.first_rtt_ns;

  r.completeness_before = c.completeness;
  if (!ctx.pinfo.in_error_packet) {
    if ((in.flags & (SYN | ACK)) == SYN) c.completeness |= 1;
    if ((in.flags & (SYN | ACK)) == (SYN | ACK)) c.completeness |= 2;
    if (!first_packet || (in.flags & SYN)) {
      if ((in.flags & (SYN | ACK)) == ACK && seglen == 0) c.completeness |= 4;
      if (seglen > 0) c.completeness |= 8;
      if (in.flags & FIN) c.completeness |= 16;
      if (in.flags & RST) c.completeness |= 32;
    }
  }

  r.seq = seq - fwd.base_seq;
  r.ack = (in.flags & ACK) ? ack - rev.base_seq : ack;
  r.nxtseq = r.seq + seglen + ((in.flags & (SYN | FIN)) ? 1 : 0);
  return r;
}

}  // namespace strato::tcp
