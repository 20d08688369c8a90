#include "scap_state.h"

#include <string_view>

namespace strato::file {

namespace {

using scap::EventInfo;
using scap::EventView;

// Index of the parameter called `name` that the event actually carries
// (older schemas have fewer), or -1.
int param(const EventView& v, const EventInfo& info, std::string_view name) {
  for (size_t i = 0; i < info.params.size() && i < v.params.size(); ++i)
    if (name == info.params[i].name) return static_cast<int>(i);
  return -1;
}

std::string basename_of(std::string_view path) {
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// PT_BYTEBUF argument lists are NUL-separated.
std::string join_args(std::string_view raw) {
  while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
  std::string s(raw);
  for (char& c : s)
    if (c == '\0') c = ' ';
  return s;
}

// "/a/./b/../c" -> "/a/c", as sysdig shows paths joined with the cwd.
std::string normalize(const std::string& path) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string_view seg(path.data() + i, j - i);
    if (seg == "..") {
      auto slash = out.rfind('/');
      out.resize(slash == std::string::npos ? 0 : slash);
    } else if (!seg.empty() && seg != ".") {
      out += '/';
      out += seg;
    }
    i = j + 1;
  }
  return out.empty() ? "/" : out;
}

bool in(std::string_view name, std::initializer_list<std::string_view> names) {
  for (auto n : names)
    if (n == name) return true;
  return false;
}

// ppm clone flag CLONE_THREAD (the driver's own bit numbering).
constexpr uint64_t kPpmCloneThread = 1u << 13;

std::string endpoint(const scap::Endpoint& e) {
  if (e.family == scap::kAfInet6) return scap::endpoint_ip(e) + ":" + std::to_string(e.port);
  if (e.family == scap::kAfInet) return scap::endpoint_ip(e) + ":" + std::to_string(e.port);
  return e.path;
}

const char* family_type(uint8_t family) {
  return family == scap::kAfInet ? "ipv4" : family == scap::kAfInet6 ? "ipv6" : family == scap::kAfUnix ? "unix" : "file";
}

}  // namespace

ScapThread* ScapState::find(int64_t tid) {
  auto it = threads_.find(tid);
  return it == threads_.end() ? nullptr : &it->second;
}

// sysdig shows a thread it has no record of as <NA> and remembers it from
// then on.
ScapThread& ScapState::placeholder(int64_t tid) {
  ScapThread t;
  t.tid = tid;
  t.comm = "<NA>";
  return threads_.emplace(tid, std::move(t)).first->second;
}

void ScapState::add_thread(ScapThread t) {
  // Threads of one process share the fd table the list gives the process.
  if (t.pid != t.tid) {
    if (ScapThread* leader = find(t.pid)) t.fds = leader->fds;
  }
  int64_t tid = t.tid;
  threads_[tid] = std::move(t);
}

void ScapState::link_threads() {
  for (auto& [tid, t] : threads_) {
    if (t.pid == tid) continue;
    if (ScapThread* leader = find(t.pid)) t.fds = leader->fds;
  }
}

void ScapState::add_fd(int64_t tid, int64_t fd, ScapFd f) {
  ScapThread* t = find(tid);
  if (!t) t = &placeholder(tid);
  (*t->fds)[fd] = std::move(f);
}

const std::shared_ptr<const ProcessInfo>& ScapState::snapshot(ScapThread& t) {
  if (!t.info) {
    auto p = std::make_shared<ProcessInfo>();
    p->tid = t.tid;
    p->pid = t.pid;
    p->ppid = t.ptid;
    p->uid = t.uid;
    p->comm = t.comm;
    p->exe = t.exe;
    p->args = t.args.empty() ? t.exe : t.exe + " " + t.args;
    if (t.uid >= 0) {
      auto u = users_.find(t.uid);
      if (u != users_.end()) p->user_name = u->second;
    }
    t.info = std::move(p);
  }
  return t.info;
}

