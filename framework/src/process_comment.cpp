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

// Lines go straight into the caller's string (no temporaries: a live
// capture formats these for every new thread it sees).
class LineWriter {
 public:
  explicit LineWriter(std::string& out) : out_(out), start_(out.size()) {}

  void line(std::string_view key, std::string_view value) {
    if (out_.size() > start_) out_.push_back('\n');
    else if (start_ > 0 && out_.back() != '\n') out_.push_back('\n');
    out_.append(key);
    out_.append(": ");
    size_t at = out_.size();
    out_.append(value);
    // The format is line based: a newline inside a value would start a line.
    if (value.find('\n') == std::string_view::npos && value.find('\r') == std::string_view::npos) return;
    for (size_t i = at; i < out_.size(); ++i)
      if (out_[i] == '\n' || out_[i] == '\r') out_[i] = ' ';
  }

  void text(std::string_view key, const std::string& value) {
    if (!value.empty()) line(key, value);
  }

  template <class T>
  void number(std::string_view key, T v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    line(key, std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
  }

 private:
  std::string& out_;
  size_t start_;
};

template <class T>
bool to_int(std::string_view s, T& v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

void format_process_comment(const ProcessInfo& p, std::string& out) {
  LineWriter w(out);
  if (p.pid >= 0) w.number("PID", p.pid);
  w.text("Cmd", p.exe);
  w.text("Args", p.args);
  if (p.tid >= 0) w.number("ThreadId", p.tid);
  if (p.ppid >= 0) w.number("ParentPID", p.ppid);
  if (p.uid >= 0) w.number("UserId", p.uid);
  w.text("ContainerId", p.container_id);
  w.text("ContainerName", p.container_name);
  w.text("PodName", p.pod_name);
  w.text("PodNamespace", p.pod_namespace);
  w.text("Comm", p.comm);
  w.text("User", p.user_name);
  if (p.cgroup_id != 0) w.number("CgroupID", p.cgroup_id);
  w.text("Cgroup", p.cgroup_path);
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
