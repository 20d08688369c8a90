// Capture filters (pcap-filter syntax) against tcpdump -r with the same filter.
#include <gtest/gtest.h>

#include <cstring>

#include "file_test_util.h"
#include "test_support.h"

using namespace strato::test;

namespace {

uint64_t tcpdump_count(const std::string& f, const std::string& filter) {
  auto q = run("tcpdump --count -r '" + f + "' '" + filter + "' 2>/dev/null");
  EXPECT_EQ(q.exit_code, 0) << f << " " << filter;
  return q.out.empty() ? 0 : std::stoull(q.out);
}

}  // namespace

TEST(FileCaptureFilter, CountsMatchTcpdump) {
  std::vector<std::string> files{shared_file("captures/live/mixed-small.pcapng")};
  // Files of other link types: raw IPv4 (228), Linux cooked (113), BSD null (0).
  for (auto& name : {"LINKTYPE_IPV4.pcap", "LINKTYPE_IPV6.pcap", "802.1ad_QinQ.pcap", "EIGRP_adjacency.pcap",
                     "HDLC.pcap"})
    files.push_back(shared_file(std::string("captures/tcpdump-tests/") + name));
  for (auto& f : shared_files("captures/tcpdump-tests", ".pcap")) {
    // A few more link types picked from the collection by their header.
    std::string h = read_file(f).substr(0, 24);
    if (h.size() < 24 || uint8_t(h[0]) != 0xd4) continue;
    uint32_t lt = uint8_t(h[20]) | (uint8_t(h[21]) << 8);
    static std::map<uint32_t, int> taken;
    if ((lt == 113 || lt == 0 || lt == 101 || lt == 276 || lt == 12 || lt == 108) && taken[lt]++ < 2)
      files.push_back(f);
  }
  std::vector<std::string> filters{"tcp",  "udp port 53", "icmp or icmp6", "tcp[tcpflags] & tcp-rst != 0",
                                   "ip6", "host 127.0.0.1 and tcp port 80", "not ip", "greater 200",
                                   "vlan"};
  int compared = 0;
  for (auto& f : files) {
    ReadResult all = read_capture(f);
    for (auto& flt : filters) {
      auto q = run("tcpdump --count -r '" + f + "' '" + flt + "' 2>&1 >/dev/null");
      if (q.exit_code != 0) continue;  // not valid for this link type in tcpdump either
      SCOPED_TRACE(f + " filter " + flt);
      ReadResult r = read_capture(f, flt);
      ASSERT_EQ(r.error, "");
      EXPECT_EQ(r.recs.size(), tcpdump_count(f, flt));
      EXPECT_EQ(r.stats.filtered + r.recs.size(), all.recs.size());
      EXPECT_EQ(r.stats.received, all.recs.size());
      ++compared;
    }
  }
  EXPECT_GT(compared, 50);
}

TEST(FileCaptureFilter, SomethingIsFilteredOnMixedSmall) {
  std::string f = shared_file("captures/live/mixed-small.pcapng");
  ReadResult r = read_capture(f, "udp");
  ASSERT_EQ(r.error, "");
  EXPECT_GT(r.recs.size(), 0u);
  EXPECT_GT(r.stats.filtered, 0u);
  EXPECT_EQ(r.recs.size(), tcpdump_count(f, "udp"));
}

TEST(FileCaptureFilter, BadFilterIsAUsageErrorNamingIt) {
  std::string f = shared_file("captures/live/mixed-small.pcapng");
  ReadResult r = read_capture(f, "tcp port");
  EXPECT_TRUE(r.usage_error);
  EXPECT_EQ(r.error.rfind("capture filter 'tcp port': ", 0), 0u) << r.error;
  EXPECT_GT(r.error.size(), std::string("capture filter 'tcp port': ").size());
  r = read_capture(f, "frobnicate 7");
  EXPECT_TRUE(r.usage_error);
  EXPECT_NE(r.error.find("frobnicate"), std::string::npos);
}

namespace {

// Rewrites a little-endian pcap file as a big-endian machine would have
// written it, including the host-order address family of DLT_NULL headers.
std::string to_big_endian_null(const std::string& in) {
  std::string d = in;
  auto swap32 = [&](size_t at) { std::swap(d[at], d[at + 3]), std::swap(d[at + 1], d[at + 2]); };
  auto swap16 = [&](size_t at) { std::swap(d[at], d[at + 1]); };
  swap32(0);
  swap16(4);
  swap16(6);
  for (size_t at : {8, 12, 16, 20}) swap32(at);
  size_t off = 24;
  while (off + 16 <= d.size()) {
    uint32_t incl;
    memcpy(&incl, in.data() + off + 8, 4);
    for (size_t k = 0; k < 16; k += 4) swap32(off + k);
    if (incl >= 4 && off + 16 + 4 <= d.size()) swap32(off + 16);
    off += 16 + incl;
  }
  return d;
}

}  // namespace

TEST(FileCaptureFilter, NullLinkTypeInBothByteOrdersMatchesTcpdump) {
  std::string le = shared_file("captures/tcpdump-tests/icmpv6-RFC2894-RR.pcap");
  std::string be = temp_dir() + "/null-be.pcap";
  write_file(be, to_big_endian_null(read_file(le)));
  for (auto& f : {le, be})
    for (std::string flt : {"ip6", "ip", "icmp6"}) {
      SCOPED_TRACE(f + " filter " + flt);
      ReadResult r = read_capture(f, flt);
      ASSERT_EQ(r.error, "");
      EXPECT_EQ(r.recs.size(), tcpdump_count(f, flt));
    }
  EXPECT_GT(read_capture(be, "ip6").recs.size(), 0u);
}
