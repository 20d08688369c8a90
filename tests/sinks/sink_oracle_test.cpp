// The sinks against tshark 4.0 on real captures: summary lines, hex dumps,
// -T fields and -T json.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "sink_harness.h"
#include "test_support.h"

namespace st = strato::test;
using namespace strato;

namespace {

const char* kCaptures[] = {
    "captures/live/mixed-small.pcapng",
    "captures/tcpdump-tests/accecn_handshake.pcap",
    "captures/tcpdump-tests/dns_tcp.pcap",
    "captures/tcpdump-tests/dnssec.pcap",
    "captures/tcpdump-tests/e1000g.pcap",
    "captures/tcpdump-tests/edns-opts.pcap",
    "captures/tcpdump-tests/icmpv6.pcap",
    "captures/tcpdump-tests/ipv6-routing-header.pcap",
    "captures/tcpdump-tests/tfo-5c1fa7f9ae91.pcap",
    "captures/tcpdump-tests/icmp-rfc8335.pcap",
    "captures/tcpdump-tests/dns-uri.pcap",
};

// Captures whose summary lines have other shapes: long IPv6 and MAC
// addresses, empty address columns, ARP, other link types.
const char* kLayoutCaptures[] = {
    "captures/tcpdump-tests/EIGRP_ipv6.pcap",         "captures/tcpdump-tests/LINKTYPE_IPV6.pcap",
    "captures/tcpdump-tests/LINKTYPE_IPV6_invalid.pcap", "captures/tcpdump-tests/arp-oobr.pcap",
    "captures/tcpdump-tests/arcnet-rfc1201-arp-icmp-http.pcap", "captures/tcpdump-tests/whois.pcap",
    "captures/tcpdump-tests/802.1D_spanning_tree.pcap", "captures/tcpdump-tests/HSRP_coup.pcap",
    "captures/tcpdump-tests/ahcp.pcapng",
};

std::string tshark(const std::string& args) {
  auto r = st::run("tshark " + args + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << "tshark " << args;
  return r.out;
}

st::CommandResult strato_read(const std::string& args) { return st::run(st::strato_bin() + " read " + args); }

struct Columns {
  std::string number, time, src, dst, proto, length, info;
};

// Splits a tshark summary line back into its columns.
bool parse_line(const std::string& l, Columns& c) {
  static const std::string arrow = " \xe2\x86\x92 ";
  size_t a = l.find(arrow);
  if (a == std::string::npos) return false;
  size_t p = l.find_first_not_of(' ');
  size_t q = l.find(' ', p);
  c.number = l.substr(p, q - p);
  p = l.find_first_not_of(' ', q);
  q = l.find(' ', p);
  c.time = l.substr(p, q - p);
  p = l.find_first_not_of(' ', q);
  c.src = p < a ? l.substr(p, a - p) : "";
  std::string rest = l.substr(a + arrow.size());
  // The destination is left-aligned in 12 columns (more when longer).
  size_t sp = rest.find(' ');
  if (sp == std::string::npos) return false;
  c.dst = rest.substr(0, sp);
  size_t after = std::max(sp, c.dst.size() < 12 ? size_t(12) : c.dst.size());
  if (after >= rest.size()) return false;
  rest = rest.substr(after + 1);
  // Protocol columns may hold spaces; the length is the first number after.
  size_t pos = 0;
  while (true) {
    size_t e = rest.find(' ', pos);
    if (e == std::string::npos) return false;
    std::string tok = rest.substr(pos, e - pos);
    if (pos > 0 && !tok.empty() && tok.find_first_not_of("0123456789") == std::string::npos) {
      c.proto = rest.substr(0, pos - 1);
      c.length = tok;
      c.info = rest.substr(e + 1);
      return true;
    }
    pos = e + 1;
  }
}

uint64_t parse_ns(const std::string& t, unsigned& digits) {
  bool neg = t[0] == '-';
  std::string s = neg ? t.substr(1) : t;
  size_t dot = s.find('.');
  uint64_t secs = std::stoull(s.substr(0, dot));
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  digits = unsigned(frac.size());
  while (frac.size() < 9) frac += '0';
  uint64_t ns = secs * 1000000000ull + std::stoull(frac);
  return neg ? uint64_t(-int64_t(ns)) : ns;
}

std::string proto_of(const std::string& line) {
  Columns c;
  return parse_line(line, c) ? c.proto : "";
}

}  // namespace

// Every summary line tshark prints, rebuilt from its own columns by the text
// sink, must come out byte for byte the same: padding, arrow, time digits.
TEST(SinkOracle, SummaryLayoutRebuildsTsharkLines) {
  size_t checked = 0;
  std::vector<const char*> all(std::begin(kCaptures), std::end(kCaptures));
  all.insert(all.end(), std::begin(kLayoutCaptures), std::end(kLayoutCaptures));
  auto sink = sinktest::make("text", {});
  for (const char* rel : all) {
    std::string file = st::shared_file(rel);
    for (const std::string& line : st::split_lines(tshark("-r " + file))) {
      Columns c;
      ASSERT_TRUE(parse_line(line, c)) << rel << ": cannot parse: " << line;
      std::vector<Batch> bs(1);
      Event& e = bs[0].append(nullptr, 0);
      e.number = std::stoull(c.number);
      unsigned digits = 9;
      e.rel_ns = parse_ns(c.time, digits);
      e.orig_len = uint32_t(std::stoul(c.length));
      e.dissection.col_src = c.src;
      e.dissection.col_dst = c.dst;
      e.dissection.col_protocol = c.proto;
      e.dissection.col_info = c.info;
      std::vector<InterfaceInfo> ifs(1);
      ifs[0].tsresol = uint8_t(digits);
      EXPECT_EQ(sinktest::run_sink(*sink, bs, &ifs), line + "\n") << rel;
      ++checked;
    }
  }
  EXPECT_GT(checked, 200u);
}

// strato read vs tshark -r, line by line, for packets of protocols strato
// dissects.
TEST(SinkOracle, SummaryLinesMatchTshark) {
  const std::set<std::string> known = {"TCP", "UDP", "DNS", "HTTP", "ICMP", "ARP", "ICMPv6"};
  for (const char* rel : kCaptures) {
    std::string file = st::shared_file(rel);
    auto ours = strato_read("-r " + file);
    ASSERT_EQ(ours.exit_code, 0) << rel << ": " << ours.err;
    auto a = st::split_lines(ours.out), b = st::split_lines(tshark("-r " + file));
    ASSERT_EQ(a.size(), b.size()) << rel;
    size_t compared = 0, differ = 0;
    for (size_t i = 0; i < b.size(); ++i) {
      if (!known.count(proto_of(b[i]))) continue;
      ++compared;
      if (a[i] != b[i] && ++differ <= 3) ADD_FAILURE() << rel << " packet " << i + 1 << "\n ours: " << a[i] << "\n tshark: " << b[i];
    }
    EXPECT_EQ(differ, 0u) << rel << ": " << differ << " of " << compared << " lines differ";
  }
}

TEST(SinkOracle, HexDumpMatchesTshark) {
  for (const char* rel : kCaptures) {
    std::string file = st::shared_file(rel);
    std::string theirs = tshark("-r " + file + " -x");
    // Data sources other than the frame and reassembled TCP/IP (decrypted,
    // decompressed) are not known to strato; those captures are left out.
    bool other = false;
    for (auto& l : st::split_lines(theirs))
      if (l.ends_with(" bytes):") && !l.starts_with("Frame (") && !l.starts_with("Reassembled ")) other = true;
    if (other) continue;
    auto ours = strato_read("-r " + file + " -x");
    ASSERT_EQ(ours.exit_code, 0) << rel << ": " << ours.err;
    EXPECT_EQ(ours.out, theirs) << rel;
  }
  // With -P the summary line comes first, then a blank line, then the dump.
  std::string file = st::shared_file("captures/live/mixed-small.pcapng");
  const std::string args = " -x -P -Y 'frame.number <= 3'";
  auto ours = strato_read("-r " + file + args);
  std::string theirs = tshark("-r " + file + args);
  EXPECT_EQ(ours.out, theirs);
}

// Every "Data (N bytes)" block of -V output: tshark dumps the data's bytes
// in hex under the heading when -x is not given, and not when it is.
std::vector<std::string> data_blocks(const std::string& detail) {
  std::vector<std::string> blocks;
  auto lines = st::split_lines(detail);
  auto is_hex = [](const std::string& l) {
    return l.size() > 6 && l.find_first_not_of("0123456789abcdef") == 4 && l.compare(4, 2, "  ") == 0;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].starts_with("Data (")) continue;
    std::string b = lines[i] + "\n";
    size_t j = i + 1;
    if (j + 1 < lines.size() && lines[j].empty() && is_hex(lines[j + 1])) b += "\n", ++j;
    for (; j < lines.size() && (lines[j].starts_with("    ") || is_hex(lines[j])); ++j) b += lines[j] + "\n";
    blocks.push_back(b);
  }
  return blocks;
}

