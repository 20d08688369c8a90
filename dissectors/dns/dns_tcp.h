#pragma once
// DNS over TCP (RFC 1035 4.2.2, RFC 7766): messages behind a 2-byte length
// prefix, split over segments or several to a segment. Reproduces what
// tshark 4.0's TCP reassembly shows: each message in the frame that
// completes it, "[TCP segment of a reassembled PDU]" on frames that only
// carry part of one, tcp.segment_data / tcp.pdu.size in the TCP tree.
#include <cstdint>
#include <unordered_map>

#include "app_common/pdu_buffer.h"
#include "dns_message.h"

namespace strato::dns {

struct TcpDirection {
  app::PduBuffer buf;
  uint32_t need = 0;  // bytes of the pending message with its prefix; 0 while the prefix is incomplete
};

struct TcpStream {
  TcpDirection dir[2];  // by TcpSegment::direction
};

struct DnsState : MatchState {
  std::unordered_map<uint64_t, TcpStream> tcp;  // by TcpSegment::stream
};

// Dissects one TCP payload; `conv` identifies the conversation for matching.
void dissect_tcp_payload(DissectContext& ctx, const Fields& F, DnsState& st, uint64_t conv, Tvb payload,
                         int parent, Flavor flavor);

}  // namespace strato::dns
