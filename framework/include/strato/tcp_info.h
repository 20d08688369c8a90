#pragma once
// What the TCP dissector tells the protocols it carries (HTTP, TLS, DNS over
// TCP...) about the segment being handed to them. Passed through
// PacketInfo::l4 (cast back with tcp_segment(ctx.pinfo)) and valid only for
// the duration of the sub-dissector call.
//
// Reassembly is left to the payload dissectors: they keep per-stream,
// per-direction buffers in their own shard_state keyed by (stream, direction)
// and use `seq`/`nxtseq` to place the bytes. TCP never hands over a
// retransmitted segment (tshark does not either), so a payload dissector sees
// each byte of a direction at most once, in sequence order as captured.
#include <cstdint>

#include "strato/dissector.h"

namespace strato {

struct TcpSegment {
  static constexpr uint32_t kMagic = 0x54435053;  // "TCPS": guards the void* cast
  uint32_t magic = kMagic;
  uint64_t stream = 0;     // shard-local stream id (== PacketInfo::stream); unique per connection
  uint8_t direction = 0;   // 0: sent by the connection's first sender (the client for a SYN), 1: reply side
  uint32_t seq = 0;        // relative sequence number of the first payload byte (tcp.seq)
  uint32_t nxtseq = 0;     // seq + payload length (+1 for SYN/FIN), as tcp.nxtseq
  uint32_t ack = 0;        // relative ack (tcp.ack), 0 without ACK flag
  uint32_t seq_raw = 0, ack_raw = 0;
  uint32_t payload_len = 0;  // bytes of payload in this segment (tcp.len)
  uint16_t flags = 0;      // the 12 flag bits (0x002 SYN, 0x001 FIN, 0x004 RST, 0x008 PSH, 0x010 ACK)
  uint16_t srcport = 0, dstport = 0;
  uint64_t frame = 0;      // frame.number of this segment
  bool fin() const { return flags & 0x001; }
  bool syn() const { return flags & 0x002; }
  bool rst() const { return flags & 0x004; }
};

// The segment info of the TCP packet being dissected, or nullptr when the
// payload did not come from TCP (or came from inside an ICMP error).
inline const TcpSegment* tcp_segment(const PacketInfo& pinfo) {
  if (pinfo.ip_proto != 6 || !pinfo.l4) return nullptr;
  auto* s = static_cast<const TcpSegment*>(pinfo.l4);
  return s->magic == TcpSegment::kMagic ? s : nullptr;
}

}  // namespace strato
