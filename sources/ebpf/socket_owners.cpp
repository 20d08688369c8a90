#include "socket_owners.h"

#include "proc_sockets.h"

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

struct Sock {
  strato_flow_key key{};
  uint32_t uid = 0;
};

void add_sockets(std::unordered_map<uint64_t, Sock>& by_inode) {
  for (const ProcSocket& p : read_proc_sockets("/proc/net")) {
    if (!p.lport) continue;
    Sock s;
    s.key.proto = p.proto;
    s.uid = p.uid;
    std::memcpy(s.key.laddr, p.laddr, 16);
    s.key.lport = p.lport;
    // A listener or an unconnected UDP socket answers for its port: remote zero.
    if (p.rport) std::memcpy(s.key.raddr, p.raddr, 16);
    s.key.rport = p.rport;
    by_inode[p.inode] = s;
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
  add_sockets(by_inode);
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
