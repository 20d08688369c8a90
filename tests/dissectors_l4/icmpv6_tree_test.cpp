// ICMPv6 as tshark 4.0 shows it: the "Internet Control Message Protocol v6"
// subtree of -V (Neighbor Discovery bodies and options, MLD, echo pairing,
// error bodies with the quoted packet) and -T fields of the icmpv6.* fields,
// on the tcpdump-tests captures that carry ICMPv6 and on a capture this test
// writes with the messages those captures lack.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using strato::test::run;

// Captures in tcpdump-tests with ICMPv6 (`tshark -Y icmpv6`) left out here:
//   icmpv6-RFC2894-RR.pcap            Router Renumbering bodies are not decoded
//   icmpv6-ni-flags.pcap, icmpv6_nodeinfo_*.pcap
//                                     Node Information bodies are not decoded
//   icmp6-rfc8335.pcap                RFC 8335 extended echo, not decoded
//   icmp6_mobileprefix_asan.pcap      Mobile IPv6 prefix messages, not decoded
//   rpl-14-dao.pcap, rpl-dao-oobr.pcap RPL control messages, not decoded
//   icmpv6-rfc7112.pcap               the quoted IPv6 header lacks tshark's
//                                     SLAAC MAC lines and fragment data, which
//                                     belong to the ipv6 dissector
const std::vector<std::string> kCaptures = {"icmpv6.pcap",
                           "icmpv6_opt24.pcap",
                           "icmpv6-ra-pref64.pcap",
                           "icmpv6-length-zero.pcapng",
                           "babel.pcap",
                           "dcb_ets.pcap",
                           "dcb_qcn.pcap",
                           "ipv6-routing-header.pcap",
                           "ipv6_jumbogram_1.pcap",
                           "ipv6_jumbogram_invalid_length.pcap"};

const char* kFields[] = {"_ws.col.Info",
                         "icmpv6.type",
                         "icmpv6.code",
                         "icmpv6.checksum.status",
                         "icmpv6.reserved",
                         "icmpv6.nd.ra.cur_hop_limit",
                         "icmpv6.nd.ra.flag",
                         "icmpv6.nd.ra.flag.m",
                         "icmpv6.nd.ra.flag.o",
                         "icmpv6.nd.ra.flag.prf",
                         "icmpv6.nd.ra.router_lifetime",
                         "icmpv6.nd.ra.reachable_time",
                         "icmpv6.nd.ra.retrans_timer",
                         "icmpv6.nd.ns.target_address",
                         "icmpv6.nd.na.flag",
                         "icmpv6.nd.na.flag.r",
                         "icmpv6.nd.na.flag.s",
                         "icmpv6.nd.na.flag.o",
                         "icmpv6.nd.na.target_address",
                         "icmpv6.nd.rd.target_address",
                         "icmpv6.rd.na.destination_address",
                         "icmpv6.opt",
                         "icmpv6.opt.type",
                         "icmpv6.opt.length",
                         "icmpv6.opt.linkaddr",
                         "icmpv6.opt.src_linkaddr",
                         "icmpv6.opt.target_linkaddr",
                         "icmpv6.opt.prefix.length",
                         "icmpv6.opt.prefix.flag",
                         "icmpv6.opt.prefix.flag.a",
                         "icmpv6.opt.prefix.valid_lifetime",
                         "icmpv6.opt.prefix.preferred_lifetime",
                         "icmpv6.opt.prefix",
                         "icmpv6.opt.mtu",
                         "icmpv6.opt.advertisement_interval",
                         "icmpv6.opt.home_agent_preference",
                         "icmpv6.opt.home_agent_lifetime",
                         "icmpv6.opt.route_info.flag.route_preference",
                         "icmpv6.opt.route_lifetime",
                         "icmpv6.opt.rdnss.lifetime",
                         "icmpv6.opt.rdnss",
                         "icmpv6.opt.dnssl",
                         "icmpv6.opt.pref64.scaled_lifetime",
                         "icmpv6.opt.pref64.plc",
                         "icmpv6.opt.pref64.prefix",
                         "icmpv6.mld.maximum_response_delay",
                         "icmpv6.mld.maximum_response_code",
                         "icmpv6.mld.multicast_address",
                         "icmpv6.mld.flag.s",
                         "icmpv6.mld.flag.qrv",
                         "icmpv6.mld.qqi",
                         "icmpv6.mld.nb_sources",
                         "icmpv6.mld.source_address",
                         "icmpv6.mldr.nb_mcast_records",
                         "icmpv6.mldr.mar.record_type",
                         "icmpv6.mldr.mar.aux_data_len",
                         "icmpv6.mldr.mar.nb_sources",
                         "icmpv6.mldr.mar.multicast_address",
                         "icmpv6.mldr.mar.source_address",
                         "icmpv6.mldr.mar.auxiliary_data",
                         "icmpv6.echo.identifier",
                         "icmpv6.echo.sequence_number",
                         "icmpv6.resp_in",
                         "icmpv6.resp_to",
                         "icmpv6.resptime",
                         "icmpv6.mtu",
                         "icmpv6.pointer"};