void ScapState::clone_exit(const EventView& v, const EventInfo& info, int64_t tid) {
  int64_t res = v.i64(0);
  if (res < 0) return;
  int ptid = param(v, info, "ptid"), ppid = param(v, info, "pid"), pcomm = param(v, info, "comm"),
      pexe = param(v, info, "exe"), pargs = param(v, info, "args"), pcwd = param(v, info, "cwd"),
      pflags = param(v, info, "flags"), puid = param(v, info, "uid");
  const bool thread = pflags >= 0 && (v.u64(pflags) & kPpmCloneThread);
  int64_t child = res == 0 ? tid : res;
  ScapThread* parent = res == 0 ? (ptid >= 0 ? find(v.i64(ptid)) : nullptr) : find(tid);
  if (res > 0 && find(child)) return;  // the child's own exit came first: it knows best
  ScapThread t;
  t.tid = child;
  if (res == 0) {
    t.pid = ppid >= 0 ? v.i64(ppid) : child;
    t.ptid = ptid >= 0 ? v.i64(ptid) : -1;
  } else {
    t.pid = thread && ppid >= 0 ? v.i64(ppid) : child;
    t.ptid = thread && ptid >= 0 ? v.i64(ptid) : tid;
  }
  if (pexe >= 0) t.exe = std::string(v.str(pexe));
  if (pargs >= 0) t.args = join_args(v.params[pargs]);
  // Drivers often leave cwd empty: the child keeps its parent's.
  if (pcwd >= 0) t.cwd = std::string(v.str(pcwd));
  if (t.cwd.empty() && parent) t.cwd = parent->cwd;
  t.comm = pcomm >= 0 ? std::string(v.str(pcomm)) : basename_of(t.exe);
  if (puid >= 0) t.uid = v.u32(puid);
  else if (parent) t.uid = parent->uid;
  if (ScapThread* leader = t.pid != t.tid ? find(t.pid) : nullptr) {
    t.fds = leader->fds;
  } else if (parent) {
    t.fds = std::make_shared<ScapFdTable>(*parent->fds);
  }
  threads_[child] = std::move(t);
}

void ScapState::execve_exit(const EventView& v, const EventInfo& info, ScapThread& t) {
  if (v.i64(0) < 0) return;
  int pcomm = param(v, info, "comm"), pexe = param(v, info, "exe"), pargs = param(v, info, "args"),
      ppid = param(v, info, "pid"), pptid = param(v, info, "ptid"), pcwd = param(v, info, "cwd"),
      puid = param(v, info, "uid");
  if (pexe >= 0) t.exe = std::string(v.str(pexe));
  if (pargs >= 0) t.args = join_args(v.params[pargs]);
  t.comm = pcomm >= 0 ? std::string(v.str(pcomm)) : basename_of(t.exe);
  if (ppid >= 0) t.pid = v.i64(ppid);
  if (pptid >= 0) t.ptid = v.i64(pptid);
  if (pcwd >= 0 && !v.str(pcwd).empty()) t.cwd = std::string(v.str(pcwd));
  if (puid >= 0) t.uid = v.u32(puid);
  t.info.reset();
}

// fd table changes of exit events; `fd` becomes the fd the event is about
// when the call created it.
void ScapState::fd_exit(const EventView& v, const EventInfo& info, ScapThread& t, int64_t& fd) {
  std::string_view name = info.name;
  int64_t res = v.i64(0);
  auto& fds = *t.fds;
  if (in(name, {"open", "openat", "openat2", "creat", "open_by_handle_at"})) {
    if (res < 0) return;
    int pname = param(v, info, "name");
    std::string path = pname >= 0 ? std::string(v.str(pname)) : t.last_path;
    if (!path.empty() && path[0] != '/' && !t.cwd.empty()) path = normalize(t.cwd + "/" + path);
    fds[res] = {path, "file"};
    fd = res;
  } else if (in(name, {"socket"})) {
    if (res < 0) return;
    fds[res] = {"", "file"};
    fd = res;
  } else if (in(name, {"connect", "accept", "accept4"})) {
    int ptuple = param(v, info, "tuple");
    scap::Endpoint src, dst;
    if (ptuple < 0 || !scap::decode_tuple(v.params[ptuple], src, dst)) return;
    int64_t target = name == "connect" ? t.last_fd : res;
    if (target < 0 || (name == "connect" && res < 0 && res != -115)) return;
    fds[target] = {src.family == scap::kAfUnix ? dst.path : endpoint(src) + "->" + endpoint(dst), family_type(src.family)};
    fd = target;
  } else if (in(name, {"dup", "dup2", "dup3"})) {
    if (res < 0) return;
    auto it = fds.find(t.last_fd);
    if (it != fds.end()) fds[res] = it->second;
    fd = res;
  } else if (in(name, {"pipe", "pipe2"})) {
    int p1 = param(v, info, "fd1"), p2 = param(v, info, "fd2");
    if (res < 0 || p1 < 0 || p2 < 0) return;
    fds[v.i64(p1)] = {"", "pipe"};
    fds[v.i64(p2)] = {"", "pipe"};
  }
}

