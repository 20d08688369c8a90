// The ASan+UBSan build (build-asan/, made by scripts/test.sh) over every
// tcpdump-tests capture (many are fuzzer finds) and over damaged copies of a
// few real captures, through the detail tree, hex dump, statistics and JSON
// sinks. Nothing may crash, hang or trip a sanitizer; a capture strato
// rejects must exit 2 with one "strato: " line.
//
// Leak checking stays on (detect_leaks=1): a leak is a sanitizer report too.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "test_support.h"

namespace fs = std::filesystem;

namespace {

const std::string kAsanBinary = std::string(STRATO_SOURCE_DIR) + "/build-asan/strato";

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::vector<std::string> lines_of(const std::string& s) { return strato::test::split_lines(s); }

// Empty when the run is acceptable, else why not.
std::string judge(const strato::test::CommandResult& r) {
  for (const char* bad : {"runtime error", "AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer"}) {
    auto p = r.err.find(bad);
    if (p != std::string::npos) {
      size_t from = r.err.rfind('\n', p);
      from = from == std::string::npos ? 0 : from + 1;
      return "sanitizer: " + r.err.substr(from, 600);
    }
  }
  if (r.exit_code == 124) return "hung (killed after 120 s)";
  if (r.exit_code == 0) return "";
  if (r.exit_code != 2) return "exit code " + std::to_string(r.exit_code) + ": " + r.err.substr(0, 400);
  std::vector<std::string> errors;
  for (auto& l : lines_of(r.err))
    if (!l.starts_with("strato: warning: ")) errors.push_back(l);
  if (errors.size() != 1 || !errors[0].starts_with("strato: "))
    return "exit 2 without exactly one \"strato: \" error line: " + r.err.substr(0, 400);
  return "";
}

// Runs `args` of strato read over every file, two at a time, and fails the
// test with each file that misbehaved.
void run_all(const std::vector<std::string>& files, const std::string& args) {
  ASSERT_TRUE(fs::exists(kAsanBinary)) << kAsanBinary << " is missing: run scripts/test.sh (it builds the ASan+UBSan tree)";
  ASSERT_FALSE(files.empty());
  const std::string env =
      "ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ";
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::vector<std::string> failures;
  std::atomic<size_t> rejected{0}, warned{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < files.size();) {
      auto r = strato::test::run(env + "timeout 120 " + quote(kAsanBinary) + " read -r " + quote(files[i]) + " " + args +
                                 " >/dev/null");
      std::string why = judge(r);
      if (r.exit_code == 2) ++rejected;
      if (r.err.find("strato: warning: ") != std::string::npos) ++warned;
      if (why.empty()) continue;
      std::lock_guard<std::mutex> lock(mu);
      failures.push_back(fs::path(files[i]).filename().string() + ": " + why);
    }
  };
  std::thread t1(worker), t2(worker);
  t1.join();
  t2.join();
  std::cout << "[robustness] " << files.size() << " files, " << rejected << " rejected (exit 2), " << warned
            << " with warnings, " << failures.size() << " failed: " << args << std::endl;
  if (failures.empty()) return;
  std::sort(failures.begin(), failures.end());
  std::ostringstream msg;
  msg << failures.size() << " of " << files.size() << " files failed with `strato read -r F " << args << "`:";
  for (size_t i = 0; i < failures.size() && i < 25; ++i) msg << "\n  " << failures[i];
  if (failures.size() > 25) msg << "\n  ... and " << failures.size() - 25 << " more";
  ADD_FAILURE() << msg.str();
}

std::vector<std::string> tcpdump_tests() {
  std::vector<std::string> v;
  for (auto& f : strato::test::shared_files("captures/tcpdump-tests"))
    if (fs::path(f).filename() != "LICENSE") v.push_back(f);
  return v;
}

