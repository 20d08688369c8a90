#pragma once
// --cgroup and --container select cgroup v2 directories, each with
// everything below it: by path, or by the container id a directory's name
// ends in. User space lists the ones that exist at the start; the kernel
// adds the ones made later (a container that starts or restarts), by the
// same rules (names_container here and in syscalls.bpf.c agree).
#include <cstdint>
#include <string>
#include <vector>

namespace strato::ebpf {

struct CgroupFilter {
  std::string path;       // --cgroup: relative to the cgroup v2 root, e.g. "/system.slice/x.scope"
  std::string container;  // --container: the id (12 to 64 lowercase hex digits)
};

// Where cgroup v2 is mounted ("/sys/fs/cgroup", or ".../unified" on hybrid hosts); "" if nowhere.
std::string cgroup2_mount();

// `spec` is a path below the v2 root ("/system.slice/nginx.service") or an absolute path under the
// mount. Errors name `flag` and the cause.
CgroupFilter resolve_cgroup(const std::string& spec, const std::string& flag);

// Whether a cgroup path from /proc/PID/cgroup lies inside a cgroup the filter selects.
bool cgroup_within(const std::string& path, const CgroupFilter& f);

// Whether a cgroup's own name (the last part of its path) is that of container
// `id`: it ends in the id after the last dash ("docker-<id>.scope"), or is it.
bool names_container(const std::string& name, const std::string& id);

// The ids (inode numbers) of the cgroups under `mount` that `f` selects now.
std::vector<uint64_t> selected_cgroups(const std::string& mount, const CgroupFilter& f);

}  // namespace strato::ebpf
