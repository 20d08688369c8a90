// Truncated and corrupt files: warnings or errors naming the file and
// offset, never a crash, and every good packet before the damage kept.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "file_test_util.h"
#include "test_support.h"

using namespace strato::test;

namespace {

void expect_prefix(const ReadResult& part, const ReadResult& full) {
  ASSERT_LE(part.recs.size(), full.recs.size());
  for (size_t i = 0; i < part.recs.size(); ++i) {
    EXPECT_EQ(part.recs[i].ts_ns, full.recs[i].ts_ns);
    EXPECT_EQ(part.recs[i].bytes, full.recs[i].bytes);
  }
}

// Offsets of the blocks of a little-endian single-section pcapng file.
std::vector<size_t> block_offsets(const std::string& d) {
  std::vector<size_t> v;
  size_t off = 0;
  while (off + 12 <= d.size()) {
    v.push_back(off);
    uint32_t len;
    memcpy(&len, d.data() + off + 4, 4);
    off += len;
  }
  return v;
}

}  // namespace

TEST(FileRobustness, TruncatedPcapWarnsAndKeepsEarlierPackets) {
  std::string f = shared_file("captures/tcpdump-tests/EIGRP_adjacency.pcap");
  ReadResult full = read_capture(f);
  TsharkResult t = tshark_read(f);
  ASSERT_EQ(full.recs.size(), t.recs.size());
  std::string data = read_file(f);
  std::string cut = temp_dir() + "/cut.pcap";
  // Chop bytes off the last record (inside the data, then inside the header).
  size_t last_len = full.recs.back().cap_len;
  for (size_t chop : {size_t{1}, last_len, last_len + 5}) {
    write_file(cut, data.substr(0, data.size() - chop));
    ReadResult r = read_capture(cut);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.warnings, 1u);
    EXPECT_EQ(r.recs.size(), full.recs.size() - 1);
    expect_prefix(r, full);
    // tshark, too, reads every packet before the cut.
    EXPECT_EQ(tshark_read(cut).recs.size(), r.recs.size());
  }
  // Cut exactly at a record boundary: a clean end.
  write_file(cut, data.substr(0, data.size() - last_len - 16));
  ReadResult r = read_capture(cut);
  EXPECT_EQ(r.warnings, 0u);
  EXPECT_EQ(r.recs.size(), full.recs.size() - 1);
}

TEST(FileRobustness, TruncatedWarningNamesFileOffsetAndCount) {
  std::string f = shared_file("captures/live/mixed-small.pcapng");
  std::string data = read_file(f);
  std::vector<size_t> offs = block_offsets(data);
  std::string cut = temp_dir() + "/cut.pcapng";
  // dumpcap ends with statistics blocks: cut inside the last packet block.
  size_t last_epb = 0;
  for (size_t o : offs)
    if (data[o] == 6) last_epb = o;
  write_file(cut, data.substr(0, last_epb + 20));
  ReadResult full = read_capture(f);
  ReadResult r = read_capture(cut);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.warnings, 1u);
  EXPECT_EQ(r.recs.size(), full.recs.size() - 1);
  expect_prefix(r, full);
  // The message itself.
  testing::internal::CaptureStderr();
  read_capture(cut);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find(cut + ": truncated record at byte offset " + std::to_string(last_epb) + "; " +
                     std::to_string(full.recs.size() - 1) + " packets read"),
            std::string::npos)
      << err;
}

TEST(FileRobustness, BadBlockLengthIsAnErrorNamingFileAndOffset) {
  std::string f = shared_file("captures/live/mixed-small.pcapng");
  std::string data = read_file(f);
  ReadResult full = read_capture(f);
  std::vector<size_t> offs = block_offsets(data);
  // Block 10 (an EPB: the first blocks are SHB and IDB) gets a length
  // that is not a multiple of 4, then one that is absurd.
  size_t at = offs[10];
  size_t packets_before = 0;
  for (size_t i = 0; i < 10; ++i) {
    uint32_t type;
    memcpy(&type, data.data() + offs[i], 4);
    packets_before += type == 6;
  }
  for (uint32_t bad : {uint32_t{7}, uint32_t{0xFFFFFFF0}, uint32_t{4}}) {
    std::string d = data;
    memcpy(&d[at + 4], &bad, 4);
    std::string g = temp_dir() + "/badlen.pcapng";
    write_file(g, d);
    ReadResult r = read_capture(g);
    EXPECT_EQ(r.error, g + ": corrupt pcapng block at byte offset " + std::to_string(at) + ": bad block length " +
                           std::to_string(bad) + " (block type 0x00000006) (" + std::to_string(packets_before) +
                           " packets read)");
    EXPECT_EQ(r.recs.size(), packets_before);
    expect_prefix(r, full);
  }
}

TEST(FileRobustness, TrailerMismatchIsAnError) {
  std::string f = shared_file("captures/live/mixed-small.pcapng");
  std::string data = read_file(f);
  std::vector<size_t> offs = block_offsets(data);
  size_t at = offs[5];
  uint32_t len;
  memcpy(&len, data.data() + at + 4, 4);
  uint32_t wrong = len + 4;
  memcpy(&data[at + len - 4], &wrong, 4);
  std::string g = temp_dir() + "/trailer.pcapng";
  write_file(g, data);
  ReadResult r = read_capture(g);
  EXPECT_NE(r.error.find(g + ": corrupt pcapng block at byte offset " + std::to_string(at) + ": block length"),
            std::string::npos)
      << r.error;
}

