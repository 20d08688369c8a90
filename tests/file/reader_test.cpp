// The pcap/pcapng readers against tshark on real and hand-built files.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "file_test_util.h"
#include "test_support.h"

using namespace strato::test;

namespace {

// tshark joins several comments of a packet with ','; the reader with '\n'.
std::string tshark_comment(std::string c) {
  std::replace(c.begin(), c.end(), '\n', ',');
  return c;
}

// `iface_base(i)`: what to add to tshark's (per-section) interface id of frame i.
void expect_same_as_tshark(const std::string& path, const ReadResult& ours,
                           const std::function<uint32_t(size_t)>& iface_base = nullptr) {
  TsharkResult t = tshark_read(path);
  ASSERT_EQ(t.exit_code, 0) << path << ": " << t.err;
  ASSERT_EQ(ours.error, "") << path;
  ASSERT_EQ(ours.recs.size(), t.recs.size()) << path;
  for (size_t i = 0; i < t.recs.size(); ++i) {
    SCOPED_TRACE(path + " frame " + std::to_string(i + 1));
    // tshark shows out-of-range fractions (>= 1e9 ns) as is; we carry them over.
    if (path.find("timestamp_invalid") == std::string::npos) EXPECT_EQ(ours.recs[i].ts_ns, t.recs[i].ts_ns);
    EXPECT_EQ(ours.recs[i].len, t.recs[i].len);
    EXPECT_EQ(ours.recs[i].cap_len, t.recs[i].cap_len);
    EXPECT_EQ(ours.recs[i].iface, t.recs[i].iface + (iface_base ? iface_base(i) : 0));
    EXPECT_EQ(tshark_comment(ours.recs[i].comment), t.recs[i].comment);
  }
}

uint32_t interfaces_in(const std::string& path) {
  auto q = run("capinfos -I '" + path + "' 2>/dev/null | grep 'Number of interfaces in file'");
  size_t colon = q.out.find(':');
  return colon == std::string::npos ? 0 : static_cast<uint32_t>(std::stoul(q.out.substr(colon + 1)));
}

std::string magic_of(const std::string& path) {
  std::string s = read_file(path).substr(0, 4);
  char buf[16];
  if (s.size() < 4) return "";
  snprintf(buf, sizeof buf, "%02x%02x%02x%02x", uint8_t(s[0]), uint8_t(s[1]), uint8_t(s[2]), uint8_t(s[3]));
  return buf;
}

}  // namespace

TEST(FileReader, MixedSmallPcapngMatchesTshark) {
  std::string f = shared_file("captures/live/mixed-small.pcapng");
  ReadResult r = read_capture(f);
  expect_same_as_tshark(f, r);
  EXPECT_EQ(r.recs.size(), 78u);
  ASSERT_EQ(r.ifaces.size(), 1u);
  EXPECT_EQ(r.ifaces[0].name, "lo");
  EXPECT_EQ(r.ifaces[0].description, "Loopback");
  EXPECT_EQ(r.ifaces[0].link_type, 1u);
  EXPECT_EQ(r.ifaces[0].snaplen, 262144u);
  EXPECT_EQ(r.ifaces[0].tsresol, 9);
  EXPECT_NE(r.ifaces[0].os.find("Linux"), std::string::npos);
  for (auto& x : r.recs) EXPECT_EQ(x.link_type, 1u);
  EXPECT_EQ(r.stats.received, 78u);
  EXPECT_EQ(r.warnings, 0u);
}

TEST(FileReader, PacketBytesMatchTshark) {
  std::string f = shared_file("captures/live/mixed-small.pcapng");
  ReadResult r = read_capture(f);
  auto q = run("tshark -r '" + f + "' -x -c 5 2>/dev/null | grep -E '^[0-9a-f]{4}  '");
  // Hex dump lines of the first 5 frames, concatenated in order.
  std::string hex;
  for (auto& line : split_lines(q.out)) {
    std::string h = line.substr(6, line.find("  ", 6) - 6);
    for (char c : h)
      if (c != ' ') hex += c;
  }
  std::string ours;
  char b[3];
  for (size_t i = 0; i < 5; ++i)
    for (uint8_t c : r.recs[i].bytes) snprintf(b, sizeof b, "%02x", c), ours += b;
  EXPECT_EQ(ours, hex);
}

