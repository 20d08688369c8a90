// `strato read` from a FIFO or a pipe whose writer stays open ends promptly on
// SIGTERM/SIGINT (as tshark does) and still finishes its outputs, wherever
// the kernel delivers the signal among strato's threads.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

using namespace strato::test;

namespace {

using Clock = std::chrono::steady_clock;

// temp_dir() is one directory per process: name files after the test.
std::string test_path(const std::string& suffix) {
  return temp_dir() + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + suffix;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Stopped {
  int status = -1;
  double seconds = 0;  // from the signal to strato's exit
  std::string out, err;
};

// Runs `strato read -r INPUT ARGS`, feeds it `data` and keeps the writing end
// open until strato has exited. `input` is a FIFO path, or "-" for a pipe on
// standard input. Once the data is drained and strato had time to handle it,
// sends `sig` and measures how long strato takes to exit.
Stopped feed_then_stop(const std::string& input, const std::vector<std::string>& args, const std::string& data,
                       int sig) {
  Stopped res;
  std::string out = test_path(".stdout"), err = test_path(".stderr");
  int pipe_fds[2] = {-1, -1};
  if (input == "-" && pipe(pipe_fds) != 0) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return res;
  }
  std::vector<std::string> argv_s = {strato_bin(), "read", "-r", input};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    if (input == "-") {
      dup2(pipe_fds[0], 0);
      close(pipe_fds[0]);
      close(pipe_fds[1]);
    }
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    return res;
  }
  int wfd = -1;
  if (input == "-") {
    close(pipe_fds[0]);
    wfd = pipe_fds[1];
  } else {
    // Non-blocking open fails with ENXIO until strato opens its end; this
    // way a strato that never opens it cannot hang the test.
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while ((wfd = open(input.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0 && errno == ENXIO &&
           Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (wfd >= 0) fcntl(wfd, F_SETFL, 0);
  }
  EXPECT_GE(wfd, 0) << input << ": writer cannot open: " << std::strerror(errno);
  if (wfd >= 0) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = write(wfd, data.data() + done, data.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    EXPECT_EQ(done, data.size());
    // Drained: strato has read everything and is now waiting for more.
    auto deadline = Clock::now() + std::chrono::seconds(10);
    int left = 1;
    while (ioctl(wfd, FIONREAD, &left) == 0 && left > 0 && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(left, 0) << "strato did not read its input";
  }
  // Margin for strato to install its signal handlers and handle the packets.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto t0 = Clock::now();
  kill(pid, sig);
  int status = 0;
  pid_t w;
  while ((w = waitpid(pid, &status, WNOHANG)) == 0 && Clock::now() - t0 < std::chrono::seconds(10))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  res.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (w == 0) {
    // Still blocked: the bug this file tests for. Don't leave it behind.
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    res.status = -1;
  } else {
    res.status = status;
  }
  if (wfd >= 0) close(wfd);
  res.out = slurp(out);
  res.err = slurp(err);
  return res;
}

void expect_clean_prompt_exit(const Stopped& s) {
  ASSERT_NE(s.status, -1) << "strato still running 10 s after the signal; stderr: " << s.err;
  ASSERT_TRUE(WIFEXITED(s.status)) << "killed by signal " << WTERMSIG(s.status) << "; stderr: " << s.err;
  EXPECT_EQ(WEXITSTATUS(s.status), 0) << s.err;
  EXPECT_LT(s.seconds, 2.0) << "strato took " << s.seconds << " s to stop";
}

std::string sample() { return shared_file("captures/live/mixed-small.pcapng"); }

// tshark's frame.number,frame.len,frame.time_epoch lines of a capture.
std::string tshark_frames(const std::string& path) {
  auto r = run("tshark -r '" + path + "' -T fields -e frame.number -e frame.len -e frame.time_epoch 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << path;
  return r.out;
}

std::string make_fifo() {
  std::string f = test_path(".fifo");
  unlink(f.c_str());  // left by an earlier --gtest_repeat round
  EXPECT_EQ(mkfifo(f.c_str(), 0600), 0) << std::strerror(errno);
  return f;
}

}  // namespace

TEST(FifoStop, SigtermEndsFifoReadAndPrintsPackets) {
  ASSERT_TRUE(have_program("tshark"));
  std::string fifo = make_fifo();
  Stopped s = feed_then_stop(fifo, {}, slurp(sample()), SIGTERM);
  expect_clean_prompt_exit(s);
  // Every packet fed is printed, exactly as from the regular file.
  auto whole = run(strato_bin() + " read -r '" + sample() + "'");
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_EQ(s.out, whole.out);
  EXPECT_EQ(split_lines(s.out).size(), split_lines(tshark_frames(sample())).size());
}

TEST(FifoStop, SigintEndsFifoReadWithCompletePcapng) {
  ASSERT_TRUE(have_program("tshark"));
  std::string fifo = make_fifo();
  std::string out = test_path(".pcapng");
  Stopped s = feed_then_stop(fifo, {"-w", out}, slurp(sample()), SIGINT);
  expect_clean_prompt_exit(s);
  std::string want = tshark_frames(sample());
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(tshark_frames(out), want);
}

TEST(FifoStop, SigtermEndsGzipStdinPipeWithCompletePcapng) {
  ASSERT_TRUE(have_program("tshark"));
  ASSERT_TRUE(have_program("gzip"));
  std::string gz = test_path(".pcapng.gz");
  ASSERT_EQ(run("gzip -c '" + sample() + "' > '" + gz + "'").exit_code, 0);
  std::string out = test_path(".pcapng");
  Stopped s = feed_then_stop("-", {"-w", out}, slurp(gz), SIGTERM);
  expect_clean_prompt_exit(s);
  EXPECT_EQ(tshark_frames(out), tshark_frames(sample()));
}
