// Display filters end to end: the frame numbers `strato read -Y` keeps must
// be exactly those tshark 4.0 keeps, on real captures.
#include <gtest/gtest.h>
#include <unistd.h>

#include <iostream>

#include "test_support.h"

namespace strato::test {
namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

bool strato_available() {
  if (access(strato_bin().c_str(), X_OK) == 0) return true;
  std::cerr << "\n*** SKIPPING display filter oracle tests: " << strato_bin()
            << " is missing; build the `strato` and `plugins` targets first ***\n\n";
  return false;
}

// Filters in tshark 4.0 syntax (set members separated by commas).
const char* const kFilters[] = {
    "tcp",
    "not tcp",
    "udp",
    "ip",
    "ipv6",
    "icmp",
    "dns",
    "http",
    "tcp.flags.syn == 1",
    "tcp.flags.syn == 1 && tcp.flags.ack == 0",
    "tcp.flags.reset == 1",
    "tcp.flags.syn == True",
    "tcp.len > 0 and !(tcp.flags.push == 1)",
    "tcp.flags & 0x02",
    "tcp.port != 32956",
    "tcp.port ~= 32956",
    "tcp.srcport > tcp.dstport",
    "frame.len >= 100",
    "frame.len < 80 or frame.number == 2",
    "frame.number in {1..5, 10}",
    "frame.number > 0x4a",
    "frame.time_relative > 0.01",
    "ip.addr == 127.0.0.1 && tcp.port in {80, 443, 32956..32960}",
    "ip.src == 127.0.0.0/8 and not ip.dst == 10.0.0.0/8",
    "ip.dst != 127.0.0.1",
    "ip.ttl < 64",
    "udp.port == 53 || udp.port == 32958",
    "udp.length > 100",
    "dns.flags.rcode != 0",
    "dns.flags.rcode == \"Refused\"",
    "dns.flags.response == 1",
    "dns.qry.name matches \"^api\\\\.\"",
    "dns.qry.name contains \"strato\"",
    "dns.qry.type == 1",
    "dns.count.answers > 0",
    "http.request.method == \"GET\"",
    "http.request.method == GET",
    "http.request.method in {\"POST\", \"PUT\"}",
    "http.request.uri contains \"small\"",
    "http.response.code == 404",
    "http.response.code >= 500",
    "http.request",
    "tcp.payload contains \"GET\"",
    "icmp.type == 8",
    "eth.src == 00:00:00:00:00:00",
    "ipv6.src == ::1 or ipv6.dst == fe80::/10",
    "udp or tcp and frame.number == 1",
    "tcp contains \"GET\"",
    "frame contains \"strato\"",
    "len(tcp) == 32",
    "tcp[0:2] == e1:68",
    "lower(http.request.method) == \"get\"",
    "http.response.code == \"Not Found\"",
    "tls.handshake.extensions_server_name == \"strato.test\"",
    "tcp.stream in {1, 3}",
    "dns.qry.name[0:3] == \"api\"",
    "ip.src#1 == ip.dst#1",
    "count(tcp.option_kind) > 3",
};

const char* const kCaptures[] = {
    "captures/live/mixed-small.pcapng",
    "captures/tcpdump-tests/mptcp-v0.pcap",
    "captures/tcpdump-tests/dns_tcp.pcap",
    "captures/tcpdump-tests/edns-opts.pcap",
    "captures/tcpdump-tests/icmpv6.pcap",
};

TEST(FilterOracle, FrameNumbersMatchTshark) {
  if (!strato_available()) GTEST_SKIP() << "strato binary missing: " << strato_bin();
  if (!have_program("tshark")) GTEST_SKIP() << "tshark is not installed";
  int compared = 0;
  for (const char* cap : kCaptures) {
    std::string file = shared_file(cap);
    for (const char* filter : kFilters) {
      std::string args = " -r " + shell_quote(file) + " -Y " + shell_quote(filter) + " -T fields -e frame.number";
      CommandResult want = run("tshark" + args);
      if (want.exit_code != 0) continue;  // tshark rejects it too (e.g. field unknown there)
      CommandResult got = run(strato_bin() + " read" + args);
      EXPECT_EQ(got.exit_code, 0) << "filter `" << filter << "` on " << cap << ": " << got.err;
      if (got.exit_code != 0) continue;
      auto g = split_lines(got.out), w = split_lines(want.out);
      if (g != w) {
        size_t i = 0;
        while (i < g.size() && i < w.size() && g[i] == w[i]) ++i;
        ADD_FAILURE() << "filter `" << filter << "` on " << cap << ": strato kept " << g.size() << " frames, tshark "
                      << w.size() << "; first difference: strato " << (i < g.size() ? g[i] : "(end)") << ", tshark "
                      << (i < w.size() ? w[i] : "(end)");
      }
      ++compared;
    }
  }
  EXPECT_GT(compared, 100);
}

// A filter tshark rejects must be rejected with exit code 1 and one line.
TEST(FilterOracle, BadFiltersAreUsageErrors) {
  if (!strato_available()) GTEST_SKIP() << "strato binary missing: " << strato_bin();
  std::string file = shared_file("captures/live/mixed-small.pcapng");
  for (const char* filter : {"tcp.portt == 1", "tcp.port ==", "ip.addr == foo", "tcp.port == 70000",
                             "tcp.port contains 1", "(tcp"}) {
    CommandResult tshark = run("tshark -r " + shell_quote(file) + " -Y " + shell_quote(filter));
    EXPECT_NE(tshark.exit_code, 0) << filter;
    CommandResult got = run(strato_bin() + " read -r " + shell_quote(file) + " -Y " + shell_quote(filter));
    EXPECT_EQ(got.exit_code, 1) << filter << ": " << got.err;
    EXPECT_TRUE(got.out.empty()) << filter;
    auto lines = split_lines(got.err);
    EXPECT_EQ(lines.size(), 1u) << filter << ": " << got.err;
  }
}

}  // namespace
}  // namespace strato::test
