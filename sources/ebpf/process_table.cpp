#include "process_table.h"

#include <dirent.h>
#include <unistd.h>

#include <cctype>
#include <climits>
#include <fstream>
#include <sstream>

namespace strato::ebpf {

namespace {

constexpr size_t kKeepExited = 4096;

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

std::string join_args(const char* p, size_t n) {
  std::string s(p, n);
  while (!s.empty() && s.back() == '\0') s.pop_back();
  for (char& c : s)
    if (c == '\0') c = ' ';
  return s;
}

std::string ProcessTable::container_from_cgroup(const std::string& text) {
  // Docker, containerd, CRI-O and podman all name the container's cgroup
  // after its 64-hex-digit id ("docker-<id>.scope", ".../<id>", "crio-<id>").
  // Their monitor's cgroup ("libpod-conmon-<id>.scope") is not the container.
  size_t run = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && std::isxdigit(static_cast<unsigned char>(text[i])) &&
        !std::isupper(static_cast<unsigned char>(text[i]))) {
      ++run;
      continue;
    }
    if (run == 64 && !(i >= 71 && text.compare(i - 71, 7, "conmon-") == 0)) return text.substr(i - 64, 12);
    run = 0;
  }
  return {};
}

bool ProcessTable::load(uint32_t pid, ProcessEntry& e) const {
  std::string dir = root_ + "/" + std::to_string(pid);
  std::string stat = read_file(dir + "/stat");
  if (stat.empty()) return false;
  // comm may hold spaces and parentheses: fields resume after the last ')'.
  auto close = stat.rfind(')');
  auto open = stat.find('(');
  if (close == std::string::npos || open == std::string::npos) return false;
  e.comm = stat.substr(open + 1, close - open - 1);
  std::istringstream rest(stat.substr(close + 2));
  std::string state;
  rest >> state >> e.ppid;
  std::string status = read_file(dir + "/status");
  auto u = status.find("\nUid:");
  if (u != std::string::npos) e.uid = std::strtoll(status.c_str() + u + 5, nullptr, 10);
  char buf[PATH_MAX];
  ssize_t n = readlink((dir + "/exe").c_str(), buf, sizeof buf - 1);
  e.exe = n > 0 ? std::string(buf, n) : std::string();
  std::string cmd = read_file(dir + "/cmdline");
  e.args = join_args(cmd.data(), cmd.size());
  std::string cg = read_file(dir + "/cgroup");
  e.container_id = container_from_cgroup(cg);
  e.cgroup_path = cgroup_path(cg);
  return true;
}

std::string ProcessTable::cgroup_path(const std::string& text) {
  std::string first;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto a = line.find(':');
    auto b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    if (line.compare(0, 3, "0::") == 0) return line.substr(b + 1);
    if (first.empty()) first = line.substr(b + 1);
  }
  return first;
}

void ProcessTable::seed() {
  DIR* d = opendir(root_.c_str());
  if (!d) return;
  while (dirent* ent = readdir(d)) {
    char* end = nullptr;
    unsigned long pid = std::strtoul(ent->d_name, &end, 10);
    if (!end || *end || pid == 0) continue;
    ProcessEntry e;
    if (load(static_cast<uint32_t>(pid), e)) procs_[static_cast<uint32_t>(pid)] = std::move(e);
  }
  closedir(d);
}

const ProcessEntry* ProcessTable::find_container(const std::string& id) const {
  if (id.empty()) return nullptr;
  // A process killed with its container can linger (a zombie not yet reaped)
  // in a cgroup already removed: "/…/docker-<id>.scope (deleted)".
  static const std::string kDeleted = " (deleted)";
  auto removed = [](const std::string& p) {
    return p.size() >= kDeleted.size() && p.compare(p.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0;
  };
  for (auto& [pid, e] : procs_)
    if (!e.container_id.empty() && !removed(e.cgroup_path) && (e.container_id.compare(0, id.size(), id) == 0 ||
                                    id.compare(0, e.container_id.size(), e.container_id) == 0))
      return &e;
  return nullptr;
}

std::vector<uint32_t> ProcessTable::with_descendants(uint32_t pid) const {
  std::unordered_multimap<int64_t, uint32_t> children;
  for (auto& [p, e] : procs_) children.emplace(e.ppid, p);
  std::vector<uint32_t> out{pid};
  // Breadth first; `out` doubles as the queue. A pid is its own parent only
  // in a corrupt table, and the check keeps that from looping.
  for (size_t i = 0; i < out.size(); ++i) {
    auto [a, b] = children.equal_range(out[i]);
    for (auto it = a; it != b; ++it)
      if (it->second != out[i] && it->second != pid) out.push_back(it->second);
  }
  return out;
}

const ProcessEntry* ProcessTable::find(uint32_t pid) {
  auto it = procs_.find(pid);
  if (it != procs_.end()) return &it->second;
  ProcessEntry e;
  if (!load(pid, e)) return nullptr;
  return &(procs_[pid] = std::move(e));
}

void ProcessTable::on_exec(uint32_t pid, const std::string& comm, const std::string& filename,
                           const std::string& args) {
  ProcessEntry& e = procs_[pid];
  if (e.ppid < 0) load(pid, e);
  e.comm = comm;
  if (!filename.empty()) e.exe = filename;
  e.args = args;
}

void ProcessTable::on_fork(uint32_t parent, uint32_t child, const std::string& comm) {
  ProcessEntry e;
  if (const ProcessEntry* p = find(parent)) e = *p;
  e.ppid = parent;
  e.comm = comm;
  procs_[child] = std::move(e);
}

void ProcessTable::on_exit(uint32_t pid) {
  exited_.push_back(pid);
  while (exited_.size() > kKeepExited) {
    procs_.erase(exited_.front());
    exited_.pop_front();
  }
}

}  // namespace strato::ebpf