TEST(FileReader, RealPcapFilesOfEveryMagicMatchTshark) {
  // d4c3b2a1: little-endian µs; a1b2c3d4: big-endian µs; 4d3cb2a1: little-endian ns.
  std::map<std::string, int> seen;
  for (auto& f : shared_files("captures/tcpdump-tests", ".pcap")) {
    std::string m = magic_of(f);
    if (seen[m] >= 8) continue;
    TsharkResult t = tshark_read(f);
    if (t.exit_code != 0 || !t.err.empty()) continue;
    ++seen[m];
    expect_same_as_tshark(f, read_capture(f));
  }
  EXPECT_GE(seen["d4c3b2a1"], 8);
  EXPECT_GE(seen["a1b2c3d4"], 1);
  EXPECT_GE(seen["4d3cb2a1"], 1);
}

TEST(FileReader, PcapLinkTypesPassThrough) {
  // Event::link_type is the header's network field (FCS bits masked off),
  // whatever it is; read the header here independently.
  int checked = 0;
  for (auto& f : shared_files("captures/tcpdump-tests", ".pcap")) {
    std::string h = read_file(f).substr(0, 24);
    if (h.size() < 24) continue;
    bool be = uint8_t(h[0]) == 0xa1;
    uint32_t net = 0;
    for (int i = 0; i < 4; ++i) net |= uint32_t(uint8_t(h[20 + (be ? 3 - i : i)])) << (8 * i);
    ReadResult r = read_capture(f);
    ASSERT_EQ(r.ifaces.size(), 1u) << f;
    EXPECT_EQ(r.ifaces[0].link_type, net & 0x03FFFFFF) << f;
    for (auto& x : r.recs) ASSERT_EQ(x.link_type, net & 0x03FFFFFF) << f;
    ++checked;
  }
  EXPECT_GT(checked, 500);
}

namespace {

// Two sections of different byte order; interfaces with different link types,
// resolutions (powers of 10 and 2) and offsets; every block kind.
// tshark 4.0 shows custom blocks as frames; we skip them (they carry no
// packet), so they are only in the file when `custom` is set.
std::string build_varied(bool first_big_endian, bool custom = false) {
  PcapngBuilder b;
  std::string p1 = udp_packet(1000, 53, 20), p2 = udp_packet(2000, 80, 101), p3 = udp_packet(3000, 443, 7);
  std::string raw = p1.substr(14);
  b.shb(first_big_endian)
      .idb(1, 65535, 6, 0, "eth0")                    // µs
      .idb(101, 0, 9, 0, "raw0")                      // ns, raw IP, no snaplen
      .idb(1, 262144, 3, 100, "ms-offset")            // ms, 100 s offset
      .idb(1, 262144, 0x80 | 20, 0, "pow2")           // 2^-20 s
      .raw_block(4, std::string(8, '\0'))             // NRB (empty record list)
      .epb(0, 1700000000123456ull, p1, 0, {"first comment"})
      .epb(1, 1700000000123456789ull, raw, 0, {"two", "comments"}, 0x00000001)
      .epb(2, 1700000000123ull, p2, 500)
      .epb(3, (1700000000ull << 20) + 12345, p3)
      .dsb(0x544c534b, "CLIENT_RANDOM 00 11\n")  // TLS key log
      .raw_block(custom ? 0x00000BAD : 0x7fff0001, std::string(12, '\x22'))  // custom or unknown
      .raw_block(custom ? 0x40000BAD : 0x7fff0002, std::string(12, '\x22'))
      .raw_block(0x12345678, std::string(4, '\x33'))   // unknown
      .pb(0, 1700000001000000ull, p3, "old packet block")
      .isb(0, 42)
      .shb(!first_big_endian)
      .idb(1, 262144, 9, 0, "second-section")
      .epb(0, 1700000002000000001ull, p1)
      .spb(p2, static_cast<uint32_t>(p2.size()))
      .epb(0, 1700000002000000003ull, p3, 0, {}, 0x2);
  return b.str();
}

}  // namespace

