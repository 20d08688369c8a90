#pragma once
// The kernel's TCP and UDP socket tables as /proc prints them (net/tcp,
// tcp6, udp, udp6): what a socket opened before the capture is bound and
// connected to, found by the inode its /proc/PID/fd link names.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace strato::ebpf {

struct ProcSocket {
  uint8_t proto = 0;  // 6 or 17
  bool v6 = false;    // from the tcp6/udp6 table (IPv4 peers of a dual-stack socket stay mapped)
  // IPv4 as ::ffff:a.b.c.d, as the flow keys hold it; a wildcard is all zero.
  uint8_t laddr[16]{}, raddr[16]{};
  uint16_t lport = 0, rport = 0;
  uint8_t state = 0;  // TCP's state number (kListen); UDP's 7 when unconnected
  uint32_t uid = 0;
  uint64_t inode = 0;
  static constexpr uint8_t kListen = 0x0a;
};

// The rows of one table file (PATH is e.g. "/proc/net/tcp"); rows without
// an inode (TIME_WAIT) are left out.
void read_proc_sockets(const std::string& path, uint8_t proto, bool v6, std::vector<ProcSocket>& out);
// The four tables under DIR ("/proc/net" or "/proc/PID/net").
std::vector<ProcSocket> read_proc_sockets(const std::string& dir);

// "127.0.0.1:80" or "[::1]:80", as the live tuples name an end.
std::string proc_socket_end(const ProcSocket& s, bool local);

// What sysdig calls a socket found at startup: "client->server" with this
// process's end noted, or the bound end alone for listeners and unconnected
// UDP sockets.
struct SocketName {
  std::string name, type;  // type: ipv4 or ipv6
  const char* local = "";  // "client", "server" or ""
};

// The sockets of each network namespace, loaded on first use and again when
// an inode is not found and the copy is older than a moment (sockets made
// since), so a burst of unknown fds reads the tables once.
class ProcSocketNames {
 public:
  explicit ProcSocketNames(std::string proc_root = "/proc") : root_(std::move(proc_root)) {}
  bool find(uint32_t pid, uint64_t inode, SocketName& out);

 private:
  struct Namespace {
    int64_t loaded_ns = 0;
    std::unordered_map<uint64_t, ProcSocket> by_inode;
    std::vector<ProcSocket> listeners;
  };
  void load(uint32_t pid, Namespace& ns);
  std::string root_;
  std::unordered_map<std::string, Namespace> namespaces_;  // by /proc/PID/ns/net's link
};

}  // namespace strato::ebpf
