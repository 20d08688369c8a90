// --cgroup and --container: kernel-side filters on the cgroup v2 tree, for
// syscalls and for packets. A "container" here is a cgroup named the way
// Docker names them, which is all strato looks at.
#include <cstdlib>

#include "capture_fixture.h"

namespace {

using namespace strato::test;
using namespace capture_test;

const char kContainerId[] = "5ca1ab1e0123456789abcdef0123456789abcdef0123456789abcdef01234567";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A private cgroup tree for one test, removed with everything in it.
class TestCgroup {
 public:
  TestCgroup() {
    mount_ = trim(run("findmnt -t cgroup2 -n -o TARGET | head -1").out);
    if (mount_.empty()) return;
    rel_ = "/strato-test-" + std::to_string(getpid());
    run("mkdir -p '" + mount_ + rel_ + "'");
  }
  ~TestCgroup() {
    if (mount_.empty()) return;
    // Children first; their processes have exited or are killed here.
    run("for f in $(find '" + mount_ + rel_ + "' -name cgroup.procs); do for p in $(cat $f); do kill -9 $p; done; done; "
        "sleep 0.2; find '" + mount_ + rel_ + "' -depth -type d -exec rmdir {} \\; 2>/dev/null");
  }
  bool ok() const { return !mount_.empty(); }
  std::string rel(const std::string& sub = "") const { return rel_ + (sub.empty() ? "" : "/" + sub); }
  std::string dir(const std::string& sub = "") const { return mount_ + rel(sub); }
  // `sh -c CMD` moved into the cgroup first; returns its output (first line: its pid).
  CommandResult run_in(const std::string& sub, const std::string& cmd) const {
    run("mkdir -p '" + dir(sub) + "'");
    return run("sh -c 'echo $$ > \"" + dir(sub) + "/cgroup.procs\" && echo $$ && " + cmd + "'");
  }

 private:
  std::string mount_, rel_;
};

// Rows of proc.name, container.id, evt.type, tcp.flags.syn, tcp.flags.reset
// (and maybe more) of a capture of refused connects: each must be curl's in
// container `short_id`.
struct Refused {
  int connects = 0, syns = 0, rsts = 0;
};
Refused refused_in(const std::vector<std::vector<std::string>>& rows, const std::string& short_id) {
  Refused n;
  for (auto& r : rows) {
    EXPECT_GE(r.size(), 5u);
    if (r.size() < 5) continue;
    EXPECT_EQ(r[0], "curl");
    EXPECT_EQ(r[1], short_id);
    if (r[2] == "connect") ++n.connects;
    if (r[3] == "1") ++n.syns;
    if (r[4] == "1") ++n.rsts;
  }
  return n;
}

TEST(EbpfCgroup, CgroupFilterKeepsToTheCgroupAndItsChildren) {
  SKIP_WITHOUT_BPF();
  TestCgroup cg;
  if (!cg.ok()) GTEST_SKIP() << "no cgroup v2 hierarchy mounted";
  std::string file = fresh_dir() + "/cgroup-known-file";
  run("echo x > " + file);
  run("mkdir -p '" + cg.dir("child") + "'");
  Capture cap("--cgroup " + cg.rel() + " --syscalls openat -Y 'fd.name == \"" + file +
              "\"' -T fields -e proc.pid -e proc.name -e fd.name");
  ASSERT_TRUE(cap.ready()) << cap.err();
  int inside = std::atoi(cg.run_in("child", "cat " + file + " > /dev/null").out.c_str());
  run("cat " + file + " > /dev/null");  // outside the cgroup: must not show up
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  auto rows = cap.rows();
  ASSERT_FALSE(rows.empty()) << cap.err();
  for (auto& r : rows) {
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[1], "cat");
    EXPECT_EQ(r[2], file);
  }
  // The shell moved into the cgroup execs nothing else; cat is its child.
  (void)inside;
  EXPECT_EQ(rows.size(), 1u) << "only the cat inside the cgroup";
}

