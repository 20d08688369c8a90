// Crash safety: strato reads a FIFO the test feeds packet by packet (so the
// moment of the kill is exact), writing a ring of 5-packet files. After
// kill -9 the finished files are complete and the one being written is
// readable under its partial name; after SIGTERM the last file is finished
// and renamed.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include "archive_support.h"

extern char** environ;

namespace strato::test::archives {
namespace {

const char* kAfs = "captures/tcpdump-tests/afs.pcap";

// The pcap file's header and first `n` records.
std::string first_packets(const std::string& path, size_t n) {
  std::ifstream f(path, std::ios::binary);
  std::string d((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t off = 24;
  for (size_t i = 0; i < n; ++i) {
    uint32_t cap;
    std::memcpy(&cap, d.data() + off + 8, 4);
    off += 16 + cap;
  }
  return d.substr(0, off);
}

struct Writer {
  pid_t pid = -1;
  int fifo = -1;
};

// Starts strato on a FIFO and feeds it the first 12 packets, keeping the
// FIFO open so that strato waits for more.
Writer start(const std::string& dir, const std::string& out_name) {
  std::string fifo = dir + "/in.fifo";
  EXPECT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string cmd = "exec env TZ=UTC " + strato_bin() + " read -r " + fifo + " --batch-size 1 --threads 2 -w " + dir +
                    "/ring/" + out_name + " -b packets:5";
  fs::create_directories(dir + "/ring");
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  Writer w;
  EXPECT_EQ(posix_spawn(&w.pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  // Non-blocking until strato opens its end: a strato that failed to start
  // must fail the test, not hang it.
  for (int i = 0; i < 300 && w.fifo < 0; ++i) {
    w.fifo = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (w.fifo < 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(w.fifo, 0) << "strato never opened " << fifo;
  if (w.fifo < 0) return w;
  fcntl(w.fifo, F_SETFL, fcntl(w.fifo, F_GETFL) & ~O_NONBLOCK);
  std::string data = first_packets(shared_file(kAfs), 12);
  EXPECT_EQ(::write(w.fifo, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  return w;
}

// Waits until the partial file holds `n` packets (tshark's count).
bool wait_for_partial(const std::string& ring, const std::string& partial, size_t n) {
  for (int i = 0; i < 150; ++i) {
    if (fs::exists(ring + "/" + partial)) {
      CommandResult r = run("tshark -n -r '" + ring + "/" + partial + "' 2>/dev/null | wc -l");
      if (r.out == std::to_string(n) + "\n") return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// waitpid, but a strato that hangs is killed after 30 s (and fails the test).
int wait_exit(pid_t pid) {
  int status = 0;
  for (int i = 0; i < 300; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "strato did not exit";
  ::kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return status;
}

void check_finished(const std::string& ring, const std::vector<Frame>& input, const std::vector<std::string>& names,
                    const std::string& cat) {
  for (size_t i = 0; i < names.size(); ++i) {
    auto got = frames(ring + "/" + names[i], cat);
    ASSERT_EQ(got.size(), i < 2 ? 5u : 2u) << names[i];
    for (size_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k].line, input[5 * i + k].line);
  }
}

void kill_during_write(const std::string& ext, const std::string& cat) {
  auto input = frames(shared_file(kAfs));
  std::string dir = fresh_dir("kill" + ext), ring = dir + "/ring";
  Writer w = start(dir, "out" + ext);
  std::string n1 = ring_name("out", 1, input[0].ts_ns, ext), n2 = ring_name("out", 2, input[5].ts_ns, ext),
              n3 = ring_name("out", 3, input[10].ts_ns, ext);
  bool ready = wait_for_partial(ring, "." + n3 + ".partial", 2);
  ::kill(w.pid, SIGKILL);
  int status = wait_exit(w.pid);
  ::close(w.fifo);
  ASSERT_TRUE(ready) << "strato did not write packet 12";
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(files_in(ring), (std::vector<std::string>{"." + n3 + ".partial", n1, n2}));
  // The file cut short reads whole, without errors.
  check_finished(ring, input, {n1, n2, "." + n3 + ".partial"}, cat);
  if (!cat.empty()) {
    CommandResult r = run(cat + " '" + ring + "/." + n3 + ".partial' >/dev/null");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
  }
  CommandResult r = run(strato_bin() + " read -r '" + ring + "/." + n3 + ".partial' -T fields -e frame.len");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(split_lines(r.out).size(), 2u);
  EXPECT_EQ(r.err, "");
}

TEST(CrashSafety, KillDuringPlainWriteLeavesReadableFiles) { kill_during_write(".pcapng", ""); }

TEST(CrashSafety, KillDuringZstdWriteLeavesReadableFiles) { kill_during_write(".pcapng.zst", "zstdcat"); }

TEST(CrashSafety, KillDuringGzipWriteLeavesReadableFiles) { kill_during_write(".pcapng.gz", "zcat"); }

TEST(CrashSafety, SigtermFinishesAndRenamesTheLastFile) {
  auto input = frames(shared_file(kAfs));
  std::string dir = fresh_dir("term"), ring = dir + "/ring";
  Writer w = start(dir, "out.pcapng.zst");
  std::string n3 = ring_name("out", 3, input[10].ts_ns, ".pcapng.zst");
  bool ready = wait_for_partial(ring, "." + n3 + ".partial", 2);
  ::kill(w.pid, SIGTERM);
  // The signal may land on a thread other than the one blocked reading the
  // FIFO; the end of input then wakes that one. Either way strato must
  // survive the signal and finish the file it was writing.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::close(w.fifo);
  int status = wait_exit(w.pid);
  ASSERT_TRUE(ready);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::vector<std::string> want{ring_name("out", 1, input[0].ts_ns, ".pcapng.zst"),
                                ring_name("out", 2, input[5].ts_ns, ".pcapng.zst"), n3};
  EXPECT_EQ(files_in(ring), want);
  check_finished(ring, input, want, "zstdcat");
}

TEST(CrashSafety, NoPartialLeftAfterANormalEnd) {
  std::string dir = fresh_dir("normal");
  CommandResult r = run(strato_bin() + " read -r " + shared_file(kAfs) + " -w " + dir + "/o.pcapng.gz -b packets:100");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto names = files_in(dir);
  EXPECT_EQ(names.size(), 7u);
  for (auto& n : names) EXPECT_EQ(n.find(".partial"), std::string::npos) << n;
}

}  // namespace
}  // namespace strato::test::archives
