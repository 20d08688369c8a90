#include "fd_table.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>

namespace strato::ebpf {

FdEntry::FdEntry(std::string n, std::string t, std::string_view local) : name(std::move(n)), type(std::move(t)) {
  if (!name.empty()) note.append("\nFdName: ").append(name);
  if (!type.empty()) note.append("\nFdType: ").append(type);
  if (!local.empty()) note.append("\nFdLocal: ").append(local);
}

FdTable::Fds& FdTable::fds_of(uint32_t pid) {
  if (!last_ || last_pid_ != pid) {
    last_ = &procs_[pid];
    last_pid_ = pid;
  }
  return *last_;
}

void FdTable::set(uint32_t pid, int64_t fd, std::string name, std::string type, std::string_view local) {
  if (fd < 0) return;
  fds_of(pid)[fd] = FdEntry{std::move(name), std::move(type), local};
}

void FdTable::close(uint32_t pid, int64_t fd) {
  auto it = procs_.find(pid);
  if (it != procs_.end()) it->second.erase(fd);
}

void FdTable::forget(uint32_t pid) {
  if (pid == last_pid_) last_ = nullptr;
  procs_.erase(pid);
}

const FdEntry* FdTable::find(uint32_t pid, int64_t fd) {
  if (fd < 0) return nullptr;
  Fds& fds = fds_of(pid);
  auto it = fds.find(fd);
  if (it != fds.end()) return &it->second;
  char buf[PATH_MAX];
  std::string link = root_ + "/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
  ssize_t n = readlink(link.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return nullptr;
  std::string name(buf, n);
  // A socket open before the capture: named by its ends, as a connect or
  // accept seen live would have named it.
  SocketName sn;
  if (name.rfind("socket:[", 0) == 0 && sockets_.find(pid, std::strtoull(name.c_str() + 8, nullptr, 10), sn))
    return &(fds[fd] = FdEntry{std::move(sn.name), std::move(sn.type), sn.local});
  std::string type = name[0] == '/' ? "file" : name.substr(0, name.find(':'));
  return &(fds[fd] = FdEntry{std::move(name), std::move(type)});
}

}  // namespace strato::ebpf
