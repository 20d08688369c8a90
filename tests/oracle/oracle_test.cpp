// strato's `-T fields -E occurrence=a` against tshark 4.0's, field by field,
// over every capture tshark reads (tcpdump-tests/, live/) and over traffic
// recorded now with scripts/record-traffic.sh.
//
// frame.protocols is compared only on packets whose tshark protocol list
// holds nothing but protocols strato dissects (kDissected): elsewhere tshark
// names protocols strato does not have and the lists differ by design. Every
// other field is compared on every packet.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

#include "oracle_outputs.h"

namespace strato::oracle {
namespace {

const std::set<std::string> kDissected = {
    "eth", "ethertype", "vlan", "sll", "null", "loop", "raw", "ip", "ipv6", "arp", "icmp", "icmpv6",
    "udp", "tcp", "dns", "http", "tls", "data", "data-text-lines", "media"};

bool only_dissected(const std::string& protocols) {
  std::stringstream ss(protocols);
  std::string p;
  while (std::getline(ss, p, ':'))
    if (!kDissected.count(p)) return false;
  return true;
}

struct Mismatches {
  size_t rows = 0, compared = 0, files = 0;
  std::vector<std::string> examples;
};

std::string show(const std::string& v) { return "\"" + v + "\""; }

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

void compare_field(const CaptureOutputs& c, size_t col, bool protocols_rule, Mismatches& m) {
  const auto& theirs = c.tshark.rows;
  const auto& ours = c.ours.rows;
  std::string file = std::filesystem::path(c.capture).filename().string();
  size_t before = m.rows;
  size_t n = std::max(theirs.size(), ours.size());
  for (size_t i = 0; i < n; ++i) {
    bool have_t = i < theirs.size(), have_o = i < ours.size();
    std::string tv = have_t ? (col < theirs[i].size() ? theirs[i][col] : "") : "<no packet>";
    std::string ov;
    if (c.ours.exit_code != 0 && !have_o)
      ov = "<strato exit " + std::to_string(c.ours.exit_code) + ": " + first_line(c.ours.err) + ">";
    else
      ov = have_o ? (col < ours[i].size() ? ours[i][col] : "") : "<no packet>";
    if (protocols_rule && have_t && !only_dissected(tv)) continue;
    ++m.compared;
    if (tv == ov) continue;
    ++m.rows;
    if (m.examples.size() < 8)
      m.examples.push_back(file + " frame " + std::to_string(i + 1) + ": ours " + show(ov) + ", tshark " + show(tv));
  }
  if (m.rows != before) ++m.files;
}

void report(const std::string& field, const std::string& where, const Mismatches& m) {
  std::cout << "[oracle] " << where << " " << field << ": " << m.rows << " mismatching of " << m.compared << " rows"
            << " in " << m.files << " files" << std::endl;
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
  for (auto& c : all) compare_field(c, col, GetParam() == "frame.protocols", m);
  report(GetParam(), "shared captures", m);
}

TEST_P(RecordedTraffic, FieldMatchesTshark) {
  const auto& c = recorded_capture_outputs();
  ASSERT_GT(c.tshark.rows.size(), 50u) << "the recorded capture has too few packets";
  Mismatches m;
  compare_field(c, column_of(GetParam()), GetParam() == "frame.protocols", m);
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
