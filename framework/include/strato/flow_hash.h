#pragma once
// Picks the flow shard of a packet before it is dissected: a cheap look at
// the link, IP and TCP/UDP headers giving the same hash for both directions
// of a flow. Non-IP packets and non-first IP fragments hash on what they have.
#include <cstdint>

namespace strato {

uint64_t flow_hash(uint32_t link_type, const uint8_t* data, uint32_t len);

}  // namespace strato
