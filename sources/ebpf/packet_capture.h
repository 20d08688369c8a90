#pragma once
// The TC side of `strato capture -i`: which interfaces to hook, attaching a
// capture program (or a kernel pcap filter that tail-calls it) on their
// ingress and egress (tcx links, or clsact filters on older kernels), following new interfaces with -i any, and
// taking everything off again. Only what strato added is removed: a clsact
// qdisc that was already there (a CNI's) stays, with its filters.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace strato::ebpf {

// Program fds for the two link-layer layouts and directions.
struct TcPrograms {
  int eth_ingress = -1, eth_egress = -1, raw_ingress = -1, raw_egress = -1;
};

struct HookedInterface {
  int ifindex = 0;
  std::string name;
  uint32_t link_type = 1;  // LINKTYPE_ETHERNET or LINKTYPE_RAW
  uint32_t strato_index = 0;  // index in the source's interface list
  bool created_qdisc = false;  // strato added the clsact qdisc (and takes it away)
  bool have_qdisc = false;     // a clsact qdisc is there (clsact filters only)
  uint32_t handle[2] = {0, 0}, priority[2] = {0, 0};  // [0] ingress, [1] egress; 0: not attached
  int link_fd[2] = {-1, -1};  // tcx links, [0] ingress, [1] egress; -1: none
};

// The interfaces -i can name now, with their link type (LINKTYPE_*, 0 when
// strato cannot capture on it) and a description.
struct NetInterface {
  std::string name, description;
  uint32_t link_type = 0;
};
std::vector<NetInterface> list_net_interfaces();

class PacketHooks {
 public:
  // `names`: interface names, or "any". `filter`: a pcap filter ("" for none).
  PacketHooks(std::vector<std::string> names, std::string filter, uint32_t snaplen);
  ~PacketHooks();
  PacketHooks(const PacketHooks&) = delete;
  PacketHooks& operator=(const PacketHooks&) = delete;

  // Hooks the named interfaces (all of them with "any"); `add_interface`
  // registers one with the source and returns its index there. Errors name
  // the interface and the cause.
  void attach(const TcPrograms& progs, std::function<uint32_t(const HookedInterface&)> add_interface);
  // With "any": hooks interfaces created since the last call (pod veths).
  void follow_new_interfaces();
  void detach();

  // The source's interface index for a kernel ifindex, or -1.
  int strato_index(int ifindex) const;
  bool any() const { return any_; }
  // How packets are hooked: "tcx" (links) or "clsact" (filters).
  const char* tc_kind() const { return tcx_ ? "tcx" : "clsact"; }

 private:
  bool hook(int ifindex, const std::string& name, bool explicit_name);
  // Attaches `prog` to one direction of `h`: a tcx link where the kernel
  // has them, else a clsact filter. 0 or -errno.
  int attach_one(HookedInterface& h, int prog, bool egress);
  static void release(HookedInterface& h);
  int filter_prog(uint32_t link_type, bool egress);

  std::vector<std::string> names_;
  std::string filter_;
  uint32_t snaplen_;
  bool any_ = false;
  TcPrograms progs_;
  std::function<uint32_t(const HookedInterface&)> add_interface_;
  std::map<int, HookedInterface> hooked_;  // by ifindex
  // Kept when an interface goes: its last packets may still be queued.
  std::map<int, uint32_t> index_of_;
  // Kernel pcap filters, per (link type, direction), and the prog arrays
  // through which they tail-call the capture programs.
  std::map<std::pair<uint32_t, bool>, int> filter_fds_;
  std::vector<int> prog_arrays_;
  int netlink_fd_ = -1;
  // tcx links (Linux 6.6+) go away with strato's last fd, even after a
  // kill -9, where clsact filters stay until someone removes them. Tried
  // first; clsact once the kernel turns them down, or with
  // STRATO_EBPF_TC_LEGACY=1.
  bool tcx_ = true;
};

}  // namespace strato::ebpf