// Truncated and bit-flipped copies of a few real captures (fixed seed, so a
// failure reproduces).
std::vector<std::string> damaged_copies() {
  std::vector<std::string> bases = {strato::test::shared_file("captures/live/mixed-small.pcapng")};
  // The largest pcap and pcapng files of tcpdump-tests hold the most packets.
  std::vector<std::pair<uintmax_t, std::string>> pcap, pcapng;
  for (auto& f : tcpdump_tests()) (f.ends_with(".pcapng") ? pcapng : pcap).emplace_back(fs::file_size(f), f);
  std::sort(pcap.rbegin(), pcap.rend());
  std::sort(pcapng.rbegin(), pcapng.rend());
  for (size_t i = 0; i < 3 && i < pcap.size(); ++i) bases.push_back(pcap[i].second);
  for (size_t i = 0; i < 2 && i < pcapng.size(); ++i) bases.push_back(pcapng[i].second);

  std::mt19937 rng(20240611);
  std::string dir = strato::test::temp_dir() + "/damaged";
  fs::create_directories(dir);
  std::vector<std::string> out;
  for (auto& base : bases) {
    std::ifstream in(base, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 64) continue;
    std::string stem = fs::path(base).stem().string();
    auto write = [&](const std::string& name, const std::string& data) {
      std::string p = dir + "/" + stem + "." + name + fs::path(base).extension().string();
      std::ofstream(p, std::ios::binary) << data;
      out.push_back(p);
    };
    for (int k = 0; k < 8; ++k) {
      size_t cut = std::uniform_int_distribution<size_t>(1, bytes.size() - 1)(rng);
      write("cut" + std::to_string(cut), bytes.substr(0, cut));
    }
    for (int k = 0; k < 12; ++k) {
      std::string d = bytes;
      int flips = 1 << (k % 5);  // 1..16 damaged bytes
      // Half of the copies keep the file header intact so the damage reaches
      // the packet records and dissectors rather than the format check.
      size_t from = k % 2 ? std::min<size_t>(d.size() - 1, 64) : 0;
      for (int j = 0; j < flips; ++j) {
        size_t at = std::uniform_int_distribution<size_t>(from, d.size() - 1)(rng);
        d[at] = static_cast<char>(d[at] ^ (1 + std::uniform_int_distribution<int>(0, 254)(rng)));
      }
      write("flip" + std::to_string(k), d);
    }
  }
  return out;
}

TEST(RobustnessJudge, FlagsSanitizerReportsCrashesAndUntidyErrors) {
  using R = strato::test::CommandResult;
  EXPECT_EQ(judge(R{0, "", ""}), "");
  EXPECT_EQ(judge(R{0, "", "strato: warning: x.pcap: truncated record\n"}), "");
  EXPECT_EQ(judge(R{2, "", "strato: x.pcap: not a capture file\n"}), "");
  EXPECT_EQ(judge(R{2, "", "strato: warning: w\nstrato: x.pcap: bad block\n"}), "");
  EXPECT_NE(judge(R{0, "", "a.cpp:3:4: runtime error: signed integer overflow\n"}), "");
  EXPECT_NE(judge(R{1, "", "==1==ERROR: AddressSanitizer: heap-buffer-overflow\n"}), "");
  EXPECT_NE(judge(R{0, "", "==1==ERROR: LeakSanitizer: detected memory leaks\n"}), "");
  EXPECT_NE(judge(R{134, "", ""}), "");
  EXPECT_NE(judge(R{124, "", ""}), "");
  EXPECT_NE(judge(R{2, "", "terminate called after throwing\n"}), "");
  EXPECT_NE(judge(R{2, "", "strato: one\nstrato: two\n"}), "");
}

TEST(Robustness, TcpdumpTestsDetailHexAndStatistics) { run_all(tcpdump_tests(), "-V -x -z io,phs"); }

TEST(Robustness, TcpdumpTestsJson) { run_all(tcpdump_tests(), "-T json"); }

TEST(Robustness, DamagedCopiesDetailHexAndStatistics) {
  auto files = damaged_copies();
  EXPECT_GT(files.size(), 100u);
  run_all(files, "-V -x -z io,phs");
}

TEST(Robustness, DamagedCopiesJsonAndFilter) {
  auto files = damaged_copies();
  run_all(files, "-T json -Y 'tcp || udp || dns || http'");
}

}  // namespace