std::shared_ptr<const ProcessInfo> ScapState::container_process(const EventView& v) {
  auto p = std::make_shared<ProcessInfo>();
  p->tid = p->pid = static_cast<int64_t>(v.tid);
  std::string_view json = v.params.empty() ? std::string_view() : v.str(v.params.size() - 1);
  // Old container events carry the id as their first parameter, newer ones in JSON.
  std::string id;
  size_t at = json.find("\"id\":\"");
  if (at != std::string_view::npos) {
    json.remove_prefix(at + 6);
    id.assign(json.substr(0, json.find('"')));
  } else if (!v.params.empty()) {
    id.assign(v.str(0));
  }
  p->comm = "container:" + id;
  p->container_id = id;
  return p;
}

void ScapState::apply(const EventView& v, const EventInfo& info, ScapResolved& out) {
  if (remove_tid_ >= 0) {
    threads_.erase(remove_tid_);
    remove_tid_ = -1;
  }
  out = ScapResolved{};
  const int64_t tid = static_cast<int64_t>(v.tid);
  std::string_view name = info.name;
  const bool enter = scap::is_enter(v.type);
  if (info.flags & scap::EventInfo::kInternal) {
    out.show = false;
    head_ = false;
    return;
  }
  if (name == "container") {
    // A dumper writes the containers it knows first; sysdig takes those as
    // state. Later ones are shown, as the pseudo process "container:ID".
    if (head_) {
      out.show = false;
      return;
    }
    out.process = container_process(v);
    return;
  }
  head_ = false;
  ScapThread* t = find(tid);
  // A context switch does not make sysdig remember a thread it does not
  // know (idle, kernel threads): no proc.* for it.
  if (!t && name == "switch") return;
  if (!enter && in(name, {"clone", "fork", "vfork", "clone3"})) {
    clone_exit(v, info, tid);
    t = find(tid);
  }
  if (!t) t = &placeholder(tid);
  if (!enter && in(name, {"execve", "execveat"})) execve_exit(v, info, *t);

  // Enter-only events (switch, signaldeliver, ...) must not hide the pending
  // call's enter from its exit.
  const scap::EventInfo* exit_info = enter ? scap::event_schema(v.type | 1) : nullptr;
  const bool enter_only = enter && (!exit_info || (exit_info->flags & scap::EventInfo::kUnused));
  if (enter_only) {
    int pfd = param(v, info, "fd");
    if (pfd >= 0 && info.params[pfd].type == scap::ParamType::Fd) out.fd = v.i64(pfd);
  } else if (enter) {
    int pfd = param(v, info, "fd");
    if (pfd >= 0 && info.params[pfd].type == scap::ParamType::Fd) out.fd = v.i64(pfd);
    t->last_fd = out.fd;
    t->last_enter = v.type;
    t->last_enter_ts = v.ts_ns;
    int ppath = param(v, info, "name");
    if (ppath >= 0 && info.params[ppath].type == scap::ParamType::String) t->last_path = std::string(v.str(ppath));
    else t->last_path.clear();
  } else {
    if (t->last_enter == (v.type & ~1)) {
      out.fd = t->last_fd;
      if (v.ts_ns >= t->last_enter_ts) out.latency_ns = v.ts_ns - t->last_enter_ts, out.has_latency = true;
    }
    fd_exit(v, info, *t, out.fd);
  }
  if (!(info.flags & scap::EventInfo::kUsesFd)) out.fd = -1;
  if (out.fd >= 0) {
    auto it = t->fds->find(out.fd);
    if (it != t->fds->end()) out.fd_info = &it->second;
  }
  out.process = snapshot(*t);
  if (!enter && name == "close" && v.i64(0) >= 0 && t->last_fd >= 0) {
    // The fd record goes, but this event still names it (copied by the caller first).
    out.fd_info = nullptr;
    auto it = t->fds->find(t->last_fd);
    if (it != t->fds->end()) {
      closed_ = it->second;
      out.fd_info = &closed_;
      t->fds->erase(it);
    }
  }
  if (name == "procexit") remove_tid_ = tid;
}

}  // namespace strato::file
