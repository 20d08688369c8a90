#pragma once
// The process and fd tables a .scap reader rebuilds, as sysdig does: filled
// from the process, fd and user list blocks, then kept up to date by the
// events (clone/execve/procexit, open/socket/connect/accept/close/dup).
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "strato/event.h"
#include "strato/syscall_event.h"

namespace strato::file {

struct ScapFd {
  std::string name;
  const char* type = "file";  // sysdig's fd.type names: file, ipv4, ipv6, unix, pipe, ...
};
using ScapFdTable = std::unordered_map<int64_t, ScapFd>;

struct ScapThread {
  int64_t tid = -1, pid = -1, ptid = -1;
  int64_t uid = -1;
  std::string comm, exe, args, cwd;  // args: argv[1..] joined by spaces
  // Threads of a process share one table.
  std::shared_ptr<ScapFdTable> fds = std::make_shared<ScapFdTable>();
  // What the last enter event said, for its exit: the fd it used, its
  // type and time (evt.latency), and open's path (older exits lack it).
  int64_t last_fd = -1;
  uint16_t last_enter = 0xffff;
  uint64_t last_enter_ts = 0;
  std::string last_path;
  std::shared_ptr<const ProcessInfo> info;  // rebuilt when the thread changes
};

// What the reader attaches to one event.
struct ScapResolved {
  bool show = true;  // false: sysdig hides it (state only), it is not emitted
  std::shared_ptr<const ProcessInfo> process;
  int64_t fd = -1;
  const ScapFd* fd_info = nullptr;  // valid until the next apply()
  uint64_t latency_ns = 0;
  bool has_latency = false;
};

class ScapState {
 public:
  // From the list blocks; a thread listed again replaces the old entry.
  void add_thread(ScapThread t);
  // After a process list: threads listed before their leader share its fds.
  void link_threads();
  void add_fd(int64_t tid, int64_t fd, ScapFd f);
  void add_user(int64_t uid, std::string name) { users_[uid] = std::move(name); }

  // Applies `v` (already parsed, `info` its schema) and says how to show it.
  void apply(const scap::EventView& v, const scap::EventInfo& info, ScapResolved& out);
  size_t threads() const { return threads_.size(); }

 private:
  ScapThread* find(int64_t tid);
  ScapThread& placeholder(int64_t tid);
  const std::shared_ptr<const ProcessInfo>& snapshot(ScapThread& t);
  void clone_exit(const scap::EventView& v, const scap::EventInfo& info, int64_t tid);
  void execve_exit(const scap::EventView& v, const scap::EventInfo& info, ScapThread& t);
  std::shared_ptr<const ProcessInfo> container_process(const scap::EventView& v);
  void fd_exit(const scap::EventView& v, const scap::EventInfo& info, ScapThread& t, int64_t& fd);

  std::unordered_map<int64_t, ScapThread> threads_;
  std::unordered_map<int64_t, std::string> users_;
  int64_t remove_tid_ = -1;  // a procexit's thread leaves the table after its event
  bool head_ = true;          // no event but container ones yet
  ScapFd closed_;            // the record a close just removed, for that close's own event
};

}  // namespace strato::file
