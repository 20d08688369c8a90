#pragma once
// --cgroup and --container name a cgroup v2 directory; the BPF programs
// compare its id with the current task's ancestor at the same depth, so
// processes in child cgroups (a container's own sub-cgroups) match too.
#include <cstdint>
#include <string>

namespace strato::ebpf {

struct CgroupFilter {
  std::string path;  // relative to the cgroup v2 root, "/" separated, e.g. "/system.slice/x.scope"
  uint64_t id = 0;   // the directory's inode number, which is the kernel's cgroup id
  uint32_t level = 0;  // depth below the root
};

// Where cgroup v2 is mounted ("/sys/fs/cgroup", or ".../unified" on hybrid hosts); "" if nowhere.
std::string cgroup2_mount();

// `spec` is a path below the v2 root ("/system.slice/nginx.service") or an absolute path under the
// mount. Errors name `flag` and the cause.
CgroupFilter resolve_cgroup(const std::string& spec, const std::string& flag);

// Whether a cgroup path from /proc/PID/cgroup lies inside the filter's cgroup.
bool cgroup_within(const std::string& path, const CgroupFilter& f);

}  // namespace strato::ebpf
