#pragma once
// One DNS message (RFC 1035 section 4): header, questions and resource
// records, the Info column text, and query/response matching.
#include <cstdint>
#include <string>
#include <unordered_map>

#include "dns_fields.h"
#include "strato/dissector.h"

namespace strato::dns {

struct Transaction {
  uint64_t req_frame = 0, rep_frame = 0;
  uint64_t req_ts = 0;
  uint16_t qtype = 0;
  std::string qname;
};

// Query/response matching per conversation and transaction id, as tshark's
// single pass does it.
struct MatchState : ShardState {
  std::unordered_map<uint64_t, Transaction> pending;
};

// Rough plausibility check for the UDP heuristic: a standard query or
// response whose question and every record parse inside the datagram.
bool looks_like_dns(Tvb msg);

// The same message format on three services: DNS, mDNS (RFC 6762: class
// top bits are the QU and cache-flush flags) and LLMNR (RFC 4795: its own
// flag bits).
enum class Flavor : uint8_t { Dns, Mdns, Llmnr };

// Dissects the message; `conv` identifies the conversation for matching,
// `outer_len_item` is the TCP length prefix (or -1). Returns the item of the
// protocol tree.
void dissect_message(DissectContext& ctx, const Fields& F, MatchState& st, uint64_t conv, Tvb msg, int dns_item,
                     Flavor flavor = Flavor::Dns);

// "Standard query 0x1234", "Unknown operation (15) response 0xc980 ..."
const char* opcode_info_name(unsigned opcode, std::string& scratch);
const char* type_short_name(unsigned type, std::string& scratch);
const char* type_long_name(unsigned type);  // "A (Host Address)"

}  // namespace strato::dns
