#include "owner_hooks.h"

#include <bpf/libbpf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cgroup_filter.h"
#include "syscalls.skel.h"

namespace strato::ebpf {

void set_socket_owner_hooks_autoload(strato_syscalls* skel, bool on) {
  for (bpf_program* p : {skel->progs.own_sock_send, skel->progs.own_sock_recv, skel->progs.own_sock_create,
                         skel->progs.own_bind4, skel->progs.own_bind6})
    bpf_program__set_autoload(p, on);
}

bool attach_socket_owner_hooks(strato_syscalls* skel, std::vector<bpf_link*>& links, std::string& why) {
  for (bpf_program* p : {skel->progs.own_sock_send, skel->progs.own_sock_recv}) {
    bpf_link* l = bpf_program__attach(p);
    if (!l) {
      why = std::string(bpf_program__name(p)) + ": " + std::strerror(errno);
      return false;
    }
    links.push_back(l);
  }
  // At the root of the v2 hierarchy the hooks see every process: cgroup
  // programs apply to the whole subtree below where they are attached.
  const std::string root = cgroup2_mount();
  if (root.empty()) {
    why = "no cgroup v2 hierarchy is mounted";
    return false;
  }
  int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    why = root + ": " + std::strerror(errno);
    return false;
  }
  bool ok = true;
  for (bpf_program* p : {skel->progs.own_sock_create, skel->progs.own_bind4, skel->progs.own_bind6}) {
    bpf_link* l = bpf_program__attach_cgroup(p, fd);
    if (!l) {
      why = std::string(bpf_program__name(p)) + " on " + root + ": " + std::strerror(errno);
      ok = false;
      break;
    }
    links.push_back(l);
  }
  close(fd);  // the links hold the cgroup
  return ok;
}

}  // namespace strato::ebpf
