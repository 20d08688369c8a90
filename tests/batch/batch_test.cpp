// strato batch over 100 small archives cut from shared captures (some zstd,
// some gzip, in nested directories), one of them truncated. tshark, on the
// uncompressed pieces or on a mergecap'ed file, is the oracle.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "test_support.h"

namespace fs = std::filesystem;
using strato::test::run;

namespace {

const char* kFields = "-e frame.number -e frame.time_epoch -e frame.len -e ip.src -e ip.dst -e tcp.srcport -e udp.dstport";

struct Piece {
  std::string archive;  // what strato reads (maybe compressed)
  std::string plain;    // the same capture uncompressed, for tshark
};

struct Corpus {
  std::string dir;
  std::vector<Piece> good;  // in the batch's (sorted path) order
  std::string corrupt;
  std::string corrupt_plain_prefix;  // tshark's view of the truncated file
};

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void must(const std::string& cmd) {
  auto r = run(cmd);
  ASSERT_EQ(r.exit_code, 0) << cmd << "\n" << r.err;
}

// Cuts `src` into pieces of `per` packets under dir/sub, compressing every
// third with zstd and the one after with gzip.
void cut(const std::string& src, int per, const std::string& dir, const std::string& sub, int& seq, Corpus& c) {
  std::string tmp = dir + "/cut";
  fs::create_directories(tmp);
  must("editcap -F pcapng -c " + std::to_string(per) + " '" + src + "' '" + tmp + "/piece.pcapng'");
  std::vector<std::string> parts;
  for (auto& e : fs::directory_iterator(tmp)) parts.push_back(e.path().string());
  std::sort(parts.begin(), parts.end());
  fs::create_directories(dir + "/plain");
  fs::create_directories(dir + "/archive/" + sub);
  for (auto& p : parts) {
    char name[64];
    std::snprintf(name, sizeof name, "cap-%03d.pcapng", seq);
    std::string plain = dir + "/plain/" + name, archive = dir + "/archive/" + sub + "/" + name;
    fs::rename(p, plain);
    if (seq % 3 == 0) {
      archive += ".zst";
      must("zstd -q -c '" + plain + "' > '" + archive + "'");
    } else if (seq % 3 == 1) {
      archive += ".gz";
      must("gzip -c '" + plain + "' > '" + archive + "'");
    } else {
      fs::copy_file(plain, archive);
    }
    c.good.push_back({archive, plain});
    ++seq;
  }
  fs::remove_all(tmp);
}

const Corpus& corpus() {
  static Corpus c = [] {
    Corpus c;
    c.dir = strato::test::temp_dir();
    int seq = 0;
    cut(strato::test::shared_file("captures/live/mixed-small.pcapng"), 2, c.dir, "day1", seq, c);
    cut(strato::test::shared_file("captures/tcpdump-tests/vrrp.pcap"), 3, c.dir, "day2/vrrp", seq, c);
    cut(strato::test::shared_file("captures/tcpdump-tests/dns_tcp.pcap"), 2, c.dir, "day2/dns", seq, c);
    EXPECT_EQ(c.good.size(), 100u);
    // The last mixed-small piece is cut in the middle of its second packet.
    Piece victim = c.good[38];
    c.good.erase(c.good.begin() + 38);
    c.corrupt = c.dir + "/archive/day1/cap-038-cut.pcapng";
    fs::copy_file(victim.plain, c.corrupt);
    fs::remove(victim.archive);
    fs::resize_file(c.corrupt, fs::file_size(c.corrupt) - 40);
    c.corrupt_plain_prefix = c.corrupt;
    std::sort(c.good.begin(), c.good.end(), [](const Piece& a, const Piece& b) { return a.archive < b.archive; });
    return c;
  }();
  return c;
}

std::string glob_all() { return "'" + corpus().dir + "/archive/**/cap-*'"; }

// tshark takes a third of a second per file: each answer is kept.
std::string tshark_fields(const std::string& file, const std::string& filter = "") {
  static std::map<std::string, std::string> cache;
  auto it = cache.find(file + "\n" + filter);
  if (it != cache.end()) return it->second;
  auto r = run("tshark -r '" + file + "' " + (filter.empty() ? "" : "-Y '" + filter + "' ") + "-T fields " + kFields +
               " 2>/dev/null");
  cache[file + "\n" + filter] = r.out;
  return r.out;
}

// The summary line's counts.
struct Summary {
  long ok = -1, failed = -1, events = -1, matched = -1;
};
Summary summary_of(const std::string& err) {
  Summary s;
  size_t p = err.find("strato batch: ");
  if (p != std::string::npos)
    std::sscanf(err.c_str() + p, "strato batch: %ld files ok, %ld failed; %ld events read, %ld matched", &s.ok, &s.failed,
                &s.events, &s.matched);
  return s;
}

bool have_tools() {
  for (const char* p : {"tshark", "editcap", "mergecap", "zstd", "gzip", "python3"})
    if (!strato::test::have_program(p)) return false;
  return true;
}

#define REQUIRE_TOOLS() \
  if (!have_tools()) GTEST_SKIP() << "needs tshark, editcap, mergecap, zstd, gzip, python3"

long packets(const std::string& file) { return static_cast<long>(strato::test::split_lines(tshark_fields(file)).size()); }

}  // namespace

