// Syscall events and process metadata in pcapng: strato's writer and reader
// against each other and against tshark 4.0 (the sysdig dissector), from
// synthetic files (make_events.py) and from a live capture when root.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "strato/process_comment.h"
#include "test_support.h"

namespace {

using namespace strato::test;

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string make(const std::string& kind) {
  std::string out = temp_dir() + "/events-" + kind + ".pcapng";
  auto r = run("python3 '" + source_dir() + "/tests/pcapng_events/make_events.py' '" + out + "' " + kind);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return out;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  for (auto& l : split_lines(s))
    if (!l.empty()) out.push_back(l);
  return out;
}

// tshark's output with its "running as root" notice dropped.
CommandResult tshark(const std::string& args) {
  auto r = run("tshark " + args);
  std::string err;
  for (auto& l : split_lines(r.err))
    if (!l.empty() && l.find("Running as user") == std::string::npos) err += l + "\n";
  r.err = err;
  return r;
}

const char* kFields =
    " -T fields -e frame.number -e evt.type -e proc.name -e proc.pid -e thread.tid -e proc.ppid -e fd.name"
    " -e evt.latency -e evt.res";

TEST(ProcessComment, RoundTripsEveryField) {
  strato::ProcessInfo p;
  p.pid = 4242, p.tid = 4243, p.ppid = 1, p.uid = 1000, p.cgroup_id = 77;
  p.comm = "curl", p.exe = "/usr/bin/curl", p.args = "curl -s http://x/", p.container_id = "abc123";
  p.container_name = "web", p.pod_name = "web-0", p.pod_namespace = "prod", p.user_name = "alice";
  p.cgroup_path = "/system.slice/x.service";
  std::string text;
  strato::format_process_comment(p, text);
  EXPECT_EQ(text.find("PID: 4242\nCmd: /usr/bin/curl\nArgs: curl -s http://x/\n"), 0u) << text;
  strato::ProcessInfo q;
  ASSERT_TRUE(strato::parse_process_comment(text, q));
  EXPECT_EQ(q.pid, 4242);
  EXPECT_EQ(q.tid, 4243);
  EXPECT_EQ(q.ppid, 1);
  EXPECT_EQ(q.uid, 1000);
  EXPECT_EQ(q.cgroup_id, 77u);
  EXPECT_EQ(q.comm, "curl");
  EXPECT_EQ(q.exe, p.exe);
  EXPECT_EQ(q.args, p.args);
  EXPECT_EQ(q.container_id, p.container_id);
  EXPECT_EQ(q.container_name, p.container_name);
  EXPECT_EQ(q.pod_name, p.pod_name);
  EXPECT_EQ(q.pod_namespace, p.pod_namespace);
  EXPECT_EQ(q.user_name, p.user_name);
  EXPECT_EQ(q.cgroup_path, p.cgroup_path);
  for (auto& l : split_lines(text)) EXPECT_TRUE(strato::is_process_comment_line(l)) << l;
}

TEST(ProcessComment, UnsetFieldsAreLeftOutAndNewlinesFlattened) {
  strato::ProcessInfo p;
  std::string text;
  strato::format_process_comment(p, text);
  EXPECT_EQ(text, "");
  p.pid = 7;
  p.args = "sh -c 'a\nb'";
  strato::format_process_comment(p, text);
  EXPECT_EQ(text, "PID: 7\nArgs: sh -c 'a b'");
}

TEST(ProcessComment, ReadsPtcpdumpCommentsAndIgnoresOtherLines) {
  std::string c = "Latency: 5\nPID: 31\nCmd: /usr/bin/wget\nArgs: wget x\nThreadId: 32\nThreadName: wget-worker\n"
                  "ParentPID: 1\nParentCmd: /sbin/init\nUserId: 0\nGroupId: 0";
  strato::ProcessInfo p;
  ASSERT_TRUE(strato::parse_process_comment(c, p));
  EXPECT_EQ(p.pid, 31);
  EXPECT_EQ(p.tid, 32);
  EXPECT_EQ(p.ppid, 1);
  EXPECT_EQ(p.uid, 0);
  EXPECT_EQ(p.comm, "wget-worker");
  strato::ProcessInfo q;
  ASSERT_TRUE(strato::parse_process_comment("PID: 9\nCmd: /opt/some-very-long-program-name", q));
  EXPECT_EQ(q.comm, "some-very-long-") << "the kernel's comm holds 15 characters";
  strato::ProcessInfo r;
  EXPECT_FALSE(strato::parse_process_comment("Latency: 5\nFdName: /etc/hosts\nno colon here", r));
  EXPECT_FALSE(strato::is_process_comment_line("Latency: 5"));
  EXPECT_TRUE(strato::is_process_comment_line("ParentCmd: /sbin/init"));
}

// The synthetic file: connect (0x216 + metadata), a TCP SYN (EPB with
// ptcpdump-style process comment, outbound), openat (0x216 + metadata with
// FdName) and close (0x221, no metadata).
const std::vector<std::string> kMixedRows = {
    "1\tconnect\tcurl\t4242\t4243\t1\t127.0.0.1:43110->127.0.0.1:9\t52000\tECONNREFUSED",
    "2\t\tcurl\t4242\t4243\t1\t\t\t",
    "3\topenat\tcurl\t4242\t4243\t1\t/etc/hosts\t7000\tSUCCESS",
    "4\tclose\t\t\t4242\t\t\t\tSUCCESS",  // thread.tid from the event header
};

TEST(PcapngEvents, ReaderRestoresEventsProcessesAndComments) {
  auto f = make("mixed");
  auto r = run("'" + strato_bin() + "' read -r '" + f + "'" + kFields);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(lines(r.out), kMixedRows);
  auto d = run("'" + strato_bin() + "' read -r '" + f + "' -T fields -e frame.interface_id -e frame.comment");
  auto dl = lines(d.out);
  ASSERT_EQ(dl.size(), 4u);
  EXPECT_EQ(dl[0], "0\tLatency: 52000");
  EXPECT_EQ(dl[1].rfind("1\tPID: 4242\\nCmd: /usr/bin/curl", 0), 0u) << dl[1];
  EXPECT_EQ(dl[3], "0\t") << "an event without metadata has no comment";
  // Offline filters on process fields select the same events as live ones would.
  auto q = run("'" + strato_bin() + "' read -r '" + f + "' -Y 'proc.pid == 4242 && proc.name == \"curl\"' -T fields -e frame.number");
  EXPECT_EQ(lines(q.out), (std::vector<std::string>{"1", "2", "3"}));
  auto u = run("'" + strato_bin() + "' read -r '" + f + "' -T fields -e proc.exe -e proc.cmdline -e user.uid -e user.name");
  auto ul = lines(u.out);
  ASSERT_EQ(ul.size(), 4u);
  EXPECT_EQ(ul[0], "/usr/bin/curl\tcurl http://127.0.0.1:9/\t0\troot");
  EXPECT_EQ(ul[1], "/usr/bin/curl\tcurl http://127.0.0.1:9/\t0\t") << "ptcpdump's comment has no user name";
}

TEST(PcapngEvents, WrittenFileRoundTripsAndOpensInTshark) {
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  auto f = make("mixed");
  std::string out = temp_dir() + "/events-rewritten.pcapng";
  auto w = run("'" + strato_bin() + "' read -r '" + f + "' -w '" + out + "'");
  ASSERT_EQ(w.exit_code, 0) << w.err;
  auto r = run("'" + strato_bin() + "' read -r '" + out + "'" + kFields);
  EXPECT_EQ(lines(r.out), kMixedRows);
  // Writing it again changes nothing: no process line is repeated.
  std::string out2 = temp_dir() + "/events-rewritten2.pcapng";
  ASSERT_EQ(run("'" + strato_bin() + "' read -r '" + out + "' -w '" + out2 + "'").exit_code, 0);
  EXPECT_EQ(slurp(out), slurp(out2));

  auto t = tshark("-r '" + out + "'");
  EXPECT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(t.err, "");
  auto v = tshark("-r '" + out + "' -V");
  EXPECT_EQ(v.out.find("Malformed"), std::string::npos) << v.out;
  EXPECT_EQ(v.out.find("Custom Block"), std::string::npos) << "the metadata block must not show as a frame";
  auto s = tshark("-r '" + out + "' -Y sysdig -T fields -e frame.number -e _ws.col.Info -e sysdig.thread_id");
  EXPECT_EQ(lines(s.out), (std::vector<std::string>{"1\tconnect\t4242", "3\topenat\t4242", "4\tclose\t4242"}));
  auto c = tshark("-r '" + out + "' -Y tcp -T fields -e frame.comment -e frame.packet_flags_direction -e frame.interface_id");
  auto cl = lines(c.out);
  ASSERT_EQ(cl.size(), 1u);
  EXPECT_NE(cl[0].find("PID: 4242"), std::string::npos) << cl[0];
  EXPECT_NE(cl[0].find("Cmd: /usr/bin/curl"), std::string::npos) << cl[0];
  EXPECT_NE(cl[0].find("\t0x00000002\t1"), std::string::npos) << "outbound, on the lo interface: " << cl[0];
}

size_t count_of(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

// The text from "Packet comments" up to the "Frame N:" line that follows.
std::string comment_tree(const std::string& v) {
  size_t a = v.find("Packet comments\n");
  if (a == std::string::npos) return "";
  size_t b = v.find("\nFrame ", a);
  return v.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

// A packet's comment (ptcpdump's process lines) shows first, in a tree of
// its own, written as it is, and its direction flag gives frame.p2p_dir, as
// in tshark 4.0; a syscall event's metadata is no pcapng comment.
TEST(PcapngEvents, PacketCommentsAndDirectionShowAsTsharkShowsThem) {
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  auto f = make("mixed");
  auto t = tshark("-r '" + f + "' -V -Y tcp");
  auto s = run("'" + strato_bin() + "' read -r '" + f + "' -V -Y tcp");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const std::string tree = comment_tree(t.out);
  EXPECT_NE(tree.find("\nCmd: /usr/bin/curl\n"), std::string::npos) << t.out;
  EXPECT_EQ(comment_tree(s.out), tree);
  auto all = run("'" + strato_bin() + "' read -r '" + f + "' -V");
  EXPECT_EQ(count_of(all.out, "Packet comments\n"), 1u) << "only the packet's";
  const std::string fields = " -T fields -e frame.number -e frame.p2p_dir";
  EXPECT_EQ(lines(run("'" + strato_bin() + "' read -r '" + f + "'" + fields).out), lines(tshark("-r '" + f + "'" + fields).out));
}


// A busy process's events name it once; the ones after point back at it
// (kMetaSameProcess), and reading restores every event's process.
TEST(PcapngEvents, RepeatedProcessIsWrittenOnceAndRestoredForEveryEvent) {
  auto f = make("repeat");
  const std::string fields = " -T fields -e proc.pid -e proc.name -e proc.cmdline -e user.name -e evt.latency";
  auto in = run("'" + strato_bin() + "' read -r '" + f + "'" + fields);
  ASSERT_EQ(in.exit_code, 0) << in.err;
  ASSERT_EQ(lines(in.out).size(), 4u) << in.out;
  EXPECT_EQ(lines(in.out)[2], "5151\tnginx\tnginx -g daemon off;\twww-data\t3");

  std::string out = temp_dir() + "/events-repeat-written.pcapng";
  auto w = run("'" + strato_bin() + "' read -r '" + f + "' -w '" + out + "'");
  ASSERT_EQ(w.exit_code, 0) << w.err;
  const std::string written = slurp(out);
  EXPECT_EQ(count_of(written, "PID: 4242"), 2u) << "A, then B, then A again: A's lines twice, not three times";
  EXPECT_EQ(count_of(written, "PID: 5151"), 1u);
  EXPECT_LT(written.size(), slurp(f).size());
  auto back = run("'" + strato_bin() + "' read -r '" + out + "'" + fields);
  EXPECT_EQ(back.err, "");
  EXPECT_EQ(lines(back.out), lines(in.out));

  // A ring of files: each file must stand alone, so none points back.
  std::string dir = temp_dir() + "/repeat-ring";
  run("rm -rf '" + dir + "' && mkdir -p '" + dir + "'");
  auto r = run("'" + strato_bin() + "' read -r '" + f + "' -w '" + dir + "/r.pcapng' -b packets:1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto files = lines(run("ls '" + dir + "'").out);
  ASSERT_EQ(files.size(), 4u) << r.err;
  std::vector<std::string> rows;
  for (auto& name : files) {
    auto one = run("'" + strato_bin() + "' read -r '" + dir + "/" + name + "'" + fields);
    EXPECT_EQ(one.err, "") << name;
    for (auto& l : lines(one.out)) rows.push_back(l);
  }
  EXPECT_EQ(rows, lines(in.out));
}

TEST(PcapngEvents, PointerToAnEarlierProcessStopsAtTheSection) {
  auto f = make("orphan");
  auto r = run("'" + strato_bin() + "' read -r '" + f + "' -T fields -e proc.pid -e evt.type -e evt.latency");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"4242\topenat\t1", "\tconnect\t2"}));
  auto el = lines(r.err);
  ASSERT_EQ(el.size(), 1u) << r.err;
  EXPECT_NE(el[0].find(f + ": skipping corrupt syscall metadata block at byte offset"), std::string::npos) << el[0];
  EXPECT_NE(el[0].find("it names the previous block's process, and there is none in this section"), std::string::npos)
      << el[0];
}

TEST(PcapngEvents, BrokenSysdigBlocksAreReportedAndSkipped) {
  const std::map<std::string, std::string> causes = {
      {"short", "sysdig event block at byte offset 104: too short (4 bytes)"},
      {"badlen", "sysdig event block at byte offset 104: event length 5000 does not fit the block"},
      {"params", "sysdig event block at byte offset 104: parameter lengths (3021 bytes) run past the event's end"},
      {"large", "large sysdig event block at byte offset 104: parameter 1 runs past the event's end"},
  };
  for (auto& [kind, cause] : causes) {
    auto f = make(kind);
    auto r = run("'" + strato_bin() + "' read -r '" + f + "' -T fields -e evt.type");
    EXPECT_EQ(r.exit_code, 0) << kind << ": " << r.err;
    EXPECT_EQ(lines(r.out), std::vector<std::string>{"connect"}) << kind;
    auto el = lines(r.err);
    ASSERT_EQ(el.size(), 1u) << kind << ": " << r.err;
    EXPECT_NE(el[0].find(f), std::string::npos) << el[0];
    EXPECT_NE(el[0].find(cause), std::string::npos) << kind << ": " << el[0];
  }
}

TEST(PcapngEvents, OlderVersion1BlocksAreReadWithTheSchemaParameterCount) {
  auto f = make("v1");
  auto r = run("'" + strato_bin() + "' read -r '" + f + "' -T fields -e evt.type -e fd.name -e evt.res -e evt.cpu");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines(r.out), std::vector<std::string>{"connect\t127.0.0.1:43110->127.0.0.1:9\tECONNREFUSED\t1"});
  auto el = lines(r.err);
  ASSERT_EQ(el.size(), 1u) << r.err;
  EXPECT_NE(el[0].find(f + ": skipping corrupt sysdig event block (v1) at byte offset 108: event type 9999 is unknown"),
            std::string::npos)
      << el[0];
}