TEST(SinkOracle, DetailTreeDataBlocksMatchTshark) {
  size_t seen = 0;
  for (const char* rel : {"captures/tcpdump-tests/e1000g.pcap", "captures/tcpdump-tests/babel.pcap"}) {
    std::string file = st::shared_file(rel);
    for (const char* x : {"", " -x"}) {
      auto ours = strato_read("-r " + file + " -V" + x);
      ASSERT_EQ(ours.exit_code, 0) << rel << ": " << ours.err;
      auto t = data_blocks(tshark("-r " + file + " -V" + std::string(x))), o = data_blocks(ours.out);
      ASSERT_EQ(o.size(), t.size()) << rel << x;
      for (size_t i = 0; i < t.size(); ++i) EXPECT_EQ(o[i], t[i]) << rel << x << " block " << i;
      seen += t.size();
    }
  }
  EXPECT_GT(seen, 0u) << "no Data blocks in the captures";
}

// String values with control bytes, backslashes, non-ASCII bytes and NULs
// print as tshark prints them (HTTP reads its strings as ENC_ASCII).
TEST(SinkOracle, OddBytesInStringFieldsMatchTshark) {
  const std::string f = st::temp_dir() + "/odd-strings.pcap";
  ASSERT_EQ(st::run("python3 " + st::source_dir() + "/tests/sinks/odd_strings.py " + f).exit_code, 0);
  const std::string args = " -T fields -E occurrence=a -e frame.protocols -e http.request.uri -e http.host"
                           " -e http.user_agent -e http.response.phrase -e http.server -e http.content_type"
                           " -e http.file_data -e http.request.line -e http.response.line -e _ws.col.Info"
                           " -e http.request.uri.path -e http.request.uri.query -e http.request.uri.query.parameter"
                           " -e _ws.expert -e _ws.expert.message -e _ws.expert.severity -e _ws.expert.group";
  auto ours = strato_read("-r " + f + args);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.out, tshark("-r " + f + args));
}