TEST(EbpfCgroup, ContainerFilterCoversItsSyscallsAndPackets) {
  SKIP_WITHOUT_BPF();
  ASSERT_TRUE(have_program("curl"));
  TestCgroup cg;
  if (!cg.ok()) GTEST_SKIP() << "no cgroup v2 hierarchy mounted";
  const std::string scope = std::string("docker-") + kContainerId + ".scope";
  // Running when the capture starts: a sleeper keeps it alive. So is its
  // monitor (podman's conmon), whose cgroup carries the id but is not it.
  const std::string conmon = std::string("libpod-conmon-") + kContainerId + ".scope";
  cg.run_in(scope, "(sleep 60 > /dev/null 2>&1 &)");
  cg.run_in(conmon, "(sleep 60 > /dev/null 2>&1 &)");
  const std::string short_id = std::string(kContainerId).substr(0, 12);
  Capture cap("--container " + short_id +
              " -i lo --syscalls connect -Y 'tcp.port == 9 || fd.rport == 9' -T fields -e proc.name -e container.id "
              "-e evt.type -e tcp.flags.syn -e tcp.flags.reset");
  ASSERT_TRUE(cap.ready()) << cap.err();
  cg.run_in(scope, "curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");
  cg.run_in(conmon, "curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");  // filtered out
  run("curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");  // the host's curl: filtered out
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  Refused n = refused_in(cap.rows(), short_id);
  EXPECT_EQ(n.connects, 1) << cap.err();
  EXPECT_EQ(n.syns, 1) << "one SYN: the container's curl";
  EXPECT_EQ(n.rsts, 1);
}

// A crash-looping container is down as often as up, and each start is a new
// cgroup of the same name (a new id), removed when it exits: the capture
// starts before the container and follows it through a restart, and its
// records are named after it although its cgroup is gone when they are read.
TEST(EbpfCgroup, ContainerStartedAfterTheCaptureAndRestartedIsFollowed) {
  SKIP_WITHOUT_BPF();
  ASSERT_TRUE(have_program("curl"));
  TestCgroup cg;
  if (!cg.ok()) GTEST_SKIP() << "no cgroup v2 hierarchy mounted";
  const std::string id = "c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
  const std::string scope = "docker-" + id + ".scope", short_id = id.substr(0, 12);
  Capture cap("--container " + short_id +
              " -i lo --syscalls connect -Y 'tcp.port == 9 || fd.rport == 9' -T fields -e proc.name -e container.id "
              "-e evt.type -e tcp.flags.syn -e tcp.flags.reset -e cgroup.path");
  ASSERT_TRUE(cap.ready()) << cap.err();
  EXPECT_NE(cap.err().find("--container " + short_id + " is not running; capturing it from when it starts"),
            std::string::npos)
      << cap.err();
  // Its monitor's cgroup, made after the capture started: not the container.
  cg.run_in("crio-conmon-" + id + ".scope", "curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");
  for (int start = 0; start < 2; ++start) {
    cg.run_in(scope, "curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");
    ASSERT_EQ(run("rmdir '" + cg.dir(scope) + "'").exit_code, 0) << "the container's cgroup goes with it";
  }
  run("curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");  // the host's curl: filtered out
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  auto rows = cap.rows();
  for (auto& r : rows) {
    if (r.size() == 6) {
      EXPECT_EQ(r[5], cg.rel(scope));
    }
  }
  Refused n = refused_in(rows, short_id);
  EXPECT_EQ(n.connects, 2) << "one per start\n" << cap.err();
  EXPECT_EQ(n.syns, 2);
  EXPECT_EQ(n.rsts, 2);
}