TEST(FileReader, HandBuiltPcapngBothByteOrdersMatchTshark) {
  for (bool be : {false, true}) {
    std::string f = temp_dir() + (be ? "/varied-be.pcapng" : "/varied-le.pcapng");
    write_file(f, build_varied(be));
    if (getenv("FILE_TEST_KEEP")) write_file(std::string("/tmp/file-dbg-") + (be ? "be" : "le") + ".pcapng", build_varied(be));
    ReadResult r = read_capture(f);
    TsharkResult t = tshark_read(f);
    ASSERT_EQ(t.exit_code, 0) << t.err;
    ASSERT_EQ(r.error, "");
    // A simple packet block has no timestamp: tshark shows none, we say 0.
    ASSERT_EQ(r.recs.size(), t.recs.size());
    ASSERT_EQ(r.recs.size(), 8u);
    for (size_t i = 0; i < r.recs.size(); ++i) {
      SCOPED_TRACE("frame " + std::to_string(i + 1) + (be ? " big-endian first" : " little-endian first"));
      EXPECT_EQ(r.recs[i].ts_ns, t.recs[i].ts_ns);
      EXPECT_EQ(r.recs[i].len, t.recs[i].len);
      EXPECT_EQ(r.recs[i].cap_len, t.recs[i].cap_len);
      // tshark 4.0 numbers interfaces per section; we number them across
      // the file (the second section's first interface is our 4).
      EXPECT_EQ(r.recs[i].iface, t.recs[i].iface + (i >= 5 ? 4 : 0));
      EXPECT_EQ(tshark_comment(r.recs[i].comment), t.recs[i].comment);
    }
    EXPECT_EQ(r.recs[1].comment, "two\ncomments");
    EXPECT_EQ(r.recs[1].epb_flags, 1u);
    EXPECT_EQ(r.recs[7].epb_flags, 2u);
    EXPECT_EQ(r.recs[1].link_type, 101u);
    EXPECT_EQ(r.recs[5].iface, 4u);  // first interface of the second section
    ASSERT_EQ(r.ifaces.size(), 5u);
    EXPECT_EQ(r.ifaces[1].name, "raw0");
    EXPECT_EQ(r.ifaces[1].link_type, 101u);
    EXPECT_EQ(r.ifaces[1].snaplen, 0u);
    EXPECT_EQ(r.ifaces[2].tsresol, 3);
    EXPECT_EQ(r.ifaces[3].tsresol, 0x80 | 20);
    EXPECT_EQ(r.stats.dropped, 42u);
    EXPECT_EQ(r.warnings, 0u);
  }
}

TEST(FileReader, CustomBlocksAreSkipped) {
  std::string a = temp_dir() + "/plain.pcapng", b = temp_dir() + "/custom.pcapng";
  write_file(a, build_varied(false, false));
  write_file(b, build_varied(false, true));
  ReadResult ra = read_capture(a), rb = read_capture(b);
  ASSERT_EQ(rb.error, "");
  ASSERT_EQ(ra.recs.size(), rb.recs.size());
  for (size_t i = 0; i < ra.recs.size(); ++i) EXPECT_EQ(ra.recs[i].bytes, rb.recs[i].bytes);
  EXPECT_EQ(rb.warnings, 0u);
}