// The "Frame N: ..." subtree of -V: interface and section (pcapng only),
// encapsulation names, times, lengths; with -Y, the delta from the previous
// displayed frame.
std::vector<std::string> frame_trees(const std::string& detail) {
  std::vector<std::string> trees;
  bool in = false;
  for (const std::string& l : st::split_lines(detail)) {
    if (l.starts_with("Frame ")) {
      trees.push_back(l + "\n");
      in = true;
    } else if (in && l.starts_with(" ")) {
      trees.back() += l + "\n";
    } else {
      in = false;
    }
  }
  return trees;
}

TEST(SinkOracle, DetailTreeFrameSectionMatchesTshark) {
  for (const char* rel : {"captures/live/mixed-small.pcapng", "captures/tcpdump-tests/dns_tcp.pcap",
                          "captures/tcpdump-tests/icmpv6.pcap", "captures/tcpdump-tests/ahcp.pcapng",
                          "captures/tcpdump-tests/LINKTYPE_IPV6.pcap"}) {
    std::string file = st::shared_file(rel);
    for (const char* y : {"", " -Y 'tcp.flags.syn == 1 || dns || icmpv6.type == 135'"}) {
      auto ours = strato_read("-n -r " + file + " -V" + y);
      ASSERT_EQ(ours.exit_code, 0) << rel << ": " << ours.err;
      auto t = frame_trees(tshark("-n -r " + file + " -V" + std::string(y))), o = frame_trees(ours.out);
      ASSERT_EQ(o.size(), t.size()) << rel << y;
      for (size_t i = 0; i < t.size(); ++i) EXPECT_EQ(o[i], t[i]) << rel << y << " frame tree " << i;
    }
  }
}

