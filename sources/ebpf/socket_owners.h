#pragma once
// Flows already open when a capture starts (an established ssh session, a
// listening nginx) made their socket calls before the BPF programs were
// there; /proc tells who holds them, so their packets are attributed too.
#include <vector>

#include "bpf/strato_events.h"

namespace strato::ebpf {

struct SocketOwner {
  strato_flow_key key{};
  strato_owner owner{};
};

// TCP and UDP sockets of this network namespace with the process holding
// each (the lowest pid among those sharing it).
std::vector<SocketOwner> existing_socket_owners();

}  // namespace strato::ebpf