TEST(FileReader, ConcatenatedPcapngSectionsMatchTshark) {
  std::string a = shared_file("captures/live/mixed-small.pcapng");
  std::vector<std::string> parts{a};
  for (auto& g : shared_files("captures/tcpdump-tests", ".pcapng")) {
    TsharkResult t = tshark_read(g);
    if (t.exit_code != 0 || !t.err.empty() || t.recs.empty()) continue;
    parts.push_back(g);
    if (parts.size() == 4) break;
  }
  parts.push_back(a);
  // Frame index where each part starts, and interfaces defined before it.
  std::vector<std::pair<size_t, uint32_t>> starts;
  size_t frames = 0;
  uint32_t ifaces = 0;
  std::string data;
  for (auto& p : parts) {
    starts.push_back({frames, ifaces});
    frames += tshark_read(p).recs.size();
    ifaces += interfaces_in(p);
    data += read_file(p);
  }
  std::string f = temp_dir() + "/concat.pcapng";
  write_file(f, data);
  ReadResult r = read_capture(f);
  EXPECT_EQ(r.ifaces.size(), ifaces);
  expect_same_as_tshark(f, r, [&](size_t i) {
    uint32_t base = 0;
    for (auto& s : starts)
      if (i >= s.first) base = s.second;
    return base;
  });
  // Dissected, frame.interface_id counts per section as tshark's does.
  const std::string fields = " -T fields -e frame.number -e frame.section_number -e frame.interface_id"
                             " -e frame.interface_name -e frame.encap_type";
  auto theirs = run("tshark -r '" + f + "'" + fields + " 2>/dev/null");
  auto ours = run(strato::test::strato_bin() + " read -r '" + f + "'" + fields);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.out, theirs.out);
}

TEST(FileReader, SeveralPathsAreReadInOrder) {
  std::string a = shared_file("captures/live/mixed-small.pcapng");
  std::string b = shared_file("captures/tcpdump-tests/802.1ad_QinQ.pcap");
  ReadResult ra = read_capture(a), rb = read_capture(b), both = read_captures({a, b});
  ASSERT_EQ(both.error, "");
  ASSERT_EQ(both.recs.size(), ra.recs.size() + rb.recs.size());
  EXPECT_EQ(both.ifaces.size(), 2u);
  EXPECT_EQ(both.recs.back().ts_ns, rb.recs.back().ts_ns);
  EXPECT_EQ(both.recs.back().iface, 1u);
}

TEST(FileReader, BatchSizeDoesNotChangeTheResult) {
  std::string a = shared_file("captures/live/mixed-small.pcapng");
  ReadResult r1 = read_capture(a, "", 1), r2 = read_capture(a, "", 7), r3 = read_capture(a, "", 1000);
  ASSERT_EQ(r1.recs.size(), r3.recs.size());
  ASSERT_EQ(r2.recs.size(), r3.recs.size());
  for (size_t i = 0; i < r1.recs.size(); ++i) {
    EXPECT_EQ(r1.recs[i].bytes, r3.recs[i].bytes);
    EXPECT_EQ(r2.recs[i].ts_ns, r3.recs[i].ts_ns);
  }
}

TEST(FileReader, MissingFileIsAnError) {
  ReadResult r = read_capture("/nonexistent/x.pcap");
  EXPECT_EQ(r.error, "/nonexistent/x.pcap: cannot open: No such file or directory");
  EXPECT_FALSE(r.usage_error);
}

TEST(FileReader, DirectoryIsAnError) {
  ReadResult r = read_capture(temp_dir());
  EXPECT_EQ(r.error, temp_dir() + ": cannot open: Is a directory");
}

TEST(FileReader, ForeignFileIsAnError) {
  std::string f = shared_file("captures/tcpdump-tests/LICENSE");
  ReadResult r = read_capture(f);
  std::string head = read_file(f).substr(0, 4);
  char magic[16];
  snprintf(magic, sizeof magic, "0x%02x%02x%02x%02x", uint8_t(head[0]), uint8_t(head[1]), uint8_t(head[2]),
           uint8_t(head[3]));
  EXPECT_EQ(r.error, f + ": not a pcap or pcapng file (magic " + magic + ")");
  std::string empty = temp_dir() + "/empty.pcap";
  write_file(empty, "");
  EXPECT_NE(read_capture(empty).error.find("empty.pcap: not a pcap or pcapng file"), std::string::npos);
}