// Old kernels (no tp_btf): the cgroup hooks are raw_tp programs that read
// the cgroup with CO-RE probes. Syscalls only: raw_tp learns no owner for a
// SYN sent inside connect() (see RawTpFallbackAttributesTheUdpExchangeToo).
TEST(EbpfCgroup, RawTpContainerStartedAfterTheCaptureAndRestartedIsFollowed) {
  SKIP_WITHOUT_BPF();
  ASSERT_TRUE(have_program("curl"));
  TestCgroup cg;
  if (!cg.ok()) GTEST_SKIP() << "no cgroup v2 hierarchy mounted";
  const std::string id = "decade0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
  const std::string scope = "cri-containerd-" + id + ".scope", short_id = id.substr(0, 12);
  Capture cap("--container " + short_id +
                  " --syscalls connect -Y 'fd.rport == 9' -T fields -e proc.name -e container.id -e cgroup.path",
              "STRATO_EBPF_RAW_TP=1");
  ASSERT_TRUE(cap.ready()) << cap.err();
  EXPECT_NE(cap.err().find("raw_tp"), std::string::npos) << cap.err();
  cg.run_in("crio-conmon-" + id + ".scope", "curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");
  for (int start = 0; start < 2; ++start) {
    cg.run_in(scope, "curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");
    ASSERT_EQ(run("rmdir '" + cg.dir(scope) + "'").exit_code, 0);
  }
  run("curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");  // the host's curl: filtered out
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  auto rows = cap.rows();
  ASSERT_EQ(rows.size(), 2u) << "one connect per start, none of the monitor's or the host's\n" << cap.err();
  for (auto& r : rows) {
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0], "curl");
    EXPECT_EQ(r[1], short_id);
    EXPECT_EQ(r[2], cg.rel(scope));
  }
}

// runc forks, moves the child into the container's cgroup, then execs the
// entrypoint: the process table's copy of the parent then names the host, and
// /proc/PID is often gone by the time a short-lived process's records are
// decoded. The cgroup id the kernel recorded with each event decides.
TEST(EbpfCgroup, ProcessMovedIntoAContainerAfterForkIsNamedByItsCgroup) {
  SKIP_WITHOUT_BPF();
  TestCgroup cg;
  if (!cg.ok()) GTEST_SKIP() << "no cgroup v2 hierarchy mounted";
  const std::string scope = std::string("docker-") + kContainerId + ".scope";
  run("mkdir -p '" + cg.dir(scope) + "'");
  std::string file = fresh_dir() + "/moved-after-fork";
  run("echo x > " + file);
  Capture cap("--syscalls openat,proc -Y 'fd.name == \"" + file +
              "\"' -T fields -e proc.name -e container.id -e cgroup.path");
  ASSERT_TRUE(cap.ready()) << cap.err();
  // The pause lets the fork be decoded while the child is still on the host.
  run("sh -c 'sleep 0.3; echo $$ > \"" + cg.dir(scope) + "/cgroup.procs\" && exec cat " + file + " > /dev/null'");
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  auto rows = cap.rows();
  ASSERT_EQ(rows.size(), 1u) << cap.err();
  ASSERT_EQ(rows[0].size(), 3u);
  EXPECT_EQ(rows[0][0], "cat");
  EXPECT_EQ(rows[0][1], std::string(kContainerId).substr(0, 12));
  EXPECT_EQ(rows[0][2], cg.rel(scope));
}

TEST(EbpfCgroup, UnknownContainerOrCgroupIsNamed) {
  SKIP_WITHOUT_BPF();
  // A container not running now is waited for (it may be crash-looping), and said so.
  auto r = run("'" + strato_bin() + "' capture --container feedfacefeed0 -q -a duration:1 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("--container feedfacefeed0 is not running; capturing it from when it starts"), std::string::npos)
      << r.out;
  r = run("'" + strato_bin() + "' capture --container nginx -c 1 2>&1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("--container nginx: not a container id (12 to 64 hex digits)"), std::string::npos) << r.out;
  r = run("'" + strato_bin() + "' capture --cgroup /no/such/strato/cgroup -c 1 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--cgroup /no/such/strato/cgroup: no cgroup /no/such/strato/cgroup"), std::string::npos) << r.out;
}

}  // namespace
