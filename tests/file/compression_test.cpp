// Transparent gzip and zstd input, found by magic bytes not by name.
#include <gtest/gtest.h>

#include "file_test_util.h"
#include "test_support.h"

using namespace strato::test;

namespace {

void expect_same_records(const ReadResult& a, const ReadResult& b) {
  ASSERT_EQ(a.error, "");
  ASSERT_EQ(b.error, "");
  ASSERT_EQ(a.recs.size(), b.recs.size());
  for (size_t i = 0; i < a.recs.size(); ++i) {
    EXPECT_EQ(a.recs[i].ts_ns, b.recs[i].ts_ns);
    EXPECT_EQ(a.recs[i].len, b.recs[i].len);
    EXPECT_EQ(a.recs[i].bytes, b.recs[i].bytes);
  }
}

std::vector<std::string> inputs() {
  return {shared_file("captures/live/mixed-small.pcapng"), shared_file("captures/tcpdump-tests/802.1ad_QinQ.pcap"),
          shared_file("captures/tcpdump-tests/EIGRP_adjacency.pcap")};
}

}  // namespace

TEST(FileCompression, GzipRoundTrip) {
  ASSERT_TRUE(have_program("gzip"));
  for (auto& f : inputs()) {
    // No .gz suffix: detection must not depend on the name.
    std::string z = temp_dir() + "/gz-" + std::to_string(std::hash<std::string>{}(f)) + ".cap";
    ASSERT_EQ(run("gzip -c '" + f + "' > '" + z + "'").exit_code, 0);
    ReadResult plain = read_capture(f), gz = read_capture(z);
    expect_same_records(plain, gz);
    EXPECT_GT(plain.recs.size(), 0u);
    EXPECT_EQ(gz.warnings, 0u);
  }
}

TEST(FileCompression, ZstdRoundTrip) {
  ASSERT_TRUE(have_program("zstd")) << "install the zstd CLI (apt-get install zstd)";
  for (auto& f : inputs()) {
    std::string z = temp_dir() + "/zst-" + std::to_string(std::hash<std::string>{}(f)) + ".pcap";
    ASSERT_EQ(run("zstd -q -c '" + f + "' > '" + z + "'").exit_code, 0);
    ReadResult plain = read_capture(f), zs = read_capture(z);
    expect_same_records(plain, zs);
    EXPECT_EQ(zs.warnings, 0u);
  }
}

TEST(FileCompression, ConcatenatedMembersAndFrames) {
  // Two gzip members (or zstd frames) of two pcapng files: one stream of
  // two sections.
  std::string f = shared_file("captures/live/mixed-small.pcapng");
  std::string gz = temp_dir() + "/two.gz", zs = temp_dir() + "/two.zst";
  ASSERT_EQ(run("(gzip -c '" + f + "'; gzip -c '" + f + "') > " + gz).exit_code, 0);
  ASSERT_EQ(run("(zstd -q -c '" + f + "'; zstd -q -c '" + f + "') > " + zs).exit_code, 0);
  ReadResult one = read_capture(f);
  for (auto& z : {gz, zs}) {
    ReadResult r = read_capture(z);
    ASSERT_EQ(r.error, "") << z;
    ASSERT_EQ(r.recs.size(), 2 * one.recs.size()) << z;
    EXPECT_EQ(r.recs.back().bytes, one.recs.back().bytes);
    EXPECT_EQ(r.ifaces.size(), 2u);
  }
}

TEST(FileCompression, TruncatedCompressedFileKeepsWhatCameBefore) {
  // Big and varied enough (several 128 KiB zstd blocks) that a cut near the
  // end leaves complete blocks before it.
  std::string many = read_file(shared_file("captures/live/mixed-small.pcapng"));
  for (int i = 0; i < 2; ++i)
    for (auto& g : shared_files("captures/tcpdump-tests", ".pcapng"))
      if (read_capture(g).error.empty()) many += read_file(g);
  std::string f = temp_dir() + "/many.pcapng";
  write_file(f, many);
  testing::internal::CaptureStderr();
  ReadResult full = read_capture(f);
  testing::internal::GetCapturedStderr();
  ASSERT_EQ(full.error, "");
  ASSERT_GT(many.size(), 300000u);
  for (std::string tool : {"gzip", "zstd -q"}) {
    std::string z = temp_dir() + "/trunc." + tool.substr(0, 4);
    ASSERT_EQ(run(tool + " -c '" + f + "' > " + z).exit_code, 0);
    std::string data = read_file(z);
    // Cut inside the last zstd block / deflate block.
    write_file(z, data.substr(0, data.size() - 40));
    ReadResult r = read_capture(z);
    EXPECT_EQ(r.error, "") << tool;
    EXPECT_GT(r.warnings, 0u) << tool;
    ASSERT_GT(r.recs.size(), 0u) << tool;
    ASSERT_LT(r.recs.size(), full.recs.size()) << tool;
    for (size_t i = 0; i < r.recs.size(); ++i) EXPECT_EQ(r.recs[i].bytes, full.recs[i].bytes);
  }
}

TEST(FileCompression, CompressedGarbageIsNotACaptureFile) {
  std::string z = temp_dir() + "/text.gz";
  ASSERT_EQ(run("echo 'hello world, not a capture' | gzip -c > " + z).exit_code, 0);
  ReadResult r = read_capture(z);
  EXPECT_NE(r.error.find("text.gz: not a pcap or pcapng file (magic 0x68656c6c) after gzip decompression"),
            std::string::npos)
      << r.error;
}
