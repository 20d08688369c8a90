// The case strato exists for, with a real container runtime: a container
// whose entrypoint meets "connection refused" and exits, restarted again and
// again (CrashLoopBackOff), watched from the host by its id. runc makes the
// cgroups (v2, and v1 on hybrid hosts) and moves the entrypoint into them the
// way Docker and containerd do; busybox-static is the whole image.
#include <cstdlib>
#include <map>

#include "capture_fixture.h"

namespace {

using namespace strato::test;
using namespace capture_test;

const char kId[] = "decade0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

// A bundle whose entrypoint is `wget http://127.0.0.1:9/` on the host's
// network, in cgroup PARENT/docker-<id>; everything runc made is removed.
class CrashingContainer {
 public:
  CrashingContainer() {
    dir_ = fresh_dir();
    parent_ = "strato-runc-test-" + std::to_string(getpid());
    std::string rootfs = dir_ + "/rootfs";
    auto r = run("mkdir -p '" + rootfs + "/bin' && cp \"$(command -v busybox)\" '" + rootfs + "/bin/busybox' && ln -s busybox '" +
                 rootfs + "/bin/wget' && cd '" + dir_ + "' && runc spec && jq '.process.terminal = false | " +
                 ".process.args = [\"/bin/wget\", \"-q\", \"-O\", \"-\", \"http://127.0.0.1:9/\"] | " +
                 ".linux.namespaces |= map(select(.type != \"network\")) | .root.readonly = true | " +
                 ".linux.cgroupsPath = \"/" + parent_ + "/docker-" + kId + "\"' config.json > c && mv c config.json 2>&1");
    ok_ = r.exit_code == 0;
    setup_ = r.out;
  }
  ~CrashingContainer() {
    // runc removes the container's own cgroups; the parent it made in every hierarchy stays.
    run("for d in /sys/fs/cgroup/*/" + parent_ + " /sys/fs/cgroup/" + parent_ +
        "; do [ -d \"$d\" ] && find \"$d\" -depth -type d -exec rmdir {} \\; ; done 2>/dev/null; true");
  }
  bool ok() const { return ok_; }
  const std::string& setup_output() const { return setup_; }
  // One start: the entrypoint fails and the container is gone. Its own
  // session and no terminal: runc must not touch the test's.
  CommandResult start(int n) const {
    return run("setsid runc run -b '" + dir_ + "' " + parent_ + "-" + std::to_string(n) + " < /dev/null 2>&1");
  }

 private:
  std::string dir_, parent_, setup_;
  bool ok_ = false;
};

TEST(EbpfContainer, RuncContainerCrashLoopingOnARefusedConnectIsShownWithItsPackets) {
  SKIP_WITHOUT_BPF();
  for (const char* p : {"runc", "busybox", "jq", "curl"})
    if (!have_program(p))
      GTEST_SKIP() << "SKIPPED LOUDLY: " << p << " is missing (scripts/setup.sh installs runc, busybox-static and jq)";
  CrashingContainer c;
  ASSERT_TRUE(c.ok()) << c.setup_output();
  const std::string short_id = std::string(kId).substr(0, 12);
  // Started while the container is down, as an SRE would between two restarts.
  Capture cap("--container " + short_id +
              " -i lo --syscalls connect -T fields -e proc.name -e proc.pid -e container.id -e evt.type -e evt.res "
              "-e fd.rport -e tcp.flags.syn -e tcp.flags.reset -e tcp.dstport");
  ASSERT_TRUE(cap.ready()) << cap.err();
  constexpr int kStarts = 3;
  for (int i = 0; i < kStarts; ++i) {
    auto r = c.start(i);
    EXPECT_NE(r.exit_code, 0) << "the entrypoint fails";
    EXPECT_NE(r.out.find("Connection refused"), std::string::npos) << r.out;
  }
  run("curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");  // the host's: filtered out in the kernel
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  std::map<std::string, int> connects_by_pid;
  int syns = 0, rsts = 0;
  for (auto& r : cap.rows()) {
    ASSERT_EQ(r.size(), 9u);
    EXPECT_EQ(r[0], "wget");
    EXPECT_EQ(r[2], short_id) << "named by its container, although its cgroup is gone when the row is read";
    if (r[3] == "connect") {
      EXPECT_EQ(r[4], "ECONNREFUSED");
      EXPECT_EQ(r[5], "9");
      ++connects_by_pid[r[1]];
    } else {
      if (r[6] == "1" && r[8] == "9") ++syns;
      if (r[7] == "1") ++rsts;
    }
  }
  EXPECT_EQ(connects_by_pid.size(), size_t(kStarts)) << "a refused connect from each start's own wget\n" << cap.err();
  EXPECT_EQ(syns, kStarts) << "each start's SYN, attributed to its wget";
  EXPECT_EQ(rsts, kStarts) << "and the RST that refused it";
}

}  // namespace
