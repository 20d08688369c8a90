#pragma once
// Picks the flow shard of a packet before it is dissected: a cheap look at
// the link, IP and TCP/UDP headers giving the same hash for both directions
// of a flow. Non-IP packets and non-first IP fragments hash on what they have.
#include <cstdint>

namespace strato {

uint64_t flow_hash(uint32_t link_type, const uint8_t* data, uint32_t len);

// The hash an unfragmented packet of a reassembled datagram would get:
// `payload` follows the IPv4 header or the IPv6 fragment header and starts
// with header `proto`; addresses are 4 (version 4) or 16 bytes.
uint64_t flow_hash_reassembled(unsigned version, const uint8_t* src, const uint8_t* dst, uint8_t proto,
                               const uint8_t* payload, uint32_t len);

}  // namespace strato