// ---- live capture (root) ----

std::string skip_reason() {
  if (geteuid() != 0) return "not root: live eBPF capture needs root or CAP_BPF+CAP_PERFMON";
  if (!exists(build_dir() + "/plugins/ebpf.so")) return "the ebpf plugin was not built";
  if (!exists("/sys/kernel/btf/vmlinux")) return "the kernel has no BTF (/sys/kernel/btf/vmlinux)";
  if (!have_program("tshark")) return "tshark not installed";
  return "";
}

TEST(PcapngEventsLive, CaptureFileMatchesLiveOutputAndTshark) {
  std::string why = skip_reason();
  if (!why.empty()) {
    std::fprintf(stderr, "\n*** SKIPPING live pcapng capture test: %s ***\n\n", why.c_str());
    GTEST_SKIP() << why;
  }
  std::string dir = temp_dir() + "/live";
  run("mkdir -p '" + dir + "'");
  std::string known = dir + "/strato-pcapng-known.txt", file = dir + "/cap.pcapng";
  std::ofstream(known) << "known contents\n";
  const std::string fields = " -T fields -e evt.type -e proc.name -e proc.pid -e fd.name -e evt.latency -e evt.res";
  std::string inner = "'" + strato_bin() + "' capture --comm cat -w '" + file + "' -P" + fields + " > " + dir +
                      "/out 2> " + dir + "/err & echo \\$! > " + dir + "/pid; wait \\$!; echo \\$? > " + dir + "/rc";
  run("sh -c \"" + inner + "\" > /dev/null 2>&1 &");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (slurp(dir + "/err").find("Capturing on") == std::string::npos && !exists(dir + "/rc") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  int pid = std::atoi(slurp(dir + "/pid").c_str());
  ASSERT_NE(slurp(dir + "/err").find("Capturing on"), std::string::npos) << slurp(dir + "/err");
  run("cat '" + known + "' > /dev/null");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  kill(pid, SIGINT);
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (slurp(dir + "/rc").empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(slurp(dir + "/rc"), "0\n") << slurp(dir + "/err");

  auto live = lines(slurp(dir + "/out"));
  bool opened = false;
  for (auto& l : live) opened |= l.rfind("openat\tcat\t", 0) == 0 && l.find("\t" + known + "\t") != std::string::npos;
  ASSERT_TRUE(opened) << "no openat of " << known << " in the live output:\n" << slurp(dir + "/out");

  // strato read of the file prints what the capture printed live.
  auto off = run("'" + strato_bin() + "' read -r '" + file + "'" + fields);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(lines(off.out), live);

  // tshark opens it cleanly and dissects one sysdig frame per syscall event,
  // with strato's event names.
  auto t = tshark("-r '" + file + "'");
  EXPECT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(t.err, "");
  EXPECT_EQ(t.out.find("damaged"), std::string::npos);
  auto v = tshark("-r '" + file + "' -V");
  EXPECT_EQ(v.out.find("Malformed"), std::string::npos);
  auto names = run("'" + strato_bin() + "' read -r '" + file + "' -Y syscall -T fields -e frame.number -e evt.type");
  auto sys = tshark("-r '" + file + "' -Y sysdig -T fields -e frame.number -e _ws.col.Info");
  EXPECT_EQ(lines(sys.out).size(), live.size());
  EXPECT_EQ(lines(sys.out), lines(names.out));
}

}  // namespace