TEST(Batch, CorruptArchiveIsNamedSkippedAndExitsThree) {
  REQUIRE_TOOLS();
  const Corpus& c = corpus();
  auto r = run(strato::test::strato_bin() + " batch " + glob_all() + " -Y 'tcp || udp' -T fields " + kFields + " --jobs 2");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  long events = packets(c.corrupt), matched = 0;
  for (auto& p : c.good) {
    events += packets(p.plain);
    matched += static_cast<long>(strato::test::split_lines(tshark_fields(p.plain, "tcp || udp")).size());
  }
  Summary s = summary_of(r.err);
  EXPECT_EQ(s.ok, 99) << r.err;
  EXPECT_EQ(s.failed, 1) << r.err;
  EXPECT_EQ(s.events, events) << r.err;
  EXPECT_EQ(s.matched, matched) << r.err;
  // Named in the summary with the offset of the damage.
  EXPECT_NE(r.err.find("failed: " + c.corrupt + ": truncated record at byte offset "), std::string::npos) << r.err;
  // Skipped: its packets are not in the output.
  std::string expected;
  for (auto& p : c.good) expected += tshark_fields(p.plain, "tcp || udp");
  EXPECT_EQ(r.out, expected);
}

TEST(Batch, FieldsPerArchiveEqualTsharkInInputOrder) {
  REQUIRE_TOOLS();
  const Corpus& c = corpus();
  auto r = run(strato::test::strato_bin() + " batch '" + c.dir + "/archive/**/cap-???.pcapng*' -T fields " + kFields);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected;
  for (auto& p : c.good) expected += tshark_fields(p.plain);
  EXPECT_EQ(r.out, expected);
  EXPECT_EQ(summary_of(r.err).ok, 99) << r.err;
}

TEST(Batch, JobsOneAndTwoGiveTheSameOutput) {
  REQUIRE_TOOLS();
  std::string cmd = strato::test::strato_bin() + " batch " + glob_all() + " -T fields " + kFields + " -Y 'ip'";
  auto one = run(cmd + " --jobs 1"), two = run(cmd + " --jobs 2"), three = run(cmd + " --jobs 3 --threads 2");
  EXPECT_EQ(one.exit_code, 3);
  EXPECT_EQ(two.exit_code, 3);
  EXPECT_FALSE(one.out.empty());
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(one.out, three.out);
  Summary a = summary_of(one.err), b = summary_of(two.err);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.matched, b.matched);
}

TEST(Batch, MergeEqualsTsharkOnMergecap) {
  REQUIRE_TOOLS();
  const Corpus& c = corpus();
  std::string merged = c.dir + "/merged.pcapng", plains;
  for (auto& p : c.good) plains += " '" + p.plain + "'";
  must("mergecap -F pcapng -w '" + merged + "'" + plains);
  auto r = run(strato::test::strato_bin() + " batch '" + c.dir + "/archive/**/cap-???.pcapng*' --merge -T fields " + kFields);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string expected = tshark_fields(merged);
  EXPECT_EQ(strato::test::split_lines(r.out).size(), 0u + strato::test::split_lines(expected).size());
  EXPECT_EQ(r.out, expected);

  // One pcapng for everything with -w: tshark reads it as the merged file.
  std::string out = c.dir + "/merged-by-strato.pcapng";
  auto w = run(strato::test::strato_bin() + " batch '" + c.dir + "/archive/**/cap-???.pcapng*' --merge -Y udp -w '" + out + "'");
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_EQ(run("tshark -r '" + out + "' -T fields -e frame.time_epoch -e ip.src -e udp.dstport 2>/dev/null").out,
            run("tshark -r '" + merged + "' -Y udp -T fields -e frame.time_epoch -e ip.src -e udp.dstport 2>/dev/null").out);
}

TEST(Batch, WriteDirKeepsRelativePathsAndTsharkReadsThem) {
  REQUIRE_TOOLS();
  const Corpus& c = corpus();
  std::string out = c.dir + "/out-w";
  auto r = run(strato::test::strato_bin() + " batch " + glob_all() + " -Y 'udp' -w '" + out + "'");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  size_t checked = 0;
  for (auto& p : c.good) {
    std::string rel = fs::path(p.archive).lexically_relative(c.dir + "/archive").string();
    std::string plain_rel = rel;
    for (const char* suf : {".zst", ".gz"})
      if (plain_rel.size() > 4 && plain_rel.ends_with(suf)) plain_rel.resize(plain_rel.size() - std::strlen(suf));
    std::string written = fs::exists(out + "/" + rel) ? out + "/" + rel : out + "/" + plain_rel;
    ASSERT_TRUE(fs::exists(written)) << written;
    EXPECT_EQ(run("tshark -r '" + written + "' -T fields -e frame.time_epoch -e udp.dstport 2>/dev/null").out,
              run("tshark -r '" + p.plain + "' -Y udp -T fields -e frame.time_epoch -e udp.dstport 2>/dev/null").out)
        << rel;
    ++checked;
  }
  EXPECT_EQ(checked, 99u);
  // The damaged archive leaves nothing behind, not even a partial file.
  size_t files = 0;
  for (auto& e : fs::recursive_directory_iterator(out))
    if (e.is_regular_file()) ++files;
  EXPECT_EQ(files, 99u);
}