// ---- a capture of the messages the tcpdump tests lack

using Bytes = std::vector<uint8_t>;

Bytes addr(uint16_t first, uint16_t last) {
  Bytes a(16, 0);
  a[0] = uint8_t(first >> 8), a[1] = uint8_t(first);
  a[14] = uint8_t(last >> 8), a[15] = uint8_t(last);
  return a;
}
void put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
void put32(Bytes& b, uint32_t v) {
  put16(b, uint16_t(v >> 16));
  put16(b, uint16_t(v));
}
void append(Bytes& b, const Bytes& x) { b.insert(b.end(), x.begin(), x.end()); }

// Ethernet + IPv6 + ICMPv6 with a correct checksum.
Bytes icmpv6(const Bytes& src, const Bytes& dst, uint8_t type, uint8_t code, const Bytes& body, uint8_t hlim = 64) {
  Bytes m = {type, code, 0, 0};
  append(m, body);
  uint32_t sum = uint32_t(m.size()) + 58;
  auto add = [&sum](const Bytes& x) {
    for (size_t i = 0; i < x.size(); i += 2) sum += uint32_t(x[i] << 8 | (i + 1 < x.size() ? x[i + 1] : 0));
  };
  add(src), add(dst), add(m);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  m[2] = uint8_t(~sum >> 8), m[3] = uint8_t(~sum);
  Bytes f = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x86, 0xdd, 0x60, 0, 0, 0};
  put16(f, uint16_t(m.size()));
  f.push_back(58);
  f.push_back(hlim);
  append(f, src), append(f, dst), append(f, m);
  return f;
}
// An NDP option of `units` 8-byte units holding `data` then zeros.
Bytes option(uint8_t type, uint8_t units, const Bytes& data) {
  Bytes o = {type, units};
  append(o, data);
  o.resize(units * 8u, 0);
  return o;
}
const Bytes kMac = {0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};

void write_pcap(const std::string& path, const std::vector<Bytes>& frames) {
  std::ofstream f(path, std::ios::binary);
  auto le32 = [&f](uint32_t v) {
    for (int i = 0; i < 4; ++i) f.put(char(v >> (8 * i)));
  };
  le32(0xa1b2c3d4), le32(0x00040002), le32(0), le32(0), le32(65535), le32(1);
  uint32_t sec = 1000;
  for (const Bytes& fr : frames) {
    le32(sec++), le32(250000), le32(uint32_t(fr.size())), le32(uint32_t(fr.size()));
    f.write(reinterpret_cast<const char*>(fr.data()), std::streamsize(fr.size()));
  }
}

