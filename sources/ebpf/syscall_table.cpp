#include "syscall_table.h"

#include <sys/syscall.h>

#include <sstream>

#include "strato/error.h"
#include "strato/syscall_event.h"

namespace strato::ebpf {

namespace {

strato_decode_spec spec(unsigned short flags, unsigned char path = 0, unsigned char path2 = 0,
                        unsigned char addr = 0) {
  strato_decode_spec s{};
  s.flags = flags | STRATO_D_WANT;
  s.path_arg = path;
  s.path2_arg = path2;
  s.addr_arg = addr;
  return s;
}

}  // namespace

const std::vector<SyscallDef>& syscall_defs() {
  using namespace scap;
  static const std::vector<SyscallDef> defs = {
#ifdef SYS_open
      {SYS_open, "open", "file", spec(STRATO_D_PATH, 0), kOpenX},
#endif
#ifdef SYS_creat
      {SYS_creat, "creat", "file", spec(STRATO_D_PATH, 0), kCreatX},
#endif
      {SYS_openat, "openat", "file", spec(STRATO_D_PATH, 1), kOpenat2X},
      {SYS_close, "close", "file", spec(0), kCloseX},
      {SYS_read, "read", "file", spec(STRATO_D_DATA), kReadX},
      {SYS_write, "write", "file", spec(STRATO_D_DATA), kWriteX},
      {SYS_socket, "socket", "net", spec(0), kSocketX},
      {SYS_connect, "connect", "net", spec(STRATO_D_SOCKADDR | STRATO_D_TUPLE_ARG0, 0, 0, 1), kConnectX},
      {SYS_bind, "bind", "net", spec(STRATO_D_SOCKADDR, 0, 0, 1), kBindX},
      {SYS_listen, "listen", "net", spec(0), kListenX},
#ifdef SYS_accept
      {SYS_accept, "accept", "net", spec(STRATO_D_TUPLE_RET), kAccept5X},
#endif
      {SYS_accept4, "accept4", "net", spec(STRATO_D_TUPLE_RET), kAccept46X},
      {SYS_sendto, "sendto", "net", spec(STRATO_D_DATA | STRATO_D_TUPLE_ARG0), kSendtoX},
      {SYS_recvfrom, "recvfrom", "net", spec(STRATO_D_DATA | STRATO_D_TUPLE_ARG0), kRecvfromX},
      {SYS_shutdown, "shutdown", "net", spec(STRATO_D_TUPLE_ARG0), kShutdownX},
      {SYS_getsockopt, "getsockopt", "net", spec(STRATO_D_SOCKOPT), kGetsockoptX},
      {SYS_pread64, "pread64", "file", spec(STRATO_D_DATA), kPreadX},
      {SYS_pwrite64, "pwrite64", "file", spec(STRATO_D_DATA), kPwriteX},
      {SYS_readv, "readv", "file", spec(0), kReadvX},
      {SYS_writev, "writev", "file", spec(0), kWritevX},
#ifdef SYS_openat2
      {SYS_openat2, "openat2", "file", spec(STRATO_D_PATH, 1), kOpenat2SysX},
#endif
#ifdef SYS_rename
      {SYS_rename, "rename", "file", spec(STRATO_D_PATH | STRATO_D_PATH2, 0, 1), kRenameX},
      {SYS_unlink, "unlink", "file", spec(STRATO_D_PATH, 0), kUnlink2X},
      {SYS_mkdir, "mkdir", "file", spec(STRATO_D_PATH, 0), kMkdir2X},
#endif
      {SYS_renameat, "renameat", "file", spec(STRATO_D_PATH | STRATO_D_PATH2, 1, 3), kRenameatX},
      {SYS_renameat2, "renameat2", "file", spec(STRATO_D_PATH | STRATO_D_PATH2, 1, 3), kRenameat2X},
      {SYS_unlinkat, "unlinkat", "file", spec(STRATO_D_PATH, 1), kUnlinkat2X},
      {SYS_mkdirat, "mkdirat", "file", spec(STRATO_D_PATH, 1), kMkdiratX},
      {SYS_sendfile, "sendfile", "file", spec(0), kSendfileX},
      {SYS_sendmsg, "sendmsg", "net", spec(STRATO_D_TUPLE_ARG0), kSendmsgX},
      {SYS_recvmsg, "recvmsg", "net", spec(STRATO_D_TUPLE_ARG0), kRecvmsgX},
      {SYS_execve, "execve", "proc", spec(STRATO_D_EXEC, 0), kExecve19X},
      {SYS_execveat, "execveat", "proc", spec(STRATO_D_EXEC, 1), kExecveatX},
      {SYS_clone, "clone", "proc", spec(0), kClone20X},
#ifdef SYS_fork
      {SYS_fork, "fork", "proc", spec(0), kFork20X},
      {SYS_vfork, "vfork", "proc", spec(0), kVfork20X},
#endif
#ifdef SYS_clone3
      {SYS_clone3, "clone3", "proc", spec(0), kClone3X},
#endif
      {SYS_kill, "kill", "proc", spec(0), kKillX},
      {SYS_tkill, "tkill", "proc", spec(0), kTkillX},
      {SYS_tgkill, "tgkill", "proc", spec(0), kTgkillX},
  };
  return defs;
}

const SyscallDef* find_syscall(long nr) {
  for (auto& d : syscall_defs())
    if (d.nr == nr) return &d;
  return nullptr;
}

std::vector<const SyscallDef*> select_syscalls(const std::string& list) {
  std::vector<const SyscallDef*> out;
  auto add = [&](const SyscallDef* d) {
    for (auto* o : out)
      if (o == d) return;
    out.push_back(d);
  };
  if (list.empty()) {
    for (auto& d : syscall_defs()) add(&d);
    return out;
  }
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    // exit and exit_group never return: the sched exit tracepoint reports
    // them as procexit events (with the status), as sysdig does.
    bool found = item == "exit" || item == "exit_group";
    for (auto& d : syscall_defs()) {
      if (item == d.set || item == d.name || (item == "accept" && std::string(d.name) == "accept4") ||
          (item == "open" && std::string(d.name) == "openat")) {
        add(&d);
        found = true;
      }
    }
    if (!found) {
      std::string known;
      for (auto& d : syscall_defs()) known += std::string(known.empty() ? "" : ", ") + d.name;
      throw usage_error("capture: --syscalls: unknown syscall or set '" + item + "' (sets: net, file, proc; syscalls: " +
                        known + ")");
    }
  }
  return out;
}

}  // namespace strato::ebpf
