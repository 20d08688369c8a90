#pragma once
// What strato knows about each process: seeded from /proc when the capture
// starts (so long-lived processes have names, exe and cmdline) and kept
// current by the exec/fork/exit records. Exited processes stay a while so
// events that arrive late still resolve.
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "strato/event.h"

namespace strato::ebpf {

struct ProcessEntry {
  int64_t ppid = -1, uid = -1;
  std::string comm, exe, args, container_id, cgroup_path;
};

class ProcessTable {
 public:
  explicit ProcessTable(std::string proc_root = "/proc") : root_(std::move(proc_root)) {}
  void seed();
  void on_exec(uint32_t pid, const std::string& comm, const std::string& filename, const std::string& args);
  void on_fork(uint32_t parent, uint32_t child, const std::string& comm);
  void on_exit(uint32_t pid);
  // Entry for pid, read from /proc if unseen; nullptr when gone.
  const ProcessEntry* find(uint32_t pid);
  // Container id (12 hex digits, as sysdig) from a cgroup path; "" for the host.
  static std::string container_from_cgroup(const std::string& cgroup_text);
  // The cgroup v2 path ("0::/system.slice/nginx.service"), else the first hierarchy's.
  static std::string cgroup_path(const std::string& cgroup_text);
  size_t size() const { return procs_.size(); }
  // pid and every process below it, as far as the table knows (--pid takes
  // the children a process already has, not only those it forks later).
  std::vector<uint32_t> with_descendants(uint32_t pid) const;
  // A process whose container id starts with `id` (12 or 64 hex digits), or nullptr.
  const ProcessEntry* find_container(const std::string& id) const;

 private:
  bool load(uint32_t pid, ProcessEntry& e) const;
  std::string root_;
  std::unordered_map<uint32_t, ProcessEntry> procs_;
  std::deque<uint32_t> exited_;
};

// "a\0b\0c" → "a b c"
std::string join_args(const char* p, size_t n);

}  // namespace strato::ebpf
