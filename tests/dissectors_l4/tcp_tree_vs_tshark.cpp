// The -V tree of TCP ("Transmission Control Protocol" up to the next
// unindented line) against tshark 4.0: SEQ/ACK analysis values, expert info
// of the analysis flags and of SYN/FIN/RST/closing, Timestamps and
// conversation completeness, on captures whose TCP has no protocol above it
// that changes the TCP tree, with one and several dissection threads.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace {

using strato::test::run;

// Lines TCP adds for reassembly by a protocol above ("[PDU Size: 60]",
// "TCP segment data (155 bytes)", "Retransmitted TCP segment data ..."),
// which tshark shows for protocols strato's TCP does not reassemble for.
bool reassembly_line(const std::string& l) {
  for (const char* p : {"    [PDU Size: ", "    TCP segment data (", "    Retransmitted TCP segment data ("})
    if (l.rfind(p, 0) == 0) return true;
  return false;
}

std::vector<std::string> tcp_blocks(const std::string& tree) {
  std::vector<std::string> out;
  bool in = false;
  for (const auto& l : strato::test::split_lines(tree)) {
    if (l.rfind("Transmission Control Protocol", 0) == 0) {
      in = true;
    } else if (!l.empty() && l[0] != ' ') {
      in = false;
    }
    if (in && !reassembly_line(l)) out.push_back(l);
  }
  return out;
}

class TcpTreeVsTshark : public ::testing::TestWithParam<std::string> {};

TEST_P(TcpTreeVsTshark, SubtreeMatches) {
  if (!strato::test::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  const std::string f = strato::test::shared_file("captures/" + GetParam());
  auto ts = run("tshark -n -r '" + f + "' -V");
  ASSERT_EQ(ts.exit_code, 0);
  auto want = tcp_blocks(ts.out);
  ASSERT_GT(want.size(), 100u) << "no TCP in " << f;
  for (const char* threads : {" --threads 1", " --threads 4"}) {
    auto st = run(strato::test::strato_bin() + " read -n -r '" + f + "' -V" + threads);
    ASSERT_EQ(st.exit_code, 0) << st.err;
    auto got = tcp_blocks(st.out);
    ASSERT_EQ(got.size(), want.size()) << GetParam() << threads;
    int bad = 0;
    for (size_t i = 0; i < want.size() && bad < 5; ++i)
      if (got[i] != want[i]) {
        ADD_FAILURE() << GetParam() << threads << " line " << (i + 1) << ": tshark '" << want[i] << "', strato '"
                      << got[i] << "'";
        ++bad;
      }
  }
}

// The values are kept even when only a display filter reads them (no tree,
// no -e of them): the same frames pass as in tshark.
TEST(TcpAnalysisFilter, FilterOnAnalysisValuesMatchesTshark) {
  if (!strato::test::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  const std::string filter =
      " -Y 'tcp.analysis.ack_rtt > 0.0001 || tcp.analysis.bytes_in_flight > 200 || tcp.analysis.acks_frame == 14"
      " || tcp.analysis.rto_frame || tcp.analysis.push_bytes_sent == 23' -T fields -e frame.number";
  for (const char* c : {"live/mixed-small.pcapng", "tcpdump-tests/pptp.pcap", "tcpdump-tests/bgp-role.pcapng"}) {
    const std::string f = strato::test::shared_file(std::string("captures/") + c);
    auto ts = run("tshark -n -r '" + f + "'" + filter);
    ASSERT_EQ(ts.exit_code, 0) << ts.err;
    ASSERT_FALSE(ts.out.empty()) << c;
    auto st = run(strato::test::strato_bin() + " read -r '" + f + "'" + filter);
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_EQ(st.out, ts.out) << c;
  }
}

// Each shows some of: handshakes, data and ACKs, FIN closing on both sides,
// RST, retransmissions with their RTO, duplicate ACKs, window updates,
// out-of-order segments, segments and ACKs of data never captured,
// connections first seen mid-stream, Fast Open SYNs without MSS.
INSTANTIATE_TEST_SUITE_P(Captures, TcpTreeVsTshark,
                         ::testing::Values("live/mixed-small.pcapng", "tcpdump-tests/pptp.pcap",
                                           "tcpdump-tests/kday3.pcap", "tcpdump-tests/kday7.pcap",
                                           "tcpdump-tests/bgp-role.pcapng", "tcpdump-tests/bgp-cease-hard-reset.pcap",
                                           "tcpdump-tests/ldp-common-session.pcap",
                                           "tcpdump-tests/tfo-5c1fa7f9ae91.pcap"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param.substr(info.param.find('/') + 1);
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
