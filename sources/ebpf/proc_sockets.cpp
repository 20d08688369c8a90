#include "proc_sockets.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

namespace strato::ebpf {

namespace {

// /proc/net/tcp prints each 32-bit word of the address in host order.
bool parse_endpoint(const std::string& text, bool v6, uint8_t addr[16], uint16_t& port) {
  auto colon = text.find(':');
  if (colon == std::string::npos) return false;
  std::string hex = text.substr(0, colon);
  port = static_cast<uint16_t>(std::strtoul(text.c_str() + colon + 1, nullptr, 16));
  std::memset(addr, 0, 16);
  if (!v6) {
    if (hex.size() != 8) return false;
    uint32_t w = static_cast<uint32_t>(std::strtoul(hex.c_str(), nullptr, 16));
    if (w == 0) return true;  // wildcard stays all zero
    addr[10] = addr[11] = 0xff;
    std::memcpy(addr + 12, &w, 4);
    return true;
  }
  if (hex.size() != 32) return false;
  for (int i = 0; i < 4; ++i) {
    uint32_t w = static_cast<uint32_t>(std::strtoul(hex.substr(i * 8, 8).c_str(), nullptr, 16));
    std::memcpy(addr + 4 * i, &w, 4);
  }
  return true;
}

int64_t monotonic_ns() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return int64_t(t.tv_sec) * 1000000000 + t.tv_nsec;
}

bool same_addr_or_wildcard(const uint8_t listener[16], const uint8_t local[16]) {
  static const uint8_t zero[16] = {};
  return std::memcmp(listener, zero, 16) == 0 || std::memcmp(listener, local, 16) == 0;
}

}  // namespace

void read_proc_sockets(const std::string& path, uint8_t proto, bool v6, std::vector<ProcSocket>& out) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    std::istringstream ss(line);
    std::string sl, local, remote, state, queues, timer, retr, timeout;
    ProcSocket s;
    if (!(ss >> sl >> local >> remote >> state >> queues >> timer >> retr >> s.uid >> timeout >> s.inode)) continue;
    if (!s.inode) continue;  // TIME_WAIT and other sockets no process holds
    s.proto = proto;
    s.v6 = v6;
    s.state = static_cast<uint8_t>(std::strtoul(state.c_str(), nullptr, 16));
    if (!parse_endpoint(local, v6, s.laddr, s.lport) || !parse_endpoint(remote, v6, s.raddr, s.rport)) continue;
    out.push_back(s);
  }
}

std::vector<ProcSocket> read_proc_sockets(const std::string& dir) {
  std::vector<ProcSocket> out;
  read_proc_sockets(dir + "/tcp", 6, false, out);
  read_proc_sockets(dir + "/tcp6", 6, true, out);
  read_proc_sockets(dir + "/udp", 17, false, out);
  read_proc_sockets(dir + "/udp6", 17, true, out);
  return out;
}

std::string proc_socket_end(const ProcSocket& s, bool local) {
  const uint8_t* a = local ? s.laddr : s.raddr;
  const uint16_t port = local ? s.lport : s.rport;
  char buf[INET6_ADDRSTRLEN] = "";
  // Appended piecewise: "[" + string trips GCC 12's -Wrestrict false positive.
  std::string out;
  if (s.v6) out += '[';
  inet_ntop(s.v6 ? AF_INET6 : AF_INET, s.v6 ? a : a + 12, buf, sizeof buf);
  out += buf;
  if (s.v6) out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

void ProcSocketNames::load(uint32_t pid, Namespace& ns) {
  ns.by_inode.clear();
  ns.listeners.clear();
  for (const ProcSocket& s : read_proc_sockets(root_ + "/" + std::to_string(pid) + "/net")) {
    if (s.proto == 6 && s.state == ProcSocket::kListen) ns.listeners.push_back(s);
    ns.by_inode[s.inode] = s;
  }
  ns.loaded_ns = monotonic_ns();
}

bool ProcSocketNames::find(uint32_t pid, uint64_t inode, SocketName& out) {
  char link[64];
  const std::string ns_path = root_ + "/" + std::to_string(pid) + "/ns/net";
  ssize_t n = readlink(ns_path.c_str(), link, sizeof link - 1);
  if (n <= 0) return false;
  Namespace& ns = namespaces_[std::string(link, n)];
  auto it = ns.by_inode.find(inode);
  constexpr int64_t kStaleNs = 100'000'000;
  if (it == ns.by_inode.end() && monotonic_ns() - ns.loaded_ns > kStaleNs) {
    load(pid, ns);
    it = ns.by_inode.find(inode);
  }
  if (it == ns.by_inode.end()) return false;
  const ProcSocket& s = it->second;
  out.type = s.v6 ? "ipv6" : "ipv4";
  const bool connected = s.rport != 0 && !(s.proto == 6 && s.state == ProcSocket::kListen);
  if (!connected) {
    out.name = proc_socket_end(s, true);
    out.local = "";
    return true;
  }
  // An established TCP socket whose local port a listener serves was
  // accepted; any other connected socket was connected by its process.
  bool accepted = false;
  if (s.proto == 6)
    for (const ProcSocket& l : ns.listeners)
      if (l.lport == s.lport && same_addr_or_wildcard(l.laddr, s.laddr)) accepted = true;
  const std::string l = proc_socket_end(s, true), r = proc_socket_end(s, false);
  out.name = accepted ? r + "->" + l : l + "->" + r;
  out.local = accepted ? "server" : "client";
  return true;
}

}  // namespace strato::ebpf
