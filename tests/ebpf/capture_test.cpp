// `strato capture` end to end: real BPF programs, real processes. These need
// root (CI runs as root); elsewhere they skip, saying why.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "capture_fixture.h"
#include "test_support.h"

namespace {

using namespace strato::test;
using namespace capture_test;

// Polls `done` for up to 30 s.
template <class F>
bool wait_until(F done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// Starts `sh -c 'echo $$ > DIR/pid; BODY'` in the background: a shell whose
// pid is known before it does anything (BODY usually waits on a fifo).
int start_waiting_shell(const std::string& dir, const std::string& body) {
  run("sh -c 'echo $$ > " + dir + "/pid; " + body + "' > /dev/null 2>&1 &");
  wait_until([&] { return !slurp(dir + "/pid").empty(); });
  return std::atoi(slurp(dir + "/pid").c_str());
}

bool process_gone(int pid) {
  return wait_until([pid] { return kill(pid, 0) != 0; });
}

TEST(EbpfCapture, CurlToClosedPortGivesConnectWithRport9) {
  SKIP_WITHOUT_BPF();
  ASSERT_TRUE(have_program("curl"));
  Capture cap("--comm curl --syscalls connect -Y 'fd.rport == 9' -T fields -e evt.type -e proc.pid -e proc.name "
              "-e fd.rport -e fd.rip -e evt.res -e evt.failed");
  ASSERT_TRUE(cap.ready()) << cap.err();
  int pid = run_as_known_pid("curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  auto rows = cap.rows();
  ASSERT_FALSE(rows.empty()) << cap.err();
  bool found = false;
  for (auto& r : rows) {
    ASSERT_EQ(r.size(), 7u);
    EXPECT_EQ(r[0], "connect");
    EXPECT_EQ(r[2], "curl");
    EXPECT_EQ(r[3], "9");
    EXPECT_EQ(r[4], "127.0.0.1");
    if (std::atoi(r[1].c_str()) == pid) {
      found = true;
      // curl connects non-blocking: the kernel answers EINPROGRESS and the
      // refusal arrives later; a blocking connect sees ECONNREFUSED (below).
      EXPECT_TRUE(r[5] == "EINPROGRESS" || r[5] == "ECONNREFUSED") << r[5];
      EXPECT_EQ(r[6], "1");
    }
  }
  EXPECT_TRUE(found) << "no connect by curl pid " << pid;
  EXPECT_NE(cap.err().find("events captured"), std::string::npos) << cap.err();
  EXPECT_NE(cap.err().find("dropped by kernel"), std::string::npos) << cap.err();
}

// A blocking connect by bash to port 9 of `host` (refused): the event must
// carry ECONNREFUSED and both ends. The kernel has released the local port
// and cleared the source address by sys_exit; the RST hook kept both.
// Only the TCP connect is selected: glibc may first try the nscd unix socket.
void expect_refused_connect(const std::string& fdtype, const std::string& host) {
  Capture cap("--comm bash -Y 'evt.type == \\\"connect\\\" && evt.failed && fd.type == \\\"" + fdtype +
              "\\\"' -T fields -e proc.pid -e evt.res -e evt.rawres -e fd.rip -e fd.rport -e fd.lip -e fd.lport");
  ASSERT_TRUE(cap.ready()) << cap.err();
  auto r = run("bash -c 'echo $$; echo > /dev/tcp/" + host + "/9' 2>/dev/null");
  int pid = std::atoi(r.out.c_str());
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  bool found = false;
  for (auto& row : cap.rows()) {
    ASSERT_EQ(row.size(), 7u);
    if (std::atoi(row[0].c_str()) != pid) continue;
    found = true;
    EXPECT_EQ(row[1], "ECONNREFUSED");
    EXPECT_EQ(row[2], "-111");
    EXPECT_EQ(row[3], host);
    EXPECT_EQ(row[4], "9");
    EXPECT_EQ(row[5], host) << "local address of the refused connect";
    EXPECT_GT(std::atoi(row[6].c_str()), 0) << "local port of the refused connect";
  }
  EXPECT_TRUE(found) << "no failed " << fdtype << " connect by bash pid " << pid << "\n" << cap.err();
}

TEST(EbpfCapture, BlockingConnectRefusedIsEconnrefused) {
  SKIP_WITHOUT_BPF();
  ASSERT_TRUE(have_program("bash"));
  expect_refused_connect("ipv4", "127.0.0.1");
}

// A non-blocking connect (curl, Go, most clients) returns EINPROGRESS; the
// refusal reaches the process through getsockopt(SO_ERROR), which must show
// it by name, live and in the file, and be encoded as sysdig's drivers do
// (tshark, reading the same file, is the oracle for the parameters).
TEST(EbpfCapture, NonBlockingConnectRefusalShowsInSoError) {
  SKIP_WITHOUT_BPF();
  ASSERT_TRUE(have_program("curl"));
  ASSERT_TRUE(have_program("tshark"));
  std::string file = fresh_dir() + "/so_error.pcapng";
  Capture cap("--comm curl --syscalls connect,getsockopt -w " + file + " -P");
  ASSERT_TRUE(cap.ready()) << cap.err();
  int pid = run_as_known_pid("curl -s --max-time 10 http://127.0.0.1:9/ > /dev/null");
  ASSERT_EQ(cap.stop(), 0) << cap.err();

  auto r = run("'" + strato_bin() + "' read -r " + file + " -Y 'evt.type == \"getsockopt\" && proc.pid == " +
               std::to_string(pid) + "' -T fields -e evt.args -e fd.name -e evt.res");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  bool so_error = false;
  std::istringstream rows(r.out);
  for (std::string line; std::getline(rows, line);) {
    auto f = split(line);
    ASSERT_EQ(f.size(), 3u) << line;
    if (f[0].find("optname=SO_ERROR") == std::string::npos) continue;
    so_error = true;
    EXPECT_NE(f[0].find("level=SOL_SOCKET"), std::string::npos) << f[0];
    EXPECT_NE(f[0].find("val=ECONNREFUSED"), std::string::npos) << f[0];
    EXPECT_NE(f[1].find("->127.0.0.1:9"), std::string::npos) << "the socket, named by the fd table: " << f[1];
    EXPECT_EQ(f[2], "SUCCESS");
  }
  EXPECT_TRUE(so_error) << "no getsockopt(SO_ERROR) by curl pid " << pid << ":\n" << r.out << cap.err();

  // The live line names it too.
  EXPECT_NE(cap.out().find("SOL_SOCKET SO_ERROR val=ECONNREFUSED = 0"), std::string::npos) << cap.out();

  // tshark: level SOL_SOCKET (1), SO_ERROR (4), the value typed as an errno (1)
  // holding -111, little-endian, and its length.
  auto t = run("tshark -r " + file + " -Y 'sysdig.event_type == 47' -T fields -e sysdig.param.getsockopt.level "
               "-e sysdig.param.getsockopt.optname -e sysdig.param.getsockopt.val -e sysdig.param.getsockopt.optlen "
               "2>/dev/null");
  EXPECT_NE(t.out.find("01\t04\t0191ffffffffffffff\t4"), std::string::npos) << t.out;
}

// A host may run without IPv6 on lo: then there is nothing to connect to.
static bool have_ipv6_loopback() {
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

TEST(EbpfCapture, RefusedIpv6ConnectKeepsItsLocalEnd) {
  SKIP_WITHOUT_BPF();
  ASSERT_TRUE(have_program("bash"));
  if (!have_ipv6_loopback()) GTEST_SKIP() << "SKIPPED: no ::1 on this host's loopback";
  expect_refused_connect("ipv6", "::1");
}

// A connection open before the capture started (a database pool, an ssh
// session): its calls are named from /proc's socket tables, client first,
// each side with its own ends, as sysdig names them.
TEST(EbpfCapture, ConnectionOpenBeforeTheCaptureIsNamedOnBothSides) {
  SKIP_WITHOUT_BPF();
  ASSERT_TRUE(have_program("python3"));
  std::string dir = fresh_dir();
  // The parent accepts, the child connects; once both hold the connection
  // they say so, then wait for `go` to exchange a line with plain read and
  // write (no tuple in the call) and with send and recv.
  std::ofstream(dir + "/pair.py") << "import os, socket, time\n"
                                     "l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)\n"
                                     "port = l.getsockname()[1]\n"
                                     "pid = os.fork()\n"
                                     "if pid == 0:\n"
                                     "    s = socket.create_connection(('127.0.0.1', port))\n"
                                     "else:\n"
                                     "    s, _ = l.accept()\n"
                                     "    open('" + dir + "/ready.tmp', 'w').write('%d %d %d %d' % (os.getpid(), pid, port, s.getpeername()[1]))\n"
                                     "    os.rename('" + dir + "/ready.tmp', '" + dir + "/ready')\n"
                                     "while not os.path.exists('" + dir + "/go'): time.sleep(0.02)\n"
                                     "if pid == 0:\n"
                                     "    os.write(s.fileno(), b'ping\\n'); s.recv(100); s.send(b'bye\\n')\n"
                                     "else:\n"
                                     "    os.read(s.fileno(), 100); os.write(s.fileno(), b'pong\\n'); s.recv(100)\n"
                                     "    open('" + dir + "/done', 'w')\n"
                                     // Both stay until the capture ends: the fd table reads /proc when
                                     // it first meets a descriptor, which may be after the call.
                                     "while not os.path.exists('" + dir + "/end'): time.sleep(0.02)\n"
                                     "if pid: os.waitpid(pid, 0)\n";
  run("python3 " + dir + "/pair.py > " + dir + "/pair.out 2>&1 &");
  ASSERT_TRUE(wait_until([&] { return exists(dir + "/ready"); })) << slurp(dir + "/pair.out");
  int server = 0, client = 0, port = 0, cport = 0;
  ASSERT_EQ(std::sscanf(slurp(dir + "/ready").c_str(), "%d %d %d %d", &server, &client, &port, &cport), 4);
  Capture cap("--comm python3 --syscalls read,write,sendto,recvfrom -T fields -e proc.pid -e evt.type -e fd.name "
              "-e fd.lport -e fd.rport -e fd.sport -e fd.cport");
  ASSERT_TRUE(cap.ready()) << cap.err();
  run("touch " + dir + "/go");
  ASSERT_TRUE(wait_until([&] { return exists(dir + "/done"); })) << slurp(dir + "/pair.out");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the client's last send
  const int rc = cap.stop();
  run("touch " + dir + "/end");
  ASSERT_TRUE(process_gone(server)) << slurp(dir + "/pair.out");
  ASSERT_EQ(rc, 0) << cap.err();
  const std::string name = "127.0.0.1:" + std::to_string(cport) + "->127.0.0.1:" + std::to_string(port);
  int client_calls = 0, server_calls = 0;
  for (auto& r : cap.rows()) {
    ASSERT_EQ(r.size(), 7u);
    const int pid = std::atoi(r[0].c_str());
    if ((pid != client && pid != server) || r[2].find("->") == std::string::npos) continue;
    EXPECT_EQ(r[2], name) << r[1] << " by " << pid;
    EXPECT_EQ(r[5], std::to_string(port)) << r[1] << " by " << pid << ": fd.sport";
    EXPECT_EQ(r[6], std::to_string(cport)) << r[1] << " by " << pid << ": fd.cport";
    const bool is_client = pid == client;
    EXPECT_EQ(r[3], std::to_string(is_client ? cport : port)) << r[1] << " by " << pid << ": fd.lport";
    EXPECT_EQ(r[4], std::to_string(is_client ? port : cport)) << r[1] << " by " << pid << ": fd.rport";
    ++(is_client ? client_calls : server_calls);
  }
  EXPECT_GE(client_calls, 3) << "write, recvfrom, sendto\n" << cap.out();
  EXPECT_GE(server_calls, 3) << "read, write, recvfrom\n" << cap.out();
}

TEST(EbpfCapture, CatOpensTheFileAndOtherProcessesAreFilteredOut) {
  SKIP_WITHOUT_BPF();
  std::string file = fresh_dir() + "/strato-ebpf-known-file.txt";
  std::ofstream(file) << "hello from strato\n";
  Capture cap("--comm cat --syscalls file -T fields -e evt.type -e proc.name -e proc.pid -e fd.name -e evt.res "
              "-e evt.args -e evt.latency");
  ASSERT_TRUE(cap.ready()) << cap.err();
  run("head -c 5 " + file + " > /dev/null");  // same file, other process: must not show up
  int pid = run_as_known_pid("cat " + file + " > /dev/null");
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  bool opened = false, read_back = false;
  for (auto& r : cap.rows()) {
    ASSERT_EQ(r.size(), 7u);
    EXPECT_EQ(r[1], "cat") << "the --comm filter let " << r[1] << " through";
    if (std::atoi(r[2].c_str()) != pid) continue;
    if (r[0] == "openat" && r[3] == file) {
      opened = true;
      EXPECT_GE(std::atoi(r[4].c_str()), 0) << r[4];
      EXPECT_GT(std::atoll(r[6].c_str()), 0) << "latency";
    }
    if (r[0] == "read" && r[5].find("hello from strato") != std::string::npos) {
      read_back = true;
      EXPECT_EQ(r[3], file) << "fd.name of the read, from the fd table";
    }
  }
  EXPECT_TRUE(opened) << "no openat of " << file << " by cat pid " << pid;
  EXPECT_TRUE(read_back) << "no read event carrying the file's bytes";
}

TEST(EbpfCapture, ExecveCarriesArgvAndPidFilterKeepsToTheProcess) {
  SKIP_WITHOUT_BPF();
  std::string dir = fresh_dir();
  std::string fifo = dir + "/go";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // A shell that waits for us, then execs: its pid is known before the exec.
  int pid = start_waiting_shell(dir, "read x < " + fifo + "; exec /bin/echo strato-argv-test one two");
  ASSERT_GT(pid, 0);
  Capture cap("--pid " + std::to_string(pid) +
              " -T fields -e evt.type -e proc.pid -e evt.res -e evt.args -e proc.exe -e proc.cmdline -e proc.name");
  ASSERT_TRUE(cap.ready()) << cap.err();
  run("echo go > " + fifo);
  // The exec'd echo exits right away; its procexit is the last event.
  process_gone(pid);
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  bool execve = false, exited = false;
  auto rows = cap.rows();
  ASSERT_FALSE(rows.empty()) << cap.err();
  for (auto& r : rows) {
    ASSERT_EQ(r.size(), 7u);
    EXPECT_EQ(std::atoi(r[1].c_str()), pid) << "the --pid filter let pid " << r[1] << " through";
    if (r[0] == "execve" && r[2] == "SUCCESS") {
      execve = true;
      EXPECT_NE(r[3].find("exe=/bin/echo"), std::string::npos) << r[3];
      EXPECT_NE(r[3].find("strato-argv-test.one.two"), std::string::npos) << r[3];
      EXPECT_EQ(r[4], "/bin/echo");
      EXPECT_EQ(r[5], "echo strato-argv-test one two");
      EXPECT_EQ(r[6], "echo");
    }
    if (r[0] == "procexit") exited = true;
  }
  EXPECT_TRUE(execve) << "no successful execve by pid " << pid;
  EXPECT_TRUE(exited) << "no procexit for pid " << pid;
}

TEST(EbpfCapture, PidFilterFollowsChildren) {
  SKIP_WITHOUT_BPF();
  std::string dir = fresh_dir();
  std::string fifo = dir + "/go", file = dir + "/child-reads-this";
  std::ofstream(file) << "x\n";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // The shell forks cat after the capture started: cat's pid is new.
  int pid = start_waiting_shell(dir, "read x < " + fifo + "; cat " + file + "; true");
  ASSERT_GT(pid, 0);
  Capture cap("--pid " + std::to_string(pid) + " --syscalls file,proc -T fields -e evt.type -e proc.pid -e proc.ppid "
              "-e proc.name -e fd.name");
  ASSERT_TRUE(cap.ready()) << cap.err();
  run("echo go > " + fifo);
  process_gone(pid);
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  bool child_open = false;
  for (auto& r : cap.rows()) {
    ASSERT_EQ(r.size(), 5u);
    int p = std::atoi(r[1].c_str()), pp = std::atoi(r[2].c_str());
    EXPECT_TRUE(p == pid || pp == pid) << "pid " << p << " (parent " << pp << ") is not " << pid << " or its child";
    if (p != pid && pp == pid && r[0] == "openat" && r[4] == file) {
      child_open = true;
      EXPECT_EQ(r[3], "cat");
    }
  }
  EXPECT_TRUE(child_open) << "no openat of " << file << " by a child of " << pid;
}

// The children a process already has when the capture starts are its
// descendants too (the kernel only sees the forks made after).
TEST(EbpfCapture, PidFilterCoversChildrenStartedBeforeTheCapture) {
  SKIP_WITHOUT_BPF();
  std::string dir = fresh_dir();
  std::string fifo = dir + "/go", file = dir + "/older-child-reads-this";
  std::ofstream(file) << "x\n";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // The parent forks a subshell that waits on the fifo, then waits for it.
  int pid = start_waiting_shell(dir, "(read x < " + fifo + "; cat " + file + "); true");
  ASSERT_GT(pid, 0);
  // The subshell exists before the capture does.
  ASSERT_TRUE(wait_until([pid] { return !run("pgrep -P " + std::to_string(pid)).out.empty(); }));
  Capture cap("--pid " + std::to_string(pid) + " --syscalls openat -T fields -e proc.name -e fd.name");
  ASSERT_TRUE(cap.ready()) << cap.err();
  run("echo go > " + fifo);
  process_gone(pid);
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  bool seen = false;
  for (auto& r : cap.rows()) seen |= r.size() == 2 && r[0] == "cat" && r[1] == file;
  EXPECT_TRUE(seen) << "no openat of " << file << " by the grandchild cat of " << pid;
}

TEST(EbpfCapture, PidThatIsNoProcessIsNamed) {
  SKIP_WITHOUT_BPF();
  // A usage error (exit 1, as tshark's bad options); a missing process is a
  // runtime one (exit 2, as --container's).
  auto r = run("'" + strato_bin() + "' capture --pid 0 -c 1 2>&1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("--pid 0: not a process id"), std::string::npos) << r.out;
  r = run("'" + strato_bin() + "' capture --pid 4194304 -c 1 2>&1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("--pid 4194304: not a process id"), std::string::npos) << r.out;
  // A pid no process has (the kernel's pid_max is at most 4194304).
  r = run("'" + strato_bin() + "' capture --pid 4194303 -c 1 2>&1");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--pid 4194303: no such process"), std::string::npos) << r.out;
}

TEST(EbpfCapture, UnwritableOutputFailsBeforeCapturing) {
  SKIP_WITHOUT_BPF();
  const std::string path = fresh_dir() + "/no/such/dir/out.pcapng";
  auto r = run("'" + strato_bin() + "' capture -w '" + path + "' -c 1");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, "strato: " + path + ": cannot create: No such file or directory\n");
  EXPECT_EQ(r.err.find("Capturing on"), std::string::npos) << "nothing may be attached first";
}

TEST(EbpfCapture, RawTpFallbackCapturesTheSameEvents) {
  SKIP_WITHOUT_BPF();
  std::string file = fresh_dir() + "/raw-tp";
  std::ofstream(file) << "x\n";
  Capture cap("--comm cat --syscalls openat -T fields -e evt.type -e fd.name", "STRATO_EBPF_RAW_TP=1");
  ASSERT_TRUE(cap.ready()) << cap.err();
  EXPECT_NE(cap.err().find("raw_tp"), std::string::npos) << cap.err();
  run("cat " + file + " > /dev/null");
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  bool seen = false;
  for (auto& r : cap.rows()) seen |= r.size() == 2 && r[0] == "openat" && r[1] == file;
  EXPECT_TRUE(seen) << "no openat of " << file << " through raw_tp";
}

TEST(EbpfCapture, MkdirRenameUnlinkNameTheirPaths) {
  SKIP_WITHOUT_BPF();
  ASSERT_TRUE(have_program("python3"));
  std::string d = fresh_dir();
  Capture cap("--comm python3 --syscalls mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat -T fields "
              "-e evt.type -e fd.name -e evt.res -e evt.args");
  ASSERT_TRUE(cap.ready()) << cap.err();
  auto r = run("python3 -c \"import os; d='" + d + "'; os.mkdir(d+'/a'); os.rename(d+'/a', d+'/b'); "
               "open(d+'/f','w').close(); os.unlink(d+'/f')\" && python3 -c \"import os; os.unlink('" + d +
               "/missing')\" 2>/dev/null");
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  bool mkdir = false, rename = false, unlink = false, missing = false;
  for (auto& row : cap.rows()) {
    ASSERT_EQ(row.size(), 4u);
    if (row[1] == d + "/a" && (row[0] == "mkdir" || row[0] == "mkdirat")) mkdir = row[2] == "SUCCESS";
    if (row[0].rfind("rename", 0) == 0 && row[3].find(d + "/b") != std::string::npos) rename = row[2] == "SUCCESS";
    if (row[1] == d + "/f" && row[0].rfind("unlink", 0) == 0) unlink = row[2] == "SUCCESS";
    if (row[1] == d + "/missing") missing = row[2] == "ENOENT";
  }
  EXPECT_TRUE(mkdir);
  EXPECT_TRUE(rename);
  EXPECT_TRUE(unlink);
  EXPECT_TRUE(missing) << "unlink of a missing file should fail with ENOENT";
}

TEST(EbpfCapture, CountStopsAfterNEventsAndDurationStopsInTime) {
  SKIP_WITHOUT_BPF();
  std::string file = fresh_dir() + "/f";
  std::ofstream(file) << "x\n";
  {
    Capture cap("-c 3 --comm cat -T fields -e evt.type -e proc.name");
    ASSERT_TRUE(cap.ready()) << cap.err();
    run("cat " + file + " " + file + " " + file + " > /dev/null");
    ASSERT_EQ(cap.stop(false), 0) << cap.err();
    auto rows = cap.rows();
    EXPECT_EQ(rows.size(), 3u);
    for (auto& r : rows) EXPECT_EQ(r.at(1), "cat");
    EXPECT_NE(cap.err().find("3 events captured"), std::string::npos) << cap.err();
  }
  {
    auto t0 = std::chrono::steady_clock::now();
    Capture cap("-q -a duration:1 --comm strato-none");
    ASSERT_TRUE(cap.ready()) << cap.err();
    ASSERT_EQ(cap.stop(false), 0) << cap.err();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(60));
    EXPECT_NE(cap.err().find("0 events captured, 0 dropped by kernel"), std::string::npos) << cap.err();
  }
}

// Program and link ids the capture process holds, from /proc/PID/fdinfo.
std::vector<std::string> bpf_ids(int pid, const std::string& key) {
  std::vector<std::string> ids;
  auto r = run("cat /proc/" + std::to_string(pid) + "/fdinfo/* 2>/dev/null | grep '^" + key + ":' | awk '{print $2}' | sort -u");
  for (auto& l : split_lines(r.out))
    if (!l.empty()) ids.push_back(l);
  return ids;
}

TEST(EbpfCapture, NothingStaysAttachedAfterSigint) {
  SKIP_WITHOUT_BPF();
  ASSERT_TRUE(have_program("bpftool") || exists("/usr/sbin/bpftool"));
  Capture cap("-q --comm strato-none");
  ASSERT_TRUE(cap.ready()) << cap.err();
  auto progs = bpf_ids(cap.pid(), "prog_id");
  auto links = bpf_ids(cap.pid(), "link_id");
  ASSERT_GE(progs.size(), 5u) << "the capture should hold its programs while running";
  ASSERT_GE(links.size(), 5u) << "the capture should hold its links while running";
  for (auto& id : progs) EXPECT_EQ(run("bpftool prog show id " + id + " > /dev/null 2>&1").exit_code, 0);
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  // The kernel frees a program after an RCU grace period: give it time.
  auto gone = [](const std::string& what, const std::string& id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (run("bpftool " + what + " show id " + id + " > /dev/null 2>&1").exit_code != 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  for (auto& id : links) EXPECT_TRUE(gone("link", id)) << "link " << id << " left attached";
  for (auto& id : progs) EXPECT_TRUE(gone("prog", id)) << "program " << id << " left loaded";
}

TEST(EbpfCapture, WithoutPrivilegesSaysWhatIsMissingAndExits2) {
  SKIP_WITHOUT_BPF();
  if (!have_program("setpriv")) GTEST_SKIP() << "setpriv (util-linux) is needed to drop privileges";
  auto r = run("setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all '" + strato_bin() +
               "' capture -q -a duration:1");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto lines = split_lines(r.err);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(r.err.find("CAP_BPF"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("root"), std::string::npos) << r.err;
}

// CAP_BPF and CAP_PERFMON are enough for syscalls; packets also need
// CAP_NET_ADMIN (TC programs, cgroup hooks), named in one line up front
// rather than as the kernel's bare "Operation not permitted".
TEST(EbpfCapture, PacketsWithoutNetAdminSayWhatIsMissing) {
  SKIP_WITHOUT_BPF();
  if (!have_program("setpriv")) GTEST_SKIP() << "setpriv (util-linux) is needed to drop privileges";
  const std::string as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+bpf,+perfmon "
                                "--ambient-caps=+bpf,+perfmon '" + strato_bin() + "' capture -q -a duration:1";
  auto r = run(as_nobody + " -i lo");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(split_lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("lacks CAP_NET_ADMIN"), std::string::npos) << r.err;
  auto s = run(as_nobody + " --syscalls openat");
  EXPECT_EQ(s.exit_code, 0) << "syscalls alone need no CAP_NET_ADMIN: " << s.err;
}

// The README's way to run without root: `setcap cap_bpf,cap_perfmon,
// cap_net_admin+ep strato`. A binary with file capabilities loads its
// libraries in secure mode, where $ORIGIN does not count: it must still find
// libstrato_framework.so and its plugins, and capture as an ordinary user.
TEST(EbpfCapture, SetcapBinaryCapturesAsAnOrdinaryUser) {
  SKIP_WITHOUT_BPF();
  if (!have_program("setpriv") || !have_program("setcap")) GTEST_SKIP() << "setpriv and setcap are needed";
  char tmpl[] = "/tmp/strato-setcap-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  ASSERT_EQ(run("chmod 755 " + dir + " && cp '" + strato_bin() + "' " + dir + "/strato && ln -s '" + build_dir() +
                "/plugins' " + dir + "/plugins && setcap cap_bpf,cap_perfmon,cap_net_admin+ep " + dir + "/strato")
                .exit_code,
            0);
  auto r = run("setpriv --reuid=65534 --regid=65534 --clear-groups " + dir + "/strato capture -i lo --syscalls openat "
               "-q -a duration:1");
  run("rm -rf " + dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Capturing on 'syscalls', 'lo'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("events captured"), std::string::npos) << r.err;
}

TEST(EbpfCapture, UnknownSyscallIsAUsageError) {
  if (!exists(build_dir() + "/plugins/ebpf.so")) GTEST_SKIP() << "the ebpf plugin was not built";
  auto r = run("'" + strato_bin() + "' capture --syscalls net,nosuchcall -q");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("nosuchcall"), std::string::npos) << r.err;
}

TEST(EbpfCapture, KillNamesTargetAndSignal) {
  SKIP_WITHOUT_BPF();
  Capture cap("--comm sh --syscalls kill -Y 'evt.type == \\\"kill\\\"' -T fields -e proc.pid -e evt.args -e evt.res");
  ASSERT_TRUE(cap.ready()) << cap.err();
  auto r = run("sh -c 'echo $$; sleep 30 & echo $!; kill -TERM $!'");
  auto ids = split_lines(r.out);
  ASSERT_GE(ids.size(), 2u) << r.out;
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  bool found = false;
  for (auto& row : cap.rows()) {
    ASSERT_EQ(row.size(), 3u);
    if (row[0] != ids[0]) continue;
    found = true;
    EXPECT_EQ(row[1], "pid=" + ids[1] + " sig=15");
    EXPECT_EQ(row[2], "SUCCESS");
  }
  EXPECT_TRUE(found) << cap.err();
}

// Every loss is counted: with a ring too small for the burst, the kernel's
// failed reservations add up with what was captured to all of dd's calls.
TEST(EbpfCapture, ATinyRingDropsButCountsEveryLoss) {
  SKIP_WITHOUT_BPF();
  Capture cap("--comm dd --syscalls read,write -B 4 -q");
  ASSERT_TRUE(cap.ready()) << cap.err();
  run("dd if=/dev/zero of=/dev/null bs=1 count=20000 2>/dev/null");
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  Summary sum;
  ASSERT_TRUE(parse_summary(cap.err(), sum)) << cap.err();
  const unsigned long long captured = sum.captured, kernel = sum.kernel, user = sum.user;
  const std::string err = cap.err();
  EXPECT_GT(kernel, 0u) << "a 4 KiB ring cannot hold a burst of 40000 events";
  EXPECT_GE(captured + kernel + user, 40000u) << err;
}

// Several rings (one per CPU here) are merged back into time order.
TEST(EbpfCapture, PerCpuRingsAreMergedInTimeOrder) {
  SKIP_WITHOUT_BPF();
  Capture cap("--cpus-per-buffer 1 --syscalls openat,read,close -T fields -e frame.time_epoch -e proc.pid");
  ASSERT_TRUE(cap.ready()) << cap.err();
  // Two busy processes, likely on both CPUs.
  run("(for i in $(seq 200); do cat /etc/hostname; done > /dev/null &); for i in $(seq 200); do head -c 1 /etc/hostname; done > /dev/null; wait");
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  auto rows = cap.rows();
  ASSERT_GT(rows.size(), 200u) << cap.err();
  double last = 0;
  size_t backwards = 0;
  for (auto& r : rows) {
    double t = std::atof(r[0].c_str());
    if (t < last) ++backwards;
    last = std::max(last, t);
  }
  EXPECT_EQ(backwards, 0u) << "events out of time order";
}

// A busy capture to a file ends cleanly, and the file holds exactly what the
// summary says was captured.
TEST(EbpfCapture, BusyCaptureToAFileEndsCleanlyWithEveryEventWritten) {
  SKIP_WITHOUT_BPF();
  std::string file = fresh_dir() + "/busy.pcapng";
  Capture cap("--comm dd --syscalls read,write -w " + file);
  ASSERT_TRUE(cap.ready()) << cap.err();
  run("dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null");
  ASSERT_EQ(cap.stop(), 0) << cap.err();
  Summary sum;
  ASSERT_TRUE(parse_summary(cap.err(), sum)) << cap.err();
  const unsigned long long captured = sum.captured, kernel = sum.kernel, user = sum.user;
  const std::string err = cap.err();
  auto n = run("'" + strato_bin() + "' read -r " + file + " -T fields -e evt.type | wc -l");
  EXPECT_EQ(std::strtoull(n.out.c_str(), nullptr, 10), captured);
  EXPECT_GE(captured + kernel + user, 200000u);
}

}  // namespace
