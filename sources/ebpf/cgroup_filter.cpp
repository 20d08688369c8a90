#include "cgroup_filter.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "strato/error.h"

namespace strato::ebpf {

std::string cgroup2_mount() {
  std::ifstream f("/proc/self/mountinfo");
  std::string line;
  while (std::getline(f, line)) {
    // "36 25 0:31 / /sys/fs/cgroup/unified rw,... - cgroup2 cgroup2 rw"
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream tail(line.substr(dash + 3));
    std::string fstype;
    tail >> fstype;
    if (fstype != "cgroup2") continue;
    std::istringstream head(line.substr(0, dash));
    std::string id, parent, dev, root, mount;
    head >> id >> parent >> dev >> root >> mount;
    if (root == "/") return mount;
  }
  return "";
}

CgroupFilter resolve_cgroup(const std::string& spec, const std::string& flag) {
  std::string mount = cgroup2_mount();
  if (mount.empty()) throw Error("capture: " + flag + ": no cgroup v2 hierarchy is mounted");
  std::string rel = spec;
  if (rel.compare(0, mount.size(), mount) == 0 && (rel.size() == mount.size() || rel[mount.size()] == '/'))
    rel = rel.substr(mount.size());
  if (rel.empty() || rel[0] != '/') rel = "/" + rel;
  while (rel.size() > 1 && rel.back() == '/') rel.pop_back();
  struct stat st {};
  std::string dir = mount + (rel == "/" ? "" : rel);
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error("capture: " + flag + ": no cgroup " + rel + " under " + mount);
  CgroupFilter f;
  f.path = rel;
  f.id = st.st_ino;
  for (size_t i = 1; i < rel.size(); ++i)
    if (rel[i - 1] == '/' && rel[i] != '/') ++f.level;
  return f;
}

bool cgroup_within(const std::string& path, const CgroupFilter& f) {
  if (f.path == "/") return true;
  return path.compare(0, f.path.size(), f.path) == 0 && (path.size() == f.path.size() || path[f.path.size()] == '/');
}

}  // namespace strato::ebpf
