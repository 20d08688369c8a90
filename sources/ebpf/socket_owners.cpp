#include "socket_owners.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

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

struct Sock {
  strato_flow_key key{};
  uint32_t uid = 0;
};

void read_table(const char* path, uint8_t proto, bool v6, std::unordered_map<uint64_t, Sock>& by_inode) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    std::istringstream ss(line);
    std::string sl, local, remote, state, queues, timer, retr;
    uint32_t uid = 0;
    std::string timeout;
    uint64_t inode = 0;
    if (!(ss >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode)) continue;
    if (!inode) continue;  // TIME_WAIT and other sockets no process holds
    Sock s;
    s.key.proto = proto;
    s.uid = uid;
    if (!parse_endpoint(local, v6, s.key.laddr, s.key.lport)) continue;
    if (!parse_endpoint(remote, v6, s.key.raddr, s.key.rport)) continue;
    if (!s.key.lport) continue;
    // A listener or an unconnected UDP socket answers for its port: remote zero.
    if (s.key.rport == 0) std::memset(s.key.raddr, 0, 16);
    by_inode[inode] = s;
  }
}

std::string read_comm(const std::string& pid) {
  std::ifstream f("/proc/" + pid + "/comm");
  std::string c;
  std::getline(f, c);
  return c;
}

}  // namespace

std::vector<SocketOwner> existing_socket_owners() {
  std::unordered_map<uint64_t, Sock> by_inode;
  read_table("/proc/net/tcp", 6, false, by_inode);
  read_table("/proc/net/tcp6", 6, true, by_inode);
  read_table("/proc/net/udp", 17, false, by_inode);
  read_table("/proc/net/udp6", 17, true, by_inode);
  std::vector<SocketOwner> out;
  if (by_inode.empty()) return out;
  DIR* proc = opendir("/proc");
  if (!proc) return out;
  const pid_t self = getpid();
  while (dirent* d = readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(d->d_name, &end, 10);
    if (!end || *end || pid <= 0 || pid == self) continue;
    std::string fddir = std::string("/proc/") + d->d_name + "/fd";
    DIR* fds = opendir(fddir.c_str());
    if (!fds) continue;  // gone, or not ours to see
    std::string comm;
    while (dirent* fd = readdir(fds)) {
      char link[64];
      ssize_t n = readlink((fddir + "/" + fd->d_name).c_str(), link, sizeof link - 1);
      if (n <= 8) continue;
      link[n] = 0;
      if (std::strncmp(link, "socket:[", 8) != 0) continue;
      auto it = by_inode.find(std::strtoull(link + 8, nullptr, 10));
      if (it == by_inode.end()) continue;
      if (comm.empty()) comm = read_comm(d->d_name);
      SocketOwner o;
      o.key = it->second.key;
      o.owner.tgid = o.owner.tid = static_cast<uint32_t>(pid);
      o.owner.uid = it->second.uid;
      std::strncpy(o.owner.comm, comm.c_str(), sizeof o.owner.comm - 1);
      out.push_back(o);
      by_inode.erase(it);  // the first holder found owns it (forked children share)
    }
    closedir(fds);
  }
  closedir(proc);
  return out;
}

}  // namespace strato::ebpf
