#include "cgroup_filter.h"

#include <dirent.h>
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
  return f;
}

bool names_container(const std::string& name, const std::string& id) {
  if (id.empty()) return false;
  size_t dash = name.rfind('-');
  size_t start = dash == std::string::npos ? 0 : dash + 1;
  // "libpod-conmon-<id>.scope": the container's monitor, not the container.
  if (start >= 7 && name.compare(start - 7, 6, "conmon") == 0) return false;
  return name.compare(start, id.size(), id) == 0;
}

bool cgroup_within(const std::string& path, const CgroupFilter& f) {
  if (!f.container.empty()) {
    // Any part of the path: a container's own sub-cgroups are the container's.
    size_t begin = 0;
    while (begin < path.size()) {
      size_t end = path.find('/', begin);
      if (end == std::string::npos) end = path.size();
      if (end > begin && names_container(path.substr(begin, end - begin), f.container)) return true;
      begin = end + 1;
    }
    return false;
  }
  if (f.path == "/") return true;
  return path.compare(0, f.path.size(), f.path) == 0 && (path.size() == f.path.size() || path[f.path.size()] == '/');
}

namespace {

void collect(const std::string& dir, const std::string& rel, const CgroupFilter& f, bool selected,
             std::vector<uint64_t>& out, int depth) {
  if (depth > 64) return;  // far deeper than any real hierarchy: a loop guard
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;
    std::string child_rel = rel + "/" + e->d_name;
    std::string child = dir + "/" + e->d_name;
    bool sel = selected || (f.container.empty() ? child_rel == f.path : names_container(e->d_name, f.container));
    struct stat st {};
    if (sel && stat(child.c_str(), &st) == 0) out.push_back(st.st_ino);
    collect(child, child_rel, f, sel, out, depth + 1);
  }
  closedir(d);
}

}  // namespace

std::vector<uint64_t> selected_cgroups(const std::string& mount, const CgroupFilter& f) {
  std::vector<uint64_t> out;
  if (f.container.empty() && f.path == "/") {
    struct stat st {};
    if (stat(mount.c_str(), &st) == 0) out.push_back(st.st_ino);
  }
  collect(mount, "", f, f.container.empty() && f.path == "/", out, 0);
  return out;
}

}  // namespace strato::ebpf
