#include "cgroup_names.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace strato::ebpf {

namespace {

// Cgroups created after the last walk are found by walking again, but an id
// that names nothing (a cgroup already removed) must not make every event of
// that process walk the whole tree.
constexpr auto kRewalkAfter = std::chrono::milliseconds(200);
// systemd and Kubernetes nest a handful of levels; the bound only guards
// against a pathological tree.
constexpr int kMaxDepth = 32;
constexpr size_t kMaxNames = 65536;

}  // namespace

CgroupNames::CgroupNames(std::string mount, bool by_handle)
    : mount_(std::move(mount)), mount_fd_(by_handle ? -1 : -2) {}

CgroupNames::~CgroupNames() {
  if (mount_fd_ >= 0) close(mount_fd_);
}

bool CgroupNames::open_by_id(uint64_t id) {
  if (mount_fd_ == -2) return false;
  if (mount_fd_ == -1) {
    mount_fd_ = open(mount_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (mount_fd_ < 0) {
      mount_fd_ = -2;
      return false;
    }
  }
  struct {
    file_handle fh;
    uint64_t id;
  } h{};
  h.fh.handle_bytes = sizeof(uint64_t);
  h.fh.handle_type = 0xfe;  // FILEID_KERNFS: the handle is the kernfs node id, i.e. the cgroup id
  std::memcpy(h.fh.f_handle, &id, sizeof id);
  int fd = open_by_handle_at(mount_fd_, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    // Not permitted (after -Z) or not supported: walking still works.
    if (errno == EPERM || errno == EOPNOTSUPP || errno == EINVAL || errno == ENOSYS) {
      close(mount_fd_);
      mount_fd_ = -2;
    }
    return false;
  }
  char link[64], path[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  close(fd);
  if (n <= 0) return false;
  std::string full(path, static_cast<size_t>(n));
  if (full.compare(0, mount_.size(), mount_) != 0) return false;  // another mount namespace's view
  std::string rel = full.substr(mount_.size());
  paths_[id] = rel.empty() ? "/" : rel;
  return true;
}

void CgroupNames::remember(uint64_t id, std::string path) {
  if (mount_.empty() || id == 0 || path.empty()) return;
  if (paths_.size() >= kMaxNames) paths_.clear();
  paths_[id] = std::move(path);
}

const std::string* CgroupNames::find(uint64_t id) {
  if (mount_.empty() || id == 0) return nullptr;
  auto it = paths_.find(id);
  if (it != paths_.end()) return &it->second;
  // Containers come and go for as long as a capture runs: bounded, and
  // rebuilt on demand (one handle lookup per cgroup still in use).
  if (paths_.size() >= kMaxNames) paths_.clear();
  if (open_by_id(id)) return &paths_[id];
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
