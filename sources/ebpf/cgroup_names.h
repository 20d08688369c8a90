#pragma once
// The cgroup path of a kernel cgroup id, as every record carries it.
// /proc/PID/cgroup alone is not enough: a short-lived process (curl meeting a
// closed port) is often gone before its records are decoded, and a process
// that moves into its container's cgroup after fork (runc does exactly that
// before it execs the entrypoint) still has the parent's copy in the process
// table. The id recorded in the kernel at the event says where it really ran.
#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace strato::ebpf {

class CgroupNames {
 public:
  // `mount` is the cgroup v2 mount; "" (no v2 hierarchy) makes every lookup
  // fail. `by_handle` false: walk only (tests of the fallback).
  explicit CgroupNames(std::string mount, bool by_handle = true);
  ~CgroupNames();
  CgroupNames(const CgroupNames&) = delete;
  CgroupNames& operator=(const CgroupNames&) = delete;
  // Path below the v2 root ("/system.slice/nginx.service", "/" for the root),
  // or nullptr when no cgroup has that id (removed, or never on this host).
  const std::string* find(uint64_t id);
  size_t size() const { return paths_.size(); }
  // A cgroup made during the capture, named by the kernel as it was made:
  // a crash-looping container's cgroup is often removed before its records
  // are decoded, and neither a handle nor a walk finds it then.
  void remember(uint64_t id, std::string path);

 private:
  // The one cgroup of that id, opened by its file handle (kernfs exports the
  // id as one): no walk, but it takes CAP_DAC_READ_SEARCH (gone after -Z).
  bool open_by_id(uint64_t id);
  void walk();
  void walk_dir(int dirfd, const std::string& rel, int depth);
  std::string mount_;
  int mount_fd_ = -1;  // -1: not opened yet; -2: handles do not work here
  std::unordered_map<uint64_t, std::string> paths_;
  std::chrono::steady_clock::time_point last_walk_{};
  bool walked_ = false;
};

}  // namespace strato::ebpf
