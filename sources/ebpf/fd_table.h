#pragma once
// Names of open file descriptors per process, so read/write/close events
// say which file or connection they touch (fd.name). Kept current from
// open/socket/connect/accept/close events; descriptors opened before the
// capture started are looked up in /proc/PID/fd on first use.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "proc_sockets.h"

namespace strato::ebpf {

struct FdEntry {
  FdEntry() = default;
  // `local`: which end of an inet socket's "client->server" name is this
  // process's ("client" after connect, "server" after accept), or empty.
  FdEntry(std::string n, std::string t, std::string_view local = {});
  std::string name, type;  // type: file, ipv4, ipv6, unix, pipe, socket, ...
  // "\nFdName: NAME\nFdType: TYPE\nFdLocal: END" (a line only when not
  // empty), as the event comment carries them: made once, appended to every
  // event.
  std::string note;
};

class FdTable {
 public:
  explicit FdTable(std::string proc_root = "/proc") : root_(proc_root), sockets_(std::move(proc_root)) {}
  void set(uint32_t pid, int64_t fd, std::string name, std::string type, std::string_view local = {});
  void close(uint32_t pid, int64_t fd);
  void forget(uint32_t pid);
  // nullptr when unknown and not in /proc either.
  const FdEntry* find(uint32_t pid, int64_t fd);

 private:
  using Fds = std::unordered_map<int64_t, FdEntry>;
  Fds& fds_of(uint32_t pid);
  std::string root_;
  ProcSocketNames sockets_;  // names of TCP/UDP sockets found in /proc
  std::unordered_map<uint32_t, Fds> procs_;
  // The last process looked up: a syscall stream mostly repeats it. Map
  // nodes stay put, so the pointer holds until that process is forgotten.
  uint32_t last_pid_ = 0;
  Fds* last_ = nullptr;
};

}  // namespace strato::ebpf
