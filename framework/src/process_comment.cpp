#include "strato/process_comment.h"

#include <charconv>
#include <cstdint>

namespace strato {

namespace {

enum class Key { Pid, Tid, Ppid, Uid, CgroupId, Comm, Exe, Args, ContainerId, ContainerName, PodName,
                 PodNamespace, User, Cgroup, ThreadName, Other };

struct KeyName {
  std::string_view name;
  Key key;
};

// Order is the order lines are written in: ptcpdump's first.
constexpr KeyName kKeys[] = {
    {"PID", Key::Pid},
    {"Cmd", Key::Exe},
    {"Args", Key::Args},
    {"ThreadId", Key::Tid},
    {"ParentPID", Key::Ppid},
    {"UserId", Key::Uid},
    {"ContainerId", Key::ContainerId},
    {"ContainerName", Key::ContainerName},
    {"PodName", Key::PodName},
    {"PodNamespace", Key::PodNamespace},
    {"Comm", Key::Comm},
    {"User", Key::User},
    {"CgroupID", Key::CgroupId},
    {"Cgroup", Key::Cgroup},
};

// ptcpdump keys strato does not keep; still process lines, so never copied twice.
constexpr std::string_view kOtherKeys[] = {"ThreadName", "GroupId", "ParentCmd", "ParentArgs", "ContainerImage",
                                           "ContainerLabels", "PodUID", "PodLabels", "PodAnnotations"};

bool split(std::string_view line, std::string_view& key, std::string_view& value) {
  size_t c = line.find(": ");
  if (c == std::string_view::npos || c == 0) return false;
  key = line.substr(0, c);
  value = line.substr(c + 2);
  if (!value.empty() && value.back() == '\r') value.remove_suffix(1);
  return true;
}

Key lookup(std::string_view key) {
  for (const auto& k : kKeys)
    if (k.name == key) return k.key;
  if (key == "ThreadName") return Key::ThreadName;
  return Key::Other;
}

void line(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty() && out.back() != '\n') out.push_back('\n');
  out.append(key);
  out.append(": ");
  size_t at = out.size();
  out.append(value);
  for (size_t i = at; i < out.size(); ++i)
    if (out[i] == '\n' || out[i] == '\r') out[i] = ' ';
}

void number(std::string& out, std::string_view key, int64_t v) {
  if (v >= 0) line(out, key, std::to_string(v));
}

template <class T>
bool to_int(std::string_view s, T& v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

void format_process_comment(const ProcessInfo& p, std::string& out) {
  size_t start = out.size();
  std::string lines;
  number(lines, "PID", p.pid);
  if (!p.exe.empty()) line(lines, "Cmd", p.exe);
  if (!p.args.empty()) line(lines, "Args", p.args);
  number(lines, "ThreadId", p.tid);
  number(lines, "ParentPID", p.ppid);
  number(lines, "UserId", p.uid);
  if (!p.container_id.empty()) line(lines, "ContainerId", p.container_id);
  if (!p.container_name.empty()) line(lines, "ContainerName", p.container_name);
  if (!p.pod_name.empty()) line(lines, "PodName", p.pod_name);
  if (!p.pod_namespace.empty()) line(lines, "PodNamespace", p.pod_namespace);
  if (!p.comm.empty()) line(lines, "Comm", p.comm);
  if (!p.user_name.empty()) line(lines, "User", p.user_name);
  if (p.cgroup_id != 0) line(lines, "CgroupID", std::to_string(p.cgroup_id));
  if (!p.cgroup_path.empty()) line(lines, "Cgroup", p.cgroup_path);
  if (lines.empty()) return;
  if (start > 0 && out.back() != '\n') out.push_back('\n');
  out += lines;
}

bool parse_process_comment(std::string_view comment, ProcessInfo& p) {
  bool any = false, have_comm = false;
  std::string_view thread_name;
  while (!comment.empty()) {
    size_t nl = comment.find('\n');
    std::string_view l = comment.substr(0, nl);
    comment.remove_prefix(nl == std::string_view::npos ? comment.size() : nl + 1);
    std::string_view key, v;
    if (!split(l, key, v)) continue;
    Key k = lookup(key);
    bool ok = true;
    switch (k) {
      case Key::Pid: ok = to_int(v, p.pid); break;
      case Key::Tid: ok = to_int(v, p.tid); break;
      case Key::Ppid: ok = to_int(v, p.ppid); break;
      case Key::Uid: ok = to_int(v, p.uid); break;
      case Key::CgroupId: ok = to_int(v, p.cgroup_id); break;
      case Key::Comm: p.comm.assign(v), have_comm = true; break;
      case Key::Exe: p.exe.assign(v); break;
      case Key::Args: p.args.assign(v); break;
      case Key::ContainerId: p.container_id.assign(v); break;
      case Key::ContainerName: p.container_name.assign(v); break;
      case Key::PodName: p.pod_name.assign(v); break;
      case Key::PodNamespace: p.pod_namespace.assign(v); break;
      case Key::User: p.user_name.assign(v); break;
      case Key::Cgroup: p.cgroup_path.assign(v); break;
      case Key::ThreadName: thread_name = v; break;
      case Key::Other: ok = false; break;
    }
    any = any || ok;
  }
  if (!any) return false;
  if (!have_comm) {
    if (!thread_name.empty()) {
      p.comm.assign(thread_name);
    } else if (!p.exe.empty()) {
      std::string_view base = p.exe;
      size_t slash = base.rfind('/');
      if (slash != std::string_view::npos) base.remove_prefix(slash + 1);
      p.comm.assign(base.substr(0, 15));  // the kernel's comm is at most 15 characters
    }
  }
  return true;
}

bool is_process_comment_line(std::string_view line) {
  std::string_view key, v;
  if (!split(line, key, v)) return false;
  if (lookup(key) != Key::Other) return true;
  for (auto k : kOtherKeys)
    if (k == key) return true;
  return false;
}

}  // namespace strato