std::string generated_capture() {
  const Bytes a = addr(0x3ffe, 1), b = addr(0x3ffe, 2), ll = addr(0xfe80, 9), all = addr(0xff02, 1);
  std::vector<Bytes> fr;
  Bytes echo = {0, 7, 0, 1, 'p', 'i', 'n', 'g', 'd', 'a', 't', 'a'};
  fr.push_back(icmpv6(a, b, 128, 0, echo));
  fr.push_back(icmpv6(b, a, 129, 0, echo, 63));
  fr.push_back(icmpv6(a, b, 128, 0, {0, 7, 0, 2}));
  fr.push_back(icmpv6(b, a, 129, 0, {0, 7, 0, 9}));  // answers nothing
  // Neighbor Solicitation / Advertisement with link-layer options
  Bytes ns = {0, 0, 0, 0};
  append(ns, b), append(ns, option(1, 1, kMac));
  fr.push_back(icmpv6(ll, addr(0xff02, 0x1ff), 135, 0, ns, 255));
  Bytes na = {0xe0, 0, 0, 0};
  append(na, b), append(na, option(2, 1, kMac));
  fr.push_back(icmpv6(b, ll, 136, 0, na, 255));
  Bytes na2 = {0x20, 0, 0, 5};
  append(na2, b);
  fr.push_back(icmpv6(b, all, 136, 0, na2, 255));
  // Router Solicitation, and an Advertisement with every preference and
  // options tshark does and does not decode
  Bytes rs = {0, 0, 0, 0};
  append(rs, option(1, 1, kMac));
  fr.push_back(icmpv6(ll, addr(0xff02, 2), 133, 0, rs, 255));
  Bytes ra = {64, 0xdc, 0x07, 0x08};
  put32(ra, 30000), put32(ra, 1000);
  Bytes pfx = {48, 0x60};
  put32(pfx, 0xffffffff), put32(pfx, 3600), put32(pfx, 0), append(pfx, addr(0x2001, 0));
  append(ra, option(3, 4, pfx));
  Bytes mtu = {0, 0};
  put32(mtu, 1280);
  append(ra, option(5, 1, mtu));
  append(ra, option(24, 1, {0, 0x18, 0xff, 0xff, 0xff, 0xff}));
  append(ra, option(24, 3, {128, 0x08, 0, 0, 0x0e, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  append(ra, option(99, 2, {1, 2, 3, 4, 5, 6}));
  Bytes rdnss = {0, 0, 0xff, 0xff, 0xff, 0xff};
  append(rdnss, a);
  append(ra, option(25, 3, rdnss));
  append(ra, option(7, 1, {0, 0, 0, 0, 0x27, 0x10}));
  append(ra, option(8, 1, {0, 0, 0x80, 0x01, 0x07, 0x08}));
  Bytes pfx2 = {64, 0x80};
  put32(pfx2, 86400), put32(pfx2, 0xffffffff), put32(pfx2, 0), append(pfx2, addr(0x3ffe, 0));
  append(ra, option(3, 4, pfx2));
  Bytes dnssl = {0, 0, 0xff, 0xff, 0xff, 0xff, 3, 'f', 'o', 'o', 0, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0};
  append(ra, option(31, 4, dnssl));
  fr.push_back(icmpv6(ll, all, 134, 0, ra, 255));
  // Redirect with a target link-layer address and the redirected packet
  Bytes quoted = icmpv6(a, b, 128, 0, {0, 8, 0, 1});
  quoted.erase(quoted.begin(), quoted.begin() + 14);
  Bytes rd = {0, 0, 0, 0};
  append(rd, ll), append(rd, b), append(rd, option(2, 1, kMac));
  Bytes red = {0, 0, 0, 0, 0, 0};
  append(red, quoted);
  append(rd, option(4, uint8_t((red.size() + 2 + 7) / 8), red));
  fr.push_back(icmpv6(ll, a, 137, 0, rd, 255));
  // errors quoting an echo request
  for (uint8_t t : {1, 2, 3, 4}) {
    Bytes body;
    put32(body, t == 2 ? 1280 : t == 4 ? 40 : 0);
    append(body, quoted);
    fr.push_back(icmpv6(b, a, t, t == 1 ? 4 : t == 4 ? 1 : 0, body));
  }
  // MLDv1 query/report/done, MLDv2 query with sources, MLDv2 report with
  // sources and auxiliary data
  const Bytes group = addr(0xff05, 0x1234);
  for (uint8_t t : {130, 131, 132}) {
    Bytes m = {0x27, 0x10, 0, 0};
    append(m, t == 130 ? Bytes(16, 0) : group);
    fr.push_back(icmpv6(ll, t == 130 ? all : group, t, 0, m, 1));
  }
  Bytes q2 = {0x03, 0xe8, 0, 0};
  append(q2, group);
  q2.insert(q2.end(), {0x0a, 125, 0, 2});
  append(q2, a), append(q2, b);
  fr.push_back(icmpv6(ll, group, 130, 0, q2, 1));
  Bytes r2 = {0, 0, 0, 2, 5, 1, 0, 1};
  append(r2, group), append(r2, a);
  r2.insert(r2.end(), {0xde, 0xad, 0xbe, 0xef, 6, 0, 0, 0});
  append(r2, addr(0xff05, 0x99));
  fr.push_back(icmpv6(ll, addr(0xff02, 0x16), 143, 0, r2, 1));
  // a zero-length option
  Bytes bad = {0, 0, 0, 0};
  append(bad, {1, 0, 1, 2, 3, 4, 5, 6});
  fr.push_back(icmpv6(ll, addr(0xff02, 2), 133, 0, bad, 255));

  const std::string path = strato::test::temp_dir() + "/icmpv6-messages.pcap";
  write_pcap(path, fr);
  return path;
}

// ---- comparison

// Per frame, the ICMPv6 subtree of -V output: from its title line up to the
// next unindented line.
std::vector<std::string> icmpv6_trees(const std::string& v) {
  std::vector<std::string> out;
  bool in = false;
  for (const std::string& line : strato::test::split_lines(v)) {
    if (line.rfind("Frame ", 0) == 0) out.emplace_back();
    if (!line.empty() && line[0] != ' ') in = line == "Internet Control Message Protocol v6";
    if (in && !out.empty()) out.back() += line + "\n";
  }
  return out;
}

std::string capture_path(const std::string& name) {
  return name.find('/') != std::string::npos ? name : strato::test::shared_file("captures/tcpdump-tests/" + name);
}

void expect_tree_like_tshark(const std::string& f) {
  auto ts = run("tshark -n -V -r '" + f + "'");
  ASSERT_EQ(ts.exit_code, 0) << ts.err;
  auto st = run(strato::test::strato_bin() + " read -n -V -r '" + f + "'");
  ASSERT_EQ(st.exit_code, 0) << st.err;
  auto want = icmpv6_trees(ts.out), got = icmpv6_trees(st.out);
  ASSERT_EQ(want.size(), got.size());
  int trees = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i], want[i]) << f << " frame " << i + 1;
    trees += !want[i].empty();
  }
  EXPECT_GT(trees, 0) << f << ": no ICMPv6 in tshark's output";
}