TEST(SinkOracle, FieldsMatchTshark) {
  const std::string fields =
      " -e frame.number -e frame.len -e frame.time_epoch -e frame.time_relative -e frame.protocols -e eth.src"
      " -e eth.type -e ip.src -e ip.dst -e ip.ttl -e ip.proto -e ipv6.src -e tcp.srcport -e tcp.dstport -e tcp.flags"
      " -e tcp.len -e udp.srcport -e udp.dstport -e udp.length -e dns.qry.name -e dns.a -e dns.flags.response"
      " -e http.request.method -e http.response.code -e icmp.type -e ip -e udp -e _ws.col.Time -e _ws.col.Protocol"
      " -e _ws.col.Source -e _ws.col.Info";
  const std::string opts = " -E header=y -E separator=, -E quote=d -E occurrence=f";
  for (const char* rel : kCaptures) {
    std::string file = st::shared_file(rel);
    auto ours = strato_read("-r " + file + " -T fields" + fields + opts);
    ASSERT_EQ(ours.exit_code, 0) << rel << ": " << ours.err;
    auto a = st::split_lines(ours.out), b = st::split_lines(tshark("-r " + file + " -T fields" + fields + opts));
    ASSERT_EQ(a.size(), b.size()) << rel;
    size_t differ = 0;
    for (size_t i = 0; i < b.size(); ++i)
      if (a[i] != b[i] && ++differ <= 3) ADD_FAILURE() << rel << " line " << i + 1 << "\n ours: " << a[i] << "\n tshark: " << b[i];
  }
  // All occurrences, joined by the aggregator.
  std::string file = st::shared_file("captures/live/mixed-small.pcapng");
  const std::string multi = " -T fields -e ip.addr -e udp.port -e tcp.port -E aggregator=/s";
  EXPECT_EQ(strato_read("-r " + file + multi).out, tshark("-r " + file + multi));
}

TEST(SinkOracle, UnknownFieldIsAUsageError) {
  std::string file = st::shared_file("captures/live/mixed-small.pcapng");
  auto r = strato_read("-r " + file + " -T fields -e ip.src -e xyz.nosuch");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Some fields aren't valid: xyz.nosuch"), std::string::npos) << r.err;
  EXPECT_EQ(st::split_lines(r.err).size(), 1u) << r.err;
}

TEST(SinkOracle, JsonIsValidAndMatchesTsharkValues) {
  if (!st::have_program("jq")) GTEST_SKIP() << "jq not installed";
  std::string dir = st::temp_dir();
  // One jq program picks the same values out of both outputs.
  const std::string pick =
      ".[]._source.layers | [.frame[\"frame.number\"], .frame[\"frame.protocols\"], .ip[\"ip.src\"], "
      ".ip[\"ip.dst\"], .ip[\"ip.ttl\"], .tcp[\"tcp.srcport\"], .tcp[\"tcp.flags\"], .udp[\"udp.dstport\"], "
      ".dns[\"dns.id\"], .http[\"http.response.code\"]] | tojson";
  for (const char* rel : kCaptures) {
    std::string file = st::shared_file(rel);
    auto ours = strato_read("-r " + file + " -T json > " + dir + "/ours.json");
    ASSERT_EQ(ours.exit_code, 0) << rel << ": " << ours.err;
    auto a = st::run("jq -c '" + pick + "' " + dir + "/ours.json");
    ASSERT_EQ(a.exit_code, 0) << rel << ": not valid JSON: " << a.err;
    auto b = st::run("tshark -r " + file + " -T json --no-duplicate-keys 2>/dev/null | jq -c '" + pick + "'");
    auto x = st::split_lines(a.out), y = st::split_lines(b.out);
    ASSERT_EQ(x.size(), y.size()) << rel;
    size_t differ = 0;
    for (size_t i = 0; i < y.size(); ++i)
      if (x[i] != y[i] && ++differ <= 3) ADD_FAILURE() << rel << " packet " << i + 1 << "\n ours: " << x[i] << "\n tshark: " << y[i];
  }
}

TEST(SinkOracle, JsonWithFieldsMatchesTsharkExactly) {
  std::string file = st::shared_file("captures/live/mixed-small.pcapng");
  const std::string e = " -T json -e frame.number -e ip.src -e udp.port -e tcp.flags -e dns.qry.name -e http.request.uri";
  auto ours = strato_read("-r " + file + e);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.out, tshark("-r " + file + e));
}