TEST(FileRobustness, CorruptBlockBodyIsSkippedWithAWarning) {
  std::string p = udp_packet(1, 2, 10);
  PcapngBuilder b;
  b.shb(false).idb(1, 262144, 9);
  b.epb(0, 1, p).epb(7, 2, p);  // interface 7 does not exist
  b.epb(0, 3, p);
  // EPB whose captured length overruns its block
  std::string body(20, '\0');
  uint32_t cap = 1000;
  memcpy(&body[12], &cap, 4);
  b.raw_block(6, body);
  b.raw_block(1, std::string("xy\0\0", 4));  // IDB too short: still an interface (index 1)
  b.epb(0, 4, p);
  std::string g = temp_dir() + "/body.pcapng";
  write_file(g, b.str());
  ReadResult r = read_capture(g);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.warnings, 3u);
  ASSERT_EQ(r.recs.size(), 3u);
  EXPECT_EQ(r.recs[0].ts_ns, 1u);
  EXPECT_EQ(r.recs[1].ts_ns, 3u);
  EXPECT_EQ(r.recs[2].ts_ns, 4u);
}

TEST(FileRobustness, AbsurdPcapRecordLengthIsAnError) {
  std::string f = shared_file("captures/tcpdump-tests/EIGRP_adjacency.pcap");
  std::string data = read_file(f);
  ReadResult full = read_capture(f);
  // Second record's incl_len (little-endian file) becomes 0x7fffffff.
  uint32_t first;
  memcpy(&first, data.data() + 24 + 8, 4);
  size_t rec2 = 24 + 16 + first;
  uint32_t huge = 0x7fffffff;
  memcpy(&data[rec2 + 8], &huge, 4);
  std::string g = temp_dir() + "/huge.pcap";
  write_file(g, data);
  ReadResult r = read_capture(g);
  EXPECT_EQ(r.error, g + ": corrupt record at byte offset " + std::to_string(rec2) +
                         ": captured length 2147483647 exceeds the maximum of 262144 (1 packets read)");
  ASSERT_EQ(r.recs.size(), 1u);
  expect_prefix(r, full);
}

TEST(FileRobustness, RandomDamageNeverCrashes) {
  std::mt19937 rng(12345);
  std::vector<std::string> files{shared_file("captures/live/mixed-small.pcapng"),
                                 shared_file("captures/tcpdump-tests/EIGRP_adjacency.pcap")};
  // Damaged compressed streams too.
  std::string gz = temp_dir() + "/fuzz-src.gz", zs = temp_dir() + "/fuzz-src.zst";
  ASSERT_EQ(run("gzip -c '" + files[0] + "' > " + gz + " && zstd -q -c '" + files[0] + "' > " + zs).exit_code, 0);
  files.push_back(gz);
  files.push_back(zs);
  std::string g = temp_dir() + "/fuzz";
  int iterations = 0;
  testing::internal::CaptureStderr();  // thousands of warnings
  for (auto& f : files) {
    std::string orig = read_file(f);
    for (int it = 0; it < 300; ++it) {
      std::string d = orig;
      int flips = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < flips; ++k) d[rng() % d.size()] = static_cast<char>(rng());
      if (it % 3 == 0) d.resize(rng() % d.size());
      write_file(g, d);
      ReadResult r = read_capture(g);
      for (auto& x : r.recs) ASSERT_EQ(x.bytes.size(), x.cap_len);
      ++iterations;
    }
  }
  testing::internal::GetCapturedStderr();
  EXPECT_EQ(iterations, 1200);
}

TEST(FileRobustness, EveryTcpdumpTestFileMatchesCapinfosCounts) {
  // capinfos counts every file in one run; for link types Wireshark does not
  // know, tcpdump --count is the oracle.
  std::vector<std::string> files = shared_files("captures/tcpdump-tests");
  std::string list;
  for (auto& f : files) list += " '" + f + "'";
  auto q = run("capinfos -T -c -M -r" + list);
  std::map<std::string, uint64_t> expect;
  for (auto& line : split_lines(q.out)) {
    size_t tab = line.find('\t');
    if (tab != std::string::npos) expect[line.substr(0, tab)] = std::stoull(line.substr(tab + 1));
  }
  ASSERT_GT(expect.size(), 600u);
  size_t compared = 0;
  testing::internal::CaptureStderr();
  for (auto& f : files) {
    ReadResult r = read_capture(f);
    auto it = expect.find(f);
    if (it == expect.end()) {
      auto t = run("tcpdump --count -r '" + f + "' 2>/dev/null");
      if (t.exit_code != 0 || t.out.empty()) {
        // Neither tool reads it (the licence text): it must be an error.
        EXPECT_NE(r.error, "") << f;
        continue;
      }
      it = expect.emplace(f, std::stoull(t.out)).first;
    }
    EXPECT_EQ(r.error, "") << f;
    EXPECT_EQ(r.recs.size(), it->second) << f;
    ++compared;
  }
  testing::internal::GetCapturedStderr();
  EXPECT_GT(compared, 615u);
}
