#include "cgroup_names.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strato::ebpf {

namespace {

// Cgroups created after the last walk are found by walking again, but an id
// that names nothing (a cgroup already removed) must not make every event of
// that process walk the whole tree.
constexpr auto kRewalkAfter = std::chrono::milliseconds(200);
// systemd and Kubernetes nest a handful of levels; the bound only guards
// against a pathological tree.
constexpr int kMaxDepth = 32;

}  // namespace

CgroupNames::CgroupNames(std::string mount) : mount_(std::move(mount)) {}

const std::string* CgroupNames::find(uint64_t id) {
  if (mount_.empty() || id == 0) return nullptr;
  auto it = paths_.find(id);
  if (it != paths_.end()) return &it->second;
  const auto now = std::chrono::steady_clock::now();
  if (walked_ && now - last_walk_ < kRewalkAfter) return nullptr;
  walk();
  last_walk_ = now;
  walked_ = true;
  it = paths_.find(id);
  return it == paths_.end() ? nullptr : &it->second;
}

void CgroupNames::walk() {
  int fd = open(mount_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st {};
  if (fstat(fd, &st) == 0) paths_[st.st_ino] = "/";
  walk_dir(fd, "", 0);  // closes fd
}

void CgroupNames::walk_dir(int dirfd, const std::string& rel, int depth) {
  DIR* d = fdopendir(dirfd);
  if (!d) {
    close(dirfd);
    return;
  }
  while (dirent* ent = readdir(d)) {
    if ((ent->d_type != DT_DIR && ent->d_type != DT_UNKNOWN) || ent->d_name[0] == '.') continue;
    int child = openat(dirfd, ent->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (child < 0) continue;  // removed meanwhile
    struct stat st {};
    std::string path = rel + "/" + ent->d_name;
    if (fstat(child, &st) == 0) paths_[st.st_ino] = path;
    if (depth + 1 < kMaxDepth)
      walk_dir(child, path, depth + 1);
    else
      close(child);
  }
  closedir(d);
}

}  // namespace strato::ebpf