// frame.time_delta_displayed counts from the frame displayed before, which
// -Y decides: the first displayed frame has 0, the others the time since
// the previous one that passed (not the previous one read), in -T fields
// and -T json alike, across batches and threads.
TEST(SinkOracle, TimeDeltaDisplayedCountsFromTheFrameDisplayedBefore) {
  for (const char* rel : {"captures/live/mixed-small.pcapng", "captures/tcpdump-tests/dns_tcp.pcap"}) {
    std::string file = st::shared_file(rel);
    for (const char* y : {"", " -Y 'tcp.flags.syn == 1 || dns.flags.response == 1'"}) {
      const std::string f = std::string(y) + " -T fields -e frame.number -e frame.time_delta -e frame.time_delta_displayed";
      EXPECT_EQ(strato_read("-r " + file + f + " --batch-size 3 --threads 2").out, tshark("-r " + file + f)) << rel << y;
      const std::string j = std::string(y) + " -T json -e frame.number -e frame.time_delta_displayed";
      EXPECT_EQ(strato_read("-r " + file + j).out, tshark("-r " + file + j)) << rel << y;
      auto full = st::split_lines(strato_read("-n -r " + file + std::string(y) + " -T json").out);
      auto theirs = st::split_lines(tshark("-n -r " + file + std::string(y) + " -T json"));
      std::vector<std::string> a, b;
      for (auto& l : full) if (l.find("frame.time_delta_displayed") != std::string::npos) a.push_back(l);
      for (auto& l : theirs) if (l.find("frame.time_delta_displayed") != std::string::npos) b.push_back(l);
      EXPECT_EQ(a, b) << rel << y;
      EXPECT_FALSE(b.empty());
    }
  }
}

// -T ek is Elasticsearch's bulk format as tshark writes it: an index line
// per packet, then its layers flattened with "<protocol>_<field>" keys.
// Compared pair by pair, duplicate keys kept (tests/sinks/ek_compare.py says
// which keys strato does not make), and byte for byte with -e.
TEST(SinkOracle, EkMatchesTshark) {
  if (!st::have_program("python3")) GTEST_SKIP() << "python3 not installed";
  const std::string dir = st::temp_dir();
  const std::string compare = "python3 " + st::source_dir() + "/tests/sinks/ek_compare.py " + dir + "/t.ek " + dir + "/s.ek";
  struct Case {
    const char* file;
    const char* filter;
  } cases[] = {{"captures/live/mixed-small.pcapng", " -Y udp"}, {"captures/tcpdump-tests/dns-uri.pcap", ""}};
  for (const Case& c : cases) {
    const std::string file = st::shared_file(c.file);
    ASSERT_EQ(st::run("tshark -n -r " + file + c.filter + " -T ek > " + dir + "/t.ek 2>/dev/null").exit_code, 0);
    auto ours = strato_read("-r " + file + c.filter + " -T ek > " + dir + "/s.ek");
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    auto r = st::run(compare);
    EXPECT_EQ(r.exit_code, 0) << c.file << c.filter << "\n" << r.out;
  }
  std::string file = st::shared_file("captures/live/mixed-small.pcapng");
  const std::string e = " -T ek -e frame.number -e ip.src -e udp.port -e dns.qry.name -e frame.time_delta_displayed";
  EXPECT_EQ(strato_read("-r " + file + e).out, tshark("-r " + file + e));
}

TEST(SinkOracle, NdjsonIsOneValidObjectPerPacket) {
  if (!st::have_program("jq")) GTEST_SKIP() << "jq not installed";
  std::string file = st::shared_file("captures/live/mixed-small.pcapng");
  std::string out = st::temp_dir() + "/out.ndjson";
  auto r = strato_read("-r " + file + " -T ndjson > " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto n = st::run("jq -c '.layers.frame[\"frame.number\"]' " + out + " | wc -l");
  auto lines = st::run("wc -l < " + out);
  auto packets = st::run("tshark -r " + file + " 2>/dev/null | wc -l");
  EXPECT_EQ(n.out, packets.out);
  EXPECT_EQ(std::stoul(lines.out), std::stoul(packets.out));
}
