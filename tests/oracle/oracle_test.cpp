// strato's `-T fields -E occurrence=a` against tshark 4.0's, field by field,
// over every capture tshark reads (tcpdump-tests/, live/) and over traffic
// recorded now with scripts/record-traffic.sh.
//
// Scope: a packet is compared (every field, exactly) only when each protocol
// in tshark's frame.protocols for it is one strato dissects (kDissected).
// Elsewhere tshark decodes layers strato does not have (PKTAP, GRE, ERSPAN,
// QUIC, ...), so the fields of the inner layers cannot agree by design; such
// rows are counted and their protocols printed, never silently dropped. A
// packet strato prints and tshark does not is always compared (a mismatch).
// The few values where tshark 4.0 itself prints something impossible are
// listed, each with its reason, in kTsharkOddities.
#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "oracle_outputs.h"

namespace strato::oracle {
namespace {

// tshark's frame.protocols names of the layers strato dissects. x509*/pkcs-1
// are the certificate layers tshark names inside a TLS handshake; ipv6.* are
// its names of the IPv6 extension headers.
const std::set<std::string> kDissected = {
    "eth", "ethertype", "vlan", "sll", "null", "loop", "raw", "ipnet",
    "ip", "ipv6", "ipv6.hopopts", "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts",
    "arp", "icmp", "icmpv6", "udp", "tcp", "dns", "http", "tls", "x509sat", "x509ce", "x509af", "pkcs-1",
    "data", "data-text-lines", "media", "urlencoded-form", "json", "xml"};

// Values tshark 4.0 prints that no dissector can reproduce on purpose: file
// name -> fields not compared in that file.
const std::map<std::string, std::set<std::string>> kTsharkOddities = {
    // pcap records whose microsecond field is >= 1000000 or negative: tshark
    // prints the raw fraction with ten digits ("1418145370.1000000000",
    // "-1418145370.2147483648") instead of a normalised time.
    {"timestamp_invalid_micro.pcap", {"frame.time_epoch"}},
    {"timestamp_invalid_nano.pcap", {"frame.time_epoch"}},
    // A fuzzed record with a negative microsecond field: "-0.2078753920".
    {"rx_serviceid_oobr.pcap", {"frame.time_epoch"}},
    // Known gaps, not oddities: a protocol strato lacks takes the payload
    // without adding its own layer, so tshark's list looks in scope although
    // it is not. RPC-over-TCP record marking (NFS) and OpenFlow hold the
    // segment for reassembly, and so does WHOIS (port 43); PGM (ip.proto 113) rejects a fuzzed header;
    // ICMP extension objects (RFC 4884/8335) are listed as an "icmp" layer;
    // a fuzzed jumbogram makes tshark stop after the hop-by-hop header.
    {"nfs-seg-fault-1.pcapng", {"frame.protocols"}},
    {"whois.pcap", {"frame.protocols"}},
    {"of13_ericsson.pcapng", {"frame.protocols"}},
    {"pgm_opts_asan_2.pcap", {"frame.protocols"}},
    {"icmp6-rfc8335.pcap", {"frame.protocols"}},
    {"ipv6-too-long-jumbo.pcap", {"frame.protocols"}},
};

// The protocols of `protocols` that strato does not dissect; empty when the
// row is in scope.
std::vector<std::string> unsupported(const std::string& protocols) {
  std::vector<std::string> out;
  std::stringstream ss(protocols);
  std::string p;
  while (std::getline(ss, p, ':'))
    if (!kDissected.count(p)) out.push_back(p);
  return out;
}

struct Mismatches {
  size_t rows = 0, compared = 0, files = 0, out_of_scope = 0, oddities = 0;
  std::map<std::string, size_t> unsupported;  // protocol -> rows it kept out
  std::vector<std::string> examples;
};

std::string show(const std::string& v) { return "\"" + v + "\""; }

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

const size_t kProtocolsColumn = 4;  // frame.protocols in fields()

void compare_field(const CaptureOutputs& c, size_t col, Mismatches& m) {
  const auto& theirs = c.tshark.rows;
  const auto& ours = c.ours.rows;
  std::string file = std::filesystem::path(c.capture).filename().string();
  auto odd = kTsharkOddities.find(file);
  if (odd != kTsharkOddities.end() && odd->second.count(fields()[col])) {
    m.oddities += theirs.size();
    return;
  }
  size_t before = m.rows;
  size_t n = std::max(theirs.size(), ours.size());
  for (size_t i = 0; i < n; ++i) {
    bool have_t = i < theirs.size(), have_o = i < ours.size();
    if (have_t) {
      const auto& row = theirs[i];
      auto missing = unsupported(kProtocolsColumn < row.size() ? row[kProtocolsColumn] : "");
      if (!missing.empty()) {
        ++m.out_of_scope;
        for (auto& p : std::set<std::string>(missing.begin(), missing.end())) ++m.unsupported[p];
        continue;
      }
    }
    std::string tv = have_t ? (col < theirs[i].size() ? theirs[i][col] : "") : "<no packet>";
    std::string ov;
    if (c.ours.exit_code != 0 && !have_o)
      ov = "<strato exit " + std::to_string(c.ours.exit_code) + ": " + first_line(c.ours.err) + ">";
    else
      ov = have_o ? (col < ours[i].size() ? ours[i][col] : "") : "<no packet>";
    ++m.compared;
    if (tv == ov) continue;
    ++m.rows;
    if (m.examples.size() < 8)
      m.examples.push_back(file + " frame " + std::to_string(i + 1) + ": ours " + show(ov) + ", tshark " + show(tv));
  }
  if (m.rows != before) ++m.files;
}

void report(const std::string& field, const std::string& where, const Mismatches& m) {
  std::cout << "[oracle] " << where << " " << field << ": " << m.rows << " mismatching of " << m.compared
            << " compared rows in " << m.files << " files" << std::endl;
  if (m.out_of_scope) {
    // Most frequent first, so the next dissector worth writing stands out.
    std::vector<std::pair<size_t, std::string>> by_count;
    for (auto& [p, k] : m.unsupported) by_count.push_back({k, p});
    std::sort(by_count.begin(), by_count.end(), [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    std::cout << "[oracle] " << where << " " << field << ": not compared: " << m.out_of_scope
              << " rows (unsupported protocols: ";
    const size_t shown = std::min<size_t>(by_count.size(), 20);
    for (size_t i = 0; i < shown; ++i) std::cout << (i ? ", " : "") << by_count[i].second << " " << by_count[i].first;
    if (shown < by_count.size()) std::cout << " and " << by_count.size() - shown << " more";
    std::cout << ")" << std::endl;
  }
  if (m.oddities)
    std::cout << "[oracle] " << where << " " << field << ": not compared: " << m.oddities
              << " rows of files in kTsharkOddities" << std::endl;
  if (m.rows == 0) return;
  std::ostringstream msg;
  msg << field << " (" << where << "): " << m.rows << " of " << m.compared << " rows differ from tshark, in " << m.files
      << " files; first ones:";
  for (auto& e : m.examples) msg << "\n  " << e;
  ADD_FAILURE() << msg.str();
}

size_t column_of(const std::string& field) {
  const auto& f = fields();
  return std::find(f.begin(), f.end(), field) - f.begin();
}

class SharedCaptures : public ::testing::TestWithParam<std::string> {};
class RecordedTraffic : public ::testing::TestWithParam<std::string> {};

TEST_P(SharedCaptures, FieldMatchesTshark) {
  const auto& all = shared_capture_outputs();
  // A handful of tcpdump-tests are unreadable even for tshark; most are not.
  ASSERT_GT(all.size(), 500u) << "tshark read too few of the shared captures";
  Mismatches m;
  size_t col = column_of(GetParam());
  for (auto& c : all) compare_field(c, col, m);
  report(GetParam(), "shared captures", m);
}

TEST_P(RecordedTraffic, FieldMatchesTshark) {
  const auto& c = recorded_capture_outputs();
  ASSERT_GT(c.tshark.rows.size(), 50u) << "the recorded capture has too few packets";
  Mismatches m;
  compare_field(c, column_of(GetParam()), m);
  report(GetParam(), "recorded traffic", m);
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& ch : n)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Oracle, SharedCaptures, ::testing::ValuesIn(fields()), test_name);
INSTANTIATE_TEST_SUITE_P(Oracle, RecordedTraffic, ::testing::ValuesIn(fields()), test_name);

}  // namespace
}  // namespace strato::oracle