TEST(Batch, ResumeAfterInterruptRedoesNothingFinished) {
  REQUIRE_TOOLS();
  const Corpus& c = corpus();
  std::string state = c.dir + "/resume.state", out1 = c.dir + "/resume1.out", err1 = c.dir + "/resume1.err";
  std::string cmd = strato::test::strato_bin() + " batch " + glob_all() + " -T fields " + kFields + " --jobs 1 --resume '" + state + "'";
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + cmd + " > '" + out1 + "' 2> '" + err1 + "'").c_str(), nullptr);
    _exit(127);
  }
  // Interrupt once some archives, but far from all, are recorded.
  size_t recorded = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    recorded = strato::test::split_lines(slurp(state)).size();
    if (recorded >= 6) break;  // the header and 5 archives
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 130) << slurp(err1);
  auto lines = strato::test::split_lines(slurp(state));
  size_t done = lines.size() - 1;
  ASSERT_GE(done, 5u);
  ASSERT_LT(done, 90u) << "finished before the interrupt; the test needs slower archives";
  // The state lists exactly the archives whose output was printed: the first `done`.
  std::string expected_first;
  for (size_t i = 0; i < done; ++i) expected_first += tshark_fields(c.good[i].plain);
  EXPECT_EQ(slurp(out1), expected_first);
  for (size_t i = 0; i < done; ++i)
    EXPECT_NE(slurp(state).find("\t" + fs::weakly_canonical(c.good[i].archive).string() + "\n"), std::string::npos) << i;

  // The rerun does only the rest: skipped count, files total and the output.
  auto r = run(cmd + " --progress-interval 0.01");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(std::to_string(done) + " skipped (already finished)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"files_total\":" + std::to_string(100 - done) + ","), std::string::npos) << r.err;
  std::string expected_rest;
  for (size_t i = done; i < c.good.size(); ++i) expected_rest += tshark_fields(c.good[i].plain);
  EXPECT_EQ(r.out, expected_rest);
  EXPECT_EQ(strato::test::split_lines(slurp(state)).size(), 1 + 99u);

  // A third run has nothing left but the damaged archive.
  auto again = run(cmd);
  EXPECT_EQ(again.exit_code, 3);
  EXPECT_EQ(again.out, "");
  EXPECT_NE(again.err.find("0 files ok, 1 failed, 99 skipped"), std::string::npos) << again.err;
}

TEST(Batch, ProgressLinesOffATerminalAreJson) {
  REQUIRE_TOOLS();
  std::string dir = corpus().dir;
  auto r = run(strato::test::strato_bin() + " batch " + glob_all() +
               " --jobs 1 -T fields -e frame.number --progress-interval 0.02 2>&1 >/dev/null | grep '^{' > '" + dir +
               "/progress.jsonl'; python3 -c '\n"
               "import json, sys\n"
               "rows = [json.loads(l) for l in open(sys.argv[1])]\n"
               "keys = {\"files_done\", \"files_total\", \"events\", \"bytes\", \"elapsed_s\", \"eta_s\"}\n"
               "assert len(rows) >= 2, len(rows)\n"
               "assert all(keys <= set(r) for r in rows)\n"
               "assert all(a[\"files_done\"] <= b[\"files_done\"] and a[\"events\"] <= b[\"events\"] for a, b in zip(rows, rows[1:]))\n"
               "assert rows[-1][\"files_done\"] == rows[-1][\"files_total\"] == 100, rows[-1]\n"
               "print(len(rows))\n"
               "' '" + dir + "/progress.jsonl'");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(Batch, BadInputsAreOneLineErrors) {
  auto none = run(strato::test::strato_bin() + " batch '/nonexistent-dir/**/*.pcapng'");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no files match '/nonexistent-dir/**/*.pcapng'"), std::string::npos) << none.err;
  auto filter = run(strato::test::strato_bin() + " batch '" + strato::test::shared_file("captures/live/mixed-small.pcapng") +
                    "' -Y 'tcp.port =='");
  EXPECT_EQ(filter.exit_code, 1) << filter.err;
  auto resume_merge = run(strato::test::strato_bin() + " batch x --merge --resume s");
  EXPECT_EQ(resume_merge.exit_code, 1);
}
