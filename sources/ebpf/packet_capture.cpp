#include "packet_capture.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <pcap/dlt.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "strato/error.h"
#include "tc_filter.h"

namespace strato::ebpf {

namespace {

constexpr uint32_t kLinkEthernet = 1, kLinkRaw = 101;

// Debian 12's headers and libbpf predate tcx (Linux 6.6): its attach types
// and the flag that puts a program first, as the kernel's UAPI numbers them.
constexpr uint32_t kTcxIngress = 46, kTcxEgress = 47, kBeforeAll = 1u << 3;

// A tcx link for `prog` on one direction of `ifindex`, in front of any
// program already there (a CNI's may end the chain or redirect the packet,
// and a capture should see what arrived and what was sent), or -errno.
int tcx_link(int prog, int ifindex, bool egress) {
  union bpf_attr a;
  std::memset(&a, 0, sizeof a);
  a.link_create.prog_fd = static_cast<uint32_t>(prog);
  a.link_create.target_ifindex = static_cast<uint32_t>(ifindex);
  a.link_create.attach_type = egress ? kTcxEgress : kTcxIngress;
  a.link_create.flags = kBeforeAll;
  int fd = static_cast<int>(syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof a));
  return fd < 0 ? -errno : fd;
}

// ARPHRD_* of an interface, from sysfs; -1 when it is gone.
int arp_type(const std::string& name) {
  std::ifstream f("/sys/class/net/" + name + "/type");
  int t = -1;
  f >> t;
  return f ? t : -1;
}

// Where the network header starts decides the program: Ethernet-like
// devices (lo included) carry a 14-byte header, tunnels none.
bool link_type_of(int arphrd, uint32_t& lt) {
  switch (arphrd) {
    case 1:    // ETHER
    case 772:  // LOOPBACK
      lt = kLinkEthernet;
      return true;
    case 65534:  // NONE: tun, wireguard
    case 768:    // TUNNEL (ipip)
    case 769:    // TUNNEL6
    case 776:    // SIT
    case 778:    // IPGRE
    case 823:    // IP6GRE
      lt = kLinkRaw;
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<NetInterface> list_net_interfaces() {
  std::vector<NetInterface> out;
  struct if_nameindex* all = if_nameindex();
  if (!all) return out;
  for (struct if_nameindex* i = all; i->if_index; ++i) {
    NetInterface n;
    n.name = i->if_name;
    int type = arp_type(n.name);
    if (!link_type_of(type, n.link_type)) n.link_type = 0;
    n.description = type == 772 ? "loopback" : n.link_type == kLinkEthernet ? "Ethernet" : n.link_type == kLinkRaw ? "raw IP"
                                                                                            : "ARPHRD " + std::to_string(type) + ", not supported";
    out.push_back(n);
  }
  if_freenameindex(all);
  return out;
}

PacketHooks::PacketHooks(std::vector<std::string> names, std::string filter, uint32_t snaplen)
    : names_(std::move(names)), filter_(std::move(filter)), snaplen_(snaplen) {
  for (auto& n : names_)
    if (n == "any") any_ = true;
  if (std::getenv("STRATO_EBPF_TC_LEGACY")) tcx_ = false;
}

int PacketHooks::attach_one(HookedInterface& h, int prog, bool egress) {
  const int dir = egress ? 1 : 0;
  if (tcx_) {
    int fd = tcx_link(prog, h.ifindex, egress);
    if (fd >= 0) {
      h.link_fd[dir] = fd;
      return 0;
    }
    // EINVAL: a kernel without tcx (an attach type it does not know).
    if (fd != -EINVAL) return fd;
    tcx_ = false;
  }
  if (!h.created_qdisc && !h.have_qdisc) {
    LIBBPF_OPTS(bpf_tc_hook, qdisc, .ifindex = h.ifindex, .attach_point = BPF_TC_INGRESS);
    int err = bpf_tc_hook_create(&qdisc);
    if (err && err != -EEXIST) return err;
    h.created_qdisc = err == 0;
    h.have_qdisc = true;
  }
  LIBBPF_OPTS(bpf_tc_hook, where, .ifindex = h.ifindex, .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
  LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog);
  int err = bpf_tc_attach(&where, &opts);
  if (err) return err;
  h.handle[dir] = opts.handle;
  h.priority[dir] = opts.priority;
  return 0;
}

void PacketHooks::release(HookedInterface& h) {
  for (int dir = 0; dir < 2; ++dir) {
    if (h.link_fd[dir] >= 0) close(h.link_fd[dir]);  // the last fd: the kernel detaches it
    h.link_fd[dir] = -1;
    if (!h.priority[dir]) continue;
    LIBBPF_OPTS(bpf_tc_hook, where, .ifindex = h.ifindex, .attach_point = dir ? BPF_TC_EGRESS : BPF_TC_INGRESS);
    LIBBPF_OPTS(bpf_tc_opts, opts, .handle = h.handle[dir], .priority = h.priority[dir]);
    bpf_tc_detach(&where, &opts);
    h.priority[dir] = 0;
  }
  if (h.created_qdisc) {
    LIBBPF_OPTS(bpf_tc_hook, qdisc, .ifindex = h.ifindex,
                .attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS));
    bpf_tc_hook_destroy(&qdisc);
    h.created_qdisc = false;
  }
}

PacketHooks::~PacketHooks() { detach(); }

int PacketHooks::filter_prog(uint32_t link_type, bool egress) {
  auto key = std::make_pair(link_type, egress);
  auto it = filter_fds_.find(key);
  if (it != filter_fds_.end()) return it->second;
  int target = link_type == kLinkEthernet ? (egress ? progs_.eth_egress : progs_.eth_ingress)
                                          : (egress ? progs_.raw_egress : progs_.raw_ingress);
  int arr = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "strato_tail", 4, 4, 1, nullptr);
  if (arr < 0) throw Error(std::string("ebpf: cannot create a program array for -f: ") + std::strerror(errno));
  prog_arrays_.push_back(arr);
  uint32_t zero = 0;
  if (bpf_map_update_elem(arr, &zero, &target, 0) != 0)
    throw Error(std::string("ebpf: cannot chain the -f filter to the capture program: ") + std::strerror(errno));
  int fd = load_tc_filter(filter_, link_type == kLinkEthernet ? DLT_EN10MB : DLT_RAW, snaplen_, arr);
  filter_fds_[key] = fd;
  return fd;
}

bool PacketHooks::hook(int ifindex, const std::string& name, bool explicit_name) {
  if (hooked_.count(ifindex)) return true;
  uint32_t lt = 0;
  int type = arp_type(name);
  if (!link_type_of(type, lt)) {
    if (explicit_name) throw Error("capture: -i " + name + ": link type (ARPHRD " + std::to_string(type) + ") not supported");
    std::fprintf(stderr, "strato: %s: link type (ARPHRD %d) not supported, not captured\n", name.c_str(), type);
    return false;
  }
  HookedInterface h;
  h.ifindex = ifindex;
  h.name = name;
  h.link_type = lt;

  // lo hands every packet to its own ingress: one hook shows each once, as tcpdump -i lo does.
  const bool loopback = type == 772;
  for (int dir = loopback ? 1 : 0; dir < 2; ++dir) {
    const bool egress = dir == 1;
    int prog = !filter_.empty() ? filter_prog(lt, egress)
               : lt == kLinkEthernet ? (egress ? progs_.eth_egress : progs_.eth_ingress)
                                     : (egress ? progs_.raw_egress : progs_.raw_ingress);
    int err = attach_one(h, prog, egress);
    if (err) {
      release(h);  // the half that worked
      if (!explicit_name && err == -ENODEV) return false;  // gone again
      throw Error("capture: -i " + name + ": cannot attach the " + (egress ? "egress" : "ingress") +
                  " program: " + std::strerror(-err));
    }
  }
  h.strato_index = add_interface_(h);
  hooked_[ifindex] = h;
  index_of_[ifindex] = h.strato_index;
  return true;
}

void PacketHooks::attach(const TcPrograms& progs, std::function<uint32_t(const HookedInterface&)> add_interface) {
  progs_ = progs;
  add_interface_ = std::move(add_interface);
  if (any_) {
    // Subscribe before listing, so an interface created in between is not missed.
    netlink_fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (netlink_fd_ >= 0) {
      sockaddr_nl sa{};
      sa.nl_family = AF_NETLINK;
      sa.nl_groups = RTMGRP_LINK;
      if (bind(netlink_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        close(netlink_fd_);
        netlink_fd_ = -1;
      }
    }
    if (netlink_fd_ < 0)
      std::fprintf(stderr, "strato: -i any: cannot watch for new interfaces (%s); capturing the current ones\n",
                   std::strerror(errno));
    struct if_nameindex* all = if_nameindex();
    if (all) {
      for (struct if_nameindex* i = all; i->if_index; ++i) hook(static_cast<int>(i->if_index), i->if_name, false);
      if_freenameindex(all);
    }
  }
  for (auto& n : names_) {
    if (n == "any") continue;
    unsigned idx = if_nametoindex(n.c_str());
    if (!idx) throw Error("capture: -i " + n + ": no such interface");
    hook(static_cast<int>(idx), n, true);
  }
}

void PacketHooks::follow_new_interfaces() {
  if (netlink_fd_ < 0) return;
  char buf[8192];
  bool changed = false;
  for (;;) {
    ssize_t n = recv(netlink_fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    for (auto* nh = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nh, static_cast<unsigned>(n)); nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_type == RTM_NEWLINK) changed = true;
      if (nh->nlmsg_type == RTM_DELLINK) {
        auto* ifi = static_cast<ifinfomsg*>(NLMSG_DATA(nh));
        auto it = hooked_.find(ifi->ifi_index);
        if (it != hooked_.end()) {
          // Its qdisc and filters went with it; its tcx links are left
          // detached, for us to close.
          for (int& fd : it->second.link_fd)
            if (fd >= 0) close(fd), fd = -1;
          hooked_.erase(it);
        }
      }
    }
  }
  if (!changed) return;
  struct if_nameindex* all = if_nameindex();
  if (all) {
    for (struct if_nameindex* i = all; i->if_index; ++i) {
      try {
        hook(static_cast<int>(i->if_index), i->if_name, false);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "strato: %s\n", e.what());  // one interface failing does not end the capture
      }
    }
    if_freenameindex(all);
  }
}

void PacketHooks::detach() {
  for (auto& [ifindex, h] : hooked_) release(h);
  hooked_.clear();
  for (auto& [k, fd] : filter_fds_) close(fd);
  filter_fds_.clear();
  for (int fd : prog_arrays_) close(fd);
  prog_arrays_.clear();
  if (netlink_fd_ >= 0) close(netlink_fd_);
  netlink_fd_ = -1;
}

int PacketHooks::strato_index(int ifindex) const {
  auto it = index_of_.find(ifindex);
  return it == index_of_.end() ? -1 : static_cast<int>(it->second);
}

}  // namespace strato::ebpf
