#pragma once
// Per-connection TCP state and tshark's sequence analysis (relative
// sequence numbers, stream numbering, retransmissions, duplicate ACKs...).
// Lives in the TCP dissector's shard state: each connection's packets reach
// the same shard in capture order.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "flow_key.h"
#include "strato/dissector.h"

namespace strato::tcp {

// Analysis outcomes of one segment (tshark's TCP_A_* flags).
enum Analysis : uint32_t {
  kRetransmission = 1 << 0,
  kLostPacket = 1 << 1,
  kAckLostPacket = 1 << 2,
  kKeepAlive = 1 << 3,
  kDuplicateAck = 1 << 4,
  kZeroWindow = 1 << 5,
  kZeroWindowProbe = 1 << 6,
  kZeroWindowProbeAck = 1 << 7,
  kKeepAliveAck = 1 << 8,
  kOutOfOrder = 1 << 9,
  kFastRetransmission = 1 << 10,
  kWindowUpdate = 1 << 11,
  kWindowFull = 1 << 12,
  kReusedPorts = 1 << 13,
  kSpuriousRetransmission = 1 << 14,
};

// A sent segment not yet acknowledged (raw sequence numbers), kept for the
// ACK's RTT and the bytes in flight.
struct Unacked {
  uint32_t seq, nextseq;
  uint64_t frame, ts_ns;
};

struct Direction {
  bool base_set = false;
  uint32_t base_seq = 0;  // relative = raw - base_seq
  int win_scale = -1;     // -1 unknown, -2 no scaling, else the shift
  bool nextseq_set = false;
  uint32_t nextseq = 0;  // relative; highest seq+len seen
  uint64_t nextseq_ns = 0;
  uint64_t nextseq_frame = 0;
  bool maxseq_set = false;
  uint32_t maxseqtobeacked = 0;
  bool lastack_set = false;
  uint32_t lastack = 0;  // relative (in the other direction's numbering)
  uint64_t lastack_ns = 0;
  uint64_t lastack_frame = 0;
  bool window_set = false;
  uint32_t window = 0;  // scaled
  uint32_t dupacknum = 0;
  uint64_t dupack_frame = 0;
  uint32_t last_flags = 0;  // analysis flags of the last segment
  std::vector<Unacked> unacked;  // oldest first
  uint32_t push_bytes = 0;       // sent since the last PSH
  bool push_set_last = false;
  bool closing_initiator = false;  // sent the first FIN
  bool valid_bif = true;           // bytes in flight can be told
  uint32_t sack_bytes = 0;         // covered by the SACK blocks of the last segment
};

struct Connection {
  uint64_t stream = 0;
  bool first_forward = true;  // key direction of the first packet
  uint8_t completeness = 0;
  uint64_t packets = 0;
  uint64_t first_ns = 0, last_ns = 0;
  uint64_t syn_ns = 0;  // for the handshake RTT (out-of-order threshold)
  bool syn_seen = false, synack_seen = false;
  int64_t first_rtt_ns = -1;
  // AccECN negotiation seen (SYN with AE+CWR+ECE, then an AccECN SYN-ACK):
  // from then on tshark names the three ECN bits as one ACE counter.
  bool acc_ecn_syn = false, acc_ecn_synack = false;
  Direction dir[2];  // indexed by key direction: 0 = a→b
};

// What the dissector needs to show about one segment.
struct SegmentResult {
  Connection* conn = nullptr;
  uint8_t dir = 0;           // index into conn->dir of the sender
  uint32_t seq = 0, ack = 0, nxtseq = 0;  // relative
  uint32_t window = 0;       // scaled
  int scale_shown = 0;       // 0: not shown (SYN); else scalefactor value (-1, -2 or 1<<shift)
  uint8_t completeness_before = 0;
  uint32_t analysis = 0;
  uint32_t dupack_num = 0;
  uint64_t dupack_frame = 0;
  int64_t rel_ns = 0, delta_ns = 0;
  // tshark shows "[SEQ/ACK analysis]" only when it kept per-segment
  // analysis data: flags, an ACK of a whole segment, or data in flight.
  bool has_analysis = false;
  uint64_t acks_frame = 0;  // 0: acknowledges no whole segment
  int64_t ack_rtt_ns = 0;
  int64_t irtt_ns = 0;  // 0: handshake RTT not known yet
  uint32_t bytes_in_flight = 0;
  uint32_t push_bytes_sent = 0;
  int64_t rto_ns = 0;  // retransmissions: time since the original segment
  uint64_t rto_frame = 0;
  uint8_t fin = 0;  // FIN: 1 initiates the close, 2 answers it
};

struct SegmentInput {
  uint32_t seq_raw, ack_raw;
  uint16_t flags;
  uint32_t win_raw;
  uint32_t seglen;
  int ws_option;  // shift from the WS option, -1 when absent
  uint64_t ts_ns, frame;
  uint32_t sack_bytes = 0;  // sum of the SACK option's blocks
  bool fragmented = false;  // carried in an IP fragment: length unknown, no analysis (as tshark)
  // Keep the unacknowledged segments (ACK RTT, bytes in flight, RTO): off
  // for a whole run when nothing prints or reads them.
  bool track = true;
};

class State : public ShardState {
 public:
  // Finds or creates the connection and runs the analysis. `key_fwd` is
  // the packet's direction in key terms.
  SegmentResult analyze(DissectContext& ctx, const net::FlowKey& key, bool key_fwd, const SegmentInput& in);
  // Stream id of the connection, created when unknown (a header quoted in
  // an ICMP error); no analysis state changes.
  uint64_t stream_of(DissectContext& ctx, const net::FlowKey& key, bool key_fwd);

 private:
  std::unordered_map<net::FlowKey, Connection, net::FlowKeyHash> conns_;
};

}  // namespace strato::tcp