void expect_fields_like_tshark(const std::string& f) {
  std::string args = " -T fields -E occurrence=a";
  for (const char* x : kFields) args += std::string(" -e ") + x;
  auto ts = run("tshark -n -r '" + f + "'" + args);
  ASSERT_EQ(ts.exit_code, 0) << ts.err;
  auto st = run(strato::test::strato_bin() + " read -n -r '" + f + "'" + args);
  ASSERT_EQ(st.exit_code, 0) << st.err;
  auto want = strato::test::split_lines(ts.out), got = strato::test::split_lines(st.out);
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    // Info (the first column) is ICMPv6's only where the frame has ICMPv6.
    size_t w = want[i].find('\t'), g = got[i].find('\t');
    bool icmp = want[i].compare(w + 1, 1, "\t") != 0;
    if (icmp)
      EXPECT_EQ(got[i], want[i]) << f << " frame " << i + 1;
    else
      EXPECT_EQ(got[i].substr(g), want[i].substr(w)) << f << " frame " << i + 1;
  }
}

class Icmpv6Tree : public ::testing::TestWithParam<std::string> {};

TEST_P(Icmpv6Tree, SubtreeMatchesTshark) {
  if (!strato::test::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  expect_tree_like_tshark(capture_path(GetParam()));
}

TEST_P(Icmpv6Tree, FieldsMatchTshark) {
  if (!strato::test::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  expect_fields_like_tshark(capture_path(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Captures, Icmpv6Tree, ::testing::ValuesIn(kCaptures),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

// Echo pairs, Neighbor Discovery with every flag and option kind, Redirect,
// the four error messages and every MLD message, written by this test.
TEST(Icmpv6Generated, SubtreeMatchesTshark) {
  if (!strato::test::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  expect_tree_like_tshark(generated_capture());
}

TEST(Icmpv6Generated, FieldsMatchTshark) {
  if (!strato::test::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  expect_fields_like_tshark(generated_capture());
}

// The reply names its request in the tree, the fields and Info; a reply to
// nothing names nothing.
TEST(Icmpv6Generated, EchoReplyFindsItsRequest) {
  const std::string f = generated_capture();
  auto st = run(strato::test::strato_bin() + " read -n -r '" + f +
                "' -Y 'icmpv6.type == 129' -T fields -e frame.number -e icmpv6.resp_to -e icmpv6.resptime"
                " -e _ws.col.Info");
  ASSERT_EQ(st.exit_code, 0) << st.err;
  auto lines = strato::test::split_lines(st.out);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "2\t1\t1000\tEcho (ping) reply id=0x0007, seq=1, hop limit=63 (request in 1)");
  EXPECT_EQ(lines[1], "4\t\t\tEcho (ping) reply id=0x0007, seq=9, hop limit=64");
}

}  // namespace
