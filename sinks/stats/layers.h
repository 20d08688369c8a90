#pragma once
// Finds, in a dissected event, the address pairs a conversation or endpoint
// table counts: one per top-level layer (an IP-in-IP frame has two IPv4
// pairs), never the copies inside an ICMP error (those are nested items).
#include <cstdint>
#include <string>
#include <vector>

#include "statistic.h"
#include "strato/dissector.h"

namespace strato::stats {

struct Endpoint {
  Address addr;
  uint32_t port = 0;
  bool operator==(const Endpoint& o) const { return addr == o.addr && port == o.port; }
};

struct Hop {
  Endpoint src, dst;
  uint64_t stream = ~0ull;  // tcp.stream / udp.stream: port reuse starts a new conversation
};

void find_hops(const Event& ev, Layer layer, std::vector<Hop>& out);

// "127.0.0.1", "::1", "00:00:00:00:00:00" (strato resolves no names).
void append_address(const Address& a, std::string& out);

struct EndpointHash {
  size_t operator()(const Endpoint& e) const;
};

}  // namespace strato::stats
