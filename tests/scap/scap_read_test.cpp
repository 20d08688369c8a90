// .scap reading without the oracle: the file sysdig 0.29 cannot read, plain
// vs gzip-wrapped, writing pcapng that tshark reads back, and bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "scap_support.h"

namespace {

using namespace strato::test;
using namespace scaptest;

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void spit(const std::string& path, const std::string& data) { std::ofstream(path, std::ios::binary) << data; }

// The file's content, gzip-unwrapped when it is wrapped.
std::string unwrapped(const std::string& file) {
  const std::string out = temp_dir() + "/unwrapped.scap";
  auto r = run("zcat -f " + q(file) + " > " + q(out));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return slurp(out);
}

// SHB options (a comment) that sysdig 0.29 rejects; v5 process list, v1 events.
TEST(ScapRead, FileWithSectionOptionsThatSysdigCannotRead) {
  const std::string file = scap_file("libs_curl_google_comments.scap");
  auto rows = strato_rows(file, {"evt.num", "evt.type", "evt.dir", "proc.name", "thread.tid", "fd.name", "evt.res"});
  ASSERT_EQ(rows.size(), 1221u) << rows[0][0];
  std::map<std::string, int> types;
  uint64_t last = 0;
  for (auto& r : rows) {
    ASSERT_EQ(r.size(), 7u) << r[0];
    uint64_t num = std::stoull(r[0]);
    EXPECT_GT(num, last) << "evt.num goes up";
    last = num;
    EXPECT_TRUE(r[2] == ">" || r[2] == "<") << r[2];
    EXPECT_EQ(r[3], "curl");
    ++types[r[1] + r[2]];
  }
  EXPECT_EQ(types["execve<"], 1);
  EXPECT_EQ(types["connect>"], 4);
  EXPECT_EQ(types["connect<"], 4);
  EXPECT_EQ(types["open>"], types["open<"]);
  EXPECT_GT(types["open<"], 40);
  EXPECT_EQ(types["procexit>"], 2);
  // The DNS query's socket, named from connect's tuple; a failed connect's errno.
  bool dns = false, enoent = false;
  for (auto& r : rows) {
    if (r[1] == "connect" && r[2] == "<" && r[5].find("->[2001:4860:4860::8888]:53") != std::string::npos) dns = r[6] == "SUCCESS";
    if (r[1] == "connect" && r[2] == "<" && r[5] == "/var/run/nscd/socket") enoent = r[6] == "ENOENT";
  }
  EXPECT_TRUE(dns);
  EXPECT_TRUE(enoent);
}

TEST(ScapRead, GzipWrappedAndPlainGiveTheSameEvents) {
  const std::string file = scap_file("falco_cat_write.scap");
  const std::string raw = slurp(file);
  ASSERT_EQ(uint8_t(raw[0]), 0x1f) << "expected a gzip-wrapped file";
  const std::string plain = temp_dir() + "/cat_write_plain.scap";
  spit(plain, unwrapped(file));
  const std::vector<std::string> f = {"evt.num", "evt.type", "evt.dir", "proc.name", "thread.tid", "fd.name", "evt.args"};
  auto a = strato_rows(file, f), b = strato_rows(plain, f);
  ASSERT_EQ(a.size(), 85u);
  EXPECT_EQ(a, b);
  // cat's open of /etc/passwd... is resolved on the later read/close enter events.
  bool close_named = false;
  for (auto& r : a)
    if (r[1] == "close" && r[2] == ">" && r[5] == "/etc/ld.so.cache") close_named = true;
  EXPECT_TRUE(close_named);
}

// Enter and exit events go out as Sysdig event blocks; tshark shows one frame
// per event with the event's type and thread, strato reads back what it wrote.
TEST(ScapRead, WritesPcapngThatTsharkAndStratoReadBack) {
  if (!have_program("tshark")) GTEST_SKIP() << "no tshark";
  const std::string file = scap_file("falco_psp_run_as_user_0_container.scap");
  const std::string out = temp_dir() + "/from_scap.pcapng";
  auto w = run(q(strato_bin()) + " read -r " + q(file) + " -w " + q(out));
  ASSERT_EQ(w.exit_code, 0) << w.err;
  const std::vector<std::string> f = {"evt.num", "evt.type", "evt.dir", "proc.name", "thread.tid", "fd.name"};
  auto orig = strato_rows(file, f), back = strato_rows(out, f);
  ASSERT_EQ(orig.size(), 3796u);
  EXPECT_EQ(orig, back);
  auto t = run("tshark -r " + q(out) + " -T fields -e sysdig.event_type -e sysdig.thread_id 2>/dev/null");
  auto lines = split_lines(t.out);
  ASSERT_EQ(lines.size(), orig.size());
  std::set<std::string> enter_types;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto tab = lines[i].find('\t');
    ASSERT_NE(tab, std::string::npos) << lines[i];
    int type = std::atoi(lines[i].substr(0, tab).c_str());
    EXPECT_EQ(type % 2 == 0 ? ">" : "<", orig[i][2]) << "frame " << i + 1;
    EXPECT_EQ(static_cast<int64_t>(std::stoull(lines[i].substr(tab + 1))), std::stoll(orig[i][4])) << "frame " << i + 1;
    if (type % 2 == 0) enter_types.insert(orig[i][1]);
  }
  EXPECT_GT(enter_types.size(), 20u);
}

// Truncated and corrupted copies of every file: strato never crashes, and a
// failure is one line naming the file, the byte offset and the cause.
TEST(ScapRead, TruncatedOrCorruptFilesFailWithOneLineNamingFileAndOffset) {
  const std::string dir = temp_dir();
  size_t runs = 0, failed = 0;
  for (const auto& file : shared_files("captures/scap", ".scap")) {
    const std::string data = unwrapped(file);
    ASSERT_GT(data.size(), 1000u) << file;
    std::vector<std::string> variants;
    for (size_t cut : {size_t(5), size_t(20), size_t(40), data.size() / 7, data.size() / 3, data.size() / 2,
                       data.size() - 5, data.size() - 1})
      variants.push_back(data.substr(0, cut));
    // Block lengths and event headers overwritten, and bytes flipped inside.
    for (size_t at : {size_t(4), size_t(28 + 4), data.size() / 5, data.size() / 4 + 3, data.size() * 2 / 3}) {
      std::string c = data;
      for (size_t k = 0; k < 4 && at + k < c.size(); ++k) c[at + k] = static_cast<char>(0xff);
      variants.push_back(c);
      std::string z = data;
      for (size_t k = 0; k < 16 && at + k < z.size(); ++k) z[at + k] = 0;
      variants.push_back(z);
    }
    for (size_t i = 0; i < variants.size(); ++i) {
      const std::string bad = dir + "/bad_" + std::to_string(i) + ".scap";
      spit(bad, variants[i]);
      auto r = run(q(strato_bin()) + " read -r " + q(bad) + " -T fields -e evt.num -e evt.type -e proc.name -e fd.name");
      ++runs;
      ASSERT_LT(r.exit_code, 128) << "crash on a damaged copy of " << file << " (variant " << i << "): " << r.err;
      if (r.exit_code == 0) continue;
      ++failed;
      auto err_lines = split_lines(r.err);
      ASSERT_EQ(err_lines.size(), 1u) << r.err;
      EXPECT_NE(err_lines[0].find(bad), std::string::npos) << r.err;
      EXPECT_TRUE(err_lines[0].find("offset") != std::string::npos || err_lines[0].find("not a pcap") != std::string::npos)
          << r.err;
    }
  }
  EXPECT_GT(runs, 190u);
  EXPECT_GT(failed, 100u);
}

}  // namespace
