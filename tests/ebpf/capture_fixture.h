#pragma once
// What the `strato capture` tests share: running a capture in the background
// and stopping it like a user would, and skipping loudly without privileges.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "test_support.h"

namespace capture_test {

using namespace strato::test;

inline std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

inline std::vector<std::string> split(const std::string& line, char sep = '\t') {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  if (!line.empty() && line.back() == sep) out.push_back("");
  return out;
}

// temp_dir() is one directory per test binary: each capture gets its own.
inline std::string fresh_dir() {
  std::string tmpl = temp_dir() + "/capture-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  return mkdtemp(buf.data());
}

// Why these tests cannot run here, or "" when they can.
inline std::string skip_reason() {
  if (geteuid() != 0) return "not root: live eBPF capture needs root or CAP_BPF+CAP_PERFMON";
  if (!exists(build_dir() + "/plugins/ebpf.so"))
    return "the ebpf plugin was not built (clang, bpftool, libbpf-dev or kernel BTF missing: see CMake's warning)";
  if (!exists("/sys/kernel/btf/vmlinux")) return "the kernel has no BTF (/sys/kernel/btf/vmlinux)";
  return "";
}

#define SKIP_WITHOUT_BPF()                                                       \
  do {                                                                           \
    std::string why = skip_reason();                                             \
    if (!why.empty()) {                                                          \
      std::fprintf(stderr, "\n*** SKIPPING eBPF capture test: %s ***\n\n", why.c_str()); \
      GTEST_SKIP() << why;                                                       \
    }                                                                            \
  } while (0)

// One `strato capture` run in the background, stopped with SIGINT.
class Capture {
 public:
  explicit Capture(const std::string& args, const std::string& env = "") {
    dir_ = fresh_dir();
    std::string inner = env + " '" + strato_bin() + "' capture " + args + " > " + dir_ + "/out 2> " + dir_ + "/err & echo \\$! > " +
                        dir_ + "/pid; wait \\$!; echo \\$? > " + dir_ + "/rc";
    run("sh -c \"" + inner + "\" > /dev/null 2>&1 &");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (slurp(dir_ + "/err").find("Capturing on") != std::string::npos) break;
      if (exists(dir_ + "/rc")) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    pid_ = std::atoi(slurp(dir_ + "/pid").c_str());
  }
  ~Capture() {
    if (!stopped_ && pid_ > 0) kill(pid_, SIGKILL);
  }
  bool ready() const { return slurp(dir_ + "/err").find("Capturing on") != std::string::npos; }
  int pid() const { return pid_; }
  std::string err() const { return slurp(dir_ + "/err"); }
  std::string out() const { return slurp(dir_ + "/out"); }

  // SIGINT (unless it ends by itself), then wait generously for the exit code.
  int stop(bool interrupt = true) {
    stopped_ = true;
    if (interrupt && pid_ > 0 && !exists(dir_ + "/rc")) kill(pid_, SIGINT);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!exists(dir_ + "/rc") || slurp(dir_ + "/rc").empty()) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::atoi(slurp(dir_ + "/rc").c_str());
  }
  std::vector<std::vector<std::string>> rows() const {
    std::vector<std::vector<std::string>> out;
    for (auto& l : split_lines(slurp(dir_ + "/out")))
      if (!l.empty()) out.push_back(split(l));
    return out;
  }

 private:
  std::string dir_;
  int pid_ = -1;
  bool stopped_ = false;
};

// Runs `cmd` through `sh -c 'echo $$; exec CMD'` and returns the pid the
// command ran as.
inline int run_as_known_pid(const std::string& cmd) {
  auto r = run("sh -c 'echo $$; exec " + cmd + "'");
  return std::atoi(r.out.c_str());
}

// The closing line: "N events captured, N dropped by kernel, N dropped by user space".
struct Summary {
  unsigned long long captured = 0, kernel = 0, user = 0;
};
inline bool parse_summary(const std::string& err, Summary& s) {
  auto at = err.find("events captured");
  if (at == std::string::npos) return false;
  auto line_start = err.rfind('\n', at);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  return std::sscanf(err.c_str() + line_start, "%llu events captured, %llu dropped by kernel, %llu dropped by user space",
                     &s.captured, &s.kernel, &s.user) == 3;
}

}  // namespace capture_test
