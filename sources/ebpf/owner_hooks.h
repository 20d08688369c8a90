#pragma once
// Where a packets-only capture learns which process owns a socket without
// switching on any syscall tracepoint (which would put every task of the
// host on the kernel's slow syscall path): the socket I/O tracepoints and
// cgroup socket hooks of packets.bpf.h.
#include <string>
#include <vector>

struct bpf_link;
struct strato_syscalls;

namespace strato::ebpf {

// Attaches them, appending to `links`. False with `why` when this kernel or
// host lacks one (sock_send_length needs Linux 6.3; the cgroup hooks need a
// cgroup v2 hierarchy); links made so far stay in `links` for the caller to
// destroy.
bool attach_socket_owner_hooks(strato_syscalls* skel, std::vector<bpf_link*>& links, std::string& why);

// The programs above, to switch their loading on or off.
void set_socket_owner_hooks_autoload(strato_syscalls* skel, bool on);

}  // namespace strato::ebpf
