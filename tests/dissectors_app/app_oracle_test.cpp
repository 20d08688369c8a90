// DNS, HTTP and TLS fields of `strato read -T fields` against tshark 4.0 on
// real captures (shared ones and traffic recorded here).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace st = strato::test;

namespace {

const std::vector<std::string> kDnsFields = {
    "frame.number", "frame.protocols", "dns.id", "dns.flags", "dns.qry.name", "dns.qry.name.len", "dns.qry.type",
    "dns.qry.class", "dns.flags.response", "dns.flags.rcode", "dns.count.answers", "dns.resp.name", "dns.resp.type",
    "dns.resp.ttl", "dns.resp.len", "dns.a", "dns.aaaa", "dns.cname", "dns.ns", "dns.ptr.domain_name",
    "dns.mx.mail_exchange", "dns.txt", "dns.srv.port", "dns.srv.target", "dns.rr.udp_payload_size", "dns.time",
    "dns.response_to"};
// DNS over TCP reassembly and the multicast flavours.
const std::vector<std::string> kDnsTcpFields = {
    "frame.number", "frame.protocols", "_ws.col.Protocol", "dns.length", "dns.id", "dns.qry.name", "dns.a",
    "dns.aaaa", "dns.txt", "dns.mx.mail_exchange", "dns.response_to", "tcp.segment", "tcp.segment.count",
    "tcp.reassembled.length", "tcp.pdu.size", "tcp.segment_data"};
const std::vector<std::string> kMdnsFields = {
    "frame.number", "frame.protocols", "_ws.col.Protocol", "dns.id", "dns.flags", "dns.qry.name", "dns.qry.class",
    "dns.qry.qu", "dns.resp.name", "dns.resp.class", "dns.resp.cache_flush", "dns.resp.ttl", "dns.a", "dns.aaaa",
    "dns.ptr.domain_name", "dns.srv.target", "dns.txt", "dns.nsec.next_domain_name", "dns.flags.conflict",
    "dns.flags.tentative", "dns.unsolicited", "dns.response_to"};
const std::vector<std::string> kHttpFields = {
    "frame.number", "frame.protocols", "http.request.method", "http.request.uri", "http.request.version",
    "http.request.full_uri", "http.host", "http.user_agent", "http.response.code", "http.response.phrase",
    "http.content_type", "http.content_length", "http.server", "http.location", "http.time", "http.request_in",
    "http.request_number", "http.response_number", "http.prev_request_in", "http.file_data", "tcp.segment",
    "urlencoded-form.key"};
const std::vector<std::string> kTlsFields = {
    "frame.number", "frame.protocols", "tls.record.content_type", "tls.record.version", "tls.record.length",
    "tls.handshake.type", "tls.handshake.version", "tls.handshake.extensions_server_name",
    "tls.handshake.extensions_alpn_str", "tls.handshake.ciphersuite", "tls.handshake.extension.type",
    "tls.handshake.extensions.supported_version", "tls.record.opaque_type"};
// Extension, key exchange and fingerprint fields.
const std::vector<std::string> kTlsDetailFields = {
    "frame.number", "tls.handshake.ja3_full", "tls.handshake.ja3", "tls.handshake.ja3s_full", "tls.handshake.ja3s",
    "tls.handshake.sig_hash_alg", "tls.handshake.sig_hash_hash", "tls.handshake.sig_hash_sig",
    "tls.handshake.extensions_supported_group", "tls.handshake.extensions_ec_point_format",
    "tls.handshake.extensions_key_share_group", "tls.handshake.extensions_key_share_key_exchange",
    "tls.extension.psk_ke_mode", "tls.handshake.extensions.supported_versions_len",
    "tls.handshake.extensions_reneg_info_len", "tls.handshake.extensions_padding_data",
    "tls.handshake.server_named_curve", "tls.handshake.server_point", "tls.handshake.client_point",
    "tls.handshake.sig_len", "tls.handshake.session_ticket_lifetime_hint", "tls.handshake.session_ticket_length",
    "tls.handshake.certificates_length", "tls.handshake.certificate_length", "tls.app_data_proto"};

std::string field_args(const std::vector<std::string>& fields) {
  std::string a = " -T fields -E occurrence=a";
  for (auto& f : fields) a += " -e " + f;
  return a;
}

// Compares both tools' -T fields output line by line (one line per frame),
// only lines whose tshark text contains `only` when it is given, only frames
// matching `display_filter` when it is given.
void expect_same_fields(const std::string& file, const std::vector<std::string>& fields,
                        const std::string& only = "", const std::string& display_filter = "") {
  SCOPED_TRACE(file);
  std::string filter = display_filter.empty() ? "" : " -Y '" + display_filter + "'";
  auto theirs = st::run("tshark -n -r '" + file + "'" + filter + field_args(fields));
  auto ours = st::run("'" + st::strato_bin() + "' read -r '" + file + "'" + filter + field_args(fields));
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  auto t = st::split_lines(theirs.out), o = st::split_lines(ours.out);
  ASSERT_EQ(o.size(), t.size());
  int shown = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (o[i] == t[i] || (!only.empty() && t[i].find(only) == std::string::npos)) continue;
    ADD_FAILURE() << "frame line " << i + 1 << "\n  fields: " << field_args(fields) << "\n  tshark: " << t[i]
                  << "\n  strato: " << o[i];
    if (++shown == 5) break;
  }
}

// Summary lines (Info column included) of the frames tshark gives to `proto_col_prefix`.
void expect_same_summary(const std::string& file, const std::string& proto_col_prefix) {
  SCOPED_TRACE(file);
  auto theirs = st::run("tshark -n -r '" + file + "' -T fields -e frame.number -e _ws.col.Protocol -e _ws.col.Info");
  auto ours = st::run("'" + st::strato_bin() + "' read -r '" + file + "'");
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  auto t = st::split_lines(theirs.out), o = st::split_lines(ours.out);
  ASSERT_EQ(o.size(), t.size());
  int checked = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    auto tab1 = t[i].find('\t'), tab2 = t[i].find('\t', tab1 + 1);
    std::string proto = t[i].substr(tab1 + 1, tab2 - tab1 - 1), info = t[i].substr(tab2 + 1);
    if (proto.rfind(proto_col_prefix, 0) != 0) continue;
    ++checked;
    // Summary line: "... <Protocol> <Length> <Info>"
    std::string want = " " + proto + " ";
    EXPECT_NE(o[i].find(want), std::string::npos) << "frame " << i + 1 << ": " << o[i];
    EXPECT_TRUE(o[i].size() >= info.size() && o[i].compare(o[i].size() - info.size(), info.size(), info) == 0)
        << "frame " << i + 1 << "\n  tshark info: " << info << "\n  strato line: " << o[i];
  }
  EXPECT_GT(checked, 0) << "no " << proto_col_prefix << " frames in " << file;
}

std::string recorded() {
  static std::string path = [] {
    if (!st::have_program("nginx") || !st::have_program("dnsmasq") || !st::have_program("dumpcap") ||
        !st::have_program("openssl") || !st::have_program("curl") || !st::have_program("dig"))
      return std::string();
    std::string p = st::temp_dir() + "/app-traffic.pcapng";
    auto r = st::run(st::source_dir() + "/tests/dissectors_app/record_app_traffic.sh " + p);
    return r.exit_code == 0 ? p : std::string();
  }();
  return path;
}

const char* kMixed = "captures/live/mixed-small.pcapng";

// DNS over TCP cut at every awkward place, mDNS and LLMNR (make_dns_pcap.py).
std::string generated_dns() {
  static std::string path = [] {
    std::string p = st::temp_dir() + "/dns-cases.pcap";
    auto r = st::run("python3 " + st::source_dir() + "/tests/dissectors_app/make_dns_pcap.py " + p);
    return r.exit_code == 0 ? p : std::string();
  }();
  return path;
}

}  // namespace

TEST(AppDissectors, DnsOverUdpMatchesTshark) {
  for (const char* f : {"captures/tcpdump-tests/dns_udp.pcap", "captures/tcpdump-tests/dns_udp_2.pcap",
                        "captures/tcpdump-tests/dnssec.pcap", "captures/tcpdump-tests/dns-uri.pcap",
                        "captures/tcpdump-tests/edns-opts.pcap"})
    expect_same_fields(st::shared_file(f), kDnsFields);
  expect_same_fields(st::shared_file(kMixed), kDnsFields, ":udp");
  expect_same_summary(st::shared_file(kMixed), "DNS");
  expect_same_summary(st::shared_file("captures/tcpdump-tests/dnssec.pcap"), "DNS");
}

// Needs the framework's malformed marking to match tshark: no "_ws.malformed"
// layer in frame.protocols and "[Malformed Packet]" appended without a space.
TEST(AppDissectors, DnsMalformedMatchesTshark) {
  expect_same_fields(st::shared_file("captures/tcpdump-tests/dns-badlabel.pcap"), kDnsFields);
  expect_same_summary(st::shared_file("captures/tcpdump-tests/dns-badlabel.pcap"), "DNS");
}

TEST(AppDissectors, DnsOverTcpMatchesTshark) {
  expect_same_fields(st::shared_file("captures/tcpdump-tests/dns_tcp.pcap"), kDnsFields);
  expect_same_summary(st::shared_file("captures/tcpdump-tests/dns_tcp.pcap"), "DNS");
}

TEST(AppDissectors, DnsOverTcpReassemblyMatchesTshark) {
  std::string f = generated_dns();
  ASSERT_FALSE(f.empty()) << "make_dns_pcap.py failed";
  expect_same_fields(f, kDnsTcpFields);
  expect_same_fields(f, kDnsFields);
  expect_same_summary(f, "DNS");
}

// Frames that only carry part of a message keep TCP's column and Info and
// say so; a segment after lost bytes ends the pending message and shows
// what follows after that note.
TEST(AppDissectors, DnsOverTcpSegmentInfoMatchesTshark) {
  std::string f = generated_dns();
  ASSERT_FALSE(f.empty()) << "make_dns_pcap.py failed";
  auto theirs = st::run("tshark -n -r '" + f + "' -Y 'tcp.port==53 && tcp.len>0' -T fields -e frame.number");
  auto ours = st::run("'" + st::strato_bin() + "' read -r '" + f + "'");
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  auto t_info = st::split_lines(st::run("tshark -n -r '" + f + "' -T fields -e _ws.col.Info").out);
  auto o = st::split_lines(ours.out);
  ASSERT_EQ(o.size(), t_info.size());
  int segments = 0;
  for (auto& n : st::split_lines(theirs.out)) {
    size_t i = std::stoul(n) - 1;
    const std::string& info = t_info[i];
    if (info.find("[TCP segment of a reassembled PDU]") != std::string::npos) ++segments;
    EXPECT_TRUE(o[i].size() >= info.size() && o[i].compare(o[i].size() - info.size(), info.size(), info) == 0)
        << "frame " << i + 1 << "\n  tshark info: " << info << "\n  strato line: " << o[i];
  }
  EXPECT_GE(segments, 10);
}

// Random bytes behind random length prefixes, cut at random: framing,
// columns and reassembly as tshark; with bytes lost now and then, no crash.
TEST(AppDissectors, DnsOverTcpGarbageFramedAsTshark) {
  const std::vector<std::string> framing = {"frame.number",  "frame.protocols", "_ws.col.Protocol", "dns.length",
                                            "dns.id",        "tcp.segment",     "tcp.reassembled.length",
                                            "tcp.pdu.size",  "tcp.segment_data"};
  std::string f = st::temp_dir() + "/dns-garbage.pcap", g = st::temp_dir() + "/dns-garbage-gaps.pcap";
  std::string gen = "python3 " + st::source_dir() + "/tests/dissectors_app/make_dns_pcap.py ";
  ASSERT_EQ(st::run(gen + f + " --garbage").exit_code, 0);
  ASSERT_EQ(st::run(gen + g + " --garbage-gaps").exit_code, 0);
  expect_same_fields(f, framing);
  auto r = st::run("'" + st::strato_bin() + "' read -r '" + g + "' -V >/dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(AppDissectors, MdnsAndLlmnrMatchTshark) {
  std::string f = generated_dns();
  ASSERT_FALSE(f.empty()) << "make_dns_pcap.py failed";
  expect_same_fields(f, kMdnsFields, ":udp:");
  expect_same_summary(f, "MDNS");
  expect_same_summary(f, "LLMNR");
}

TEST(AppDissectors, HttpMatchesTshark) {
  expect_same_fields(st::shared_file(kMixed), kHttpFields);
  expect_same_summary(st::shared_file(kMixed), "HTTP");
  expect_same_fields(st::shared_file("captures/tcpdump-tests/ipv4_tcp_http_xml.pcap"), kHttpFields);
}

// The subtrees of -V output whose first line starts with `title`, one per
// protocol item (message, record).
std::vector<std::string> subtrees(const std::string& detail, const std::string& title) {
  std::vector<std::string> trees;
  bool in = false;
  for (const std::string& l : st::split_lines(detail)) {
    if (l.starts_with(title)) {
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

void expect_same_trees(const std::string& file, const std::string& title) {
  SCOPED_TRACE(file);
  auto theirs = subtrees(st::run("tshark -n -r '" + file + "' -V").out, title);
  auto ours_r = st::run("'" + st::strato_bin() + "' read -n -r '" + file + "' -V");
  ASSERT_EQ(ours_r.exit_code, 0) << ours_r.err;
  auto ours = subtrees(ours_r.out, title);
  ASSERT_EQ(ours.size(), theirs.size());
  ASSERT_GT(theirs.size(), 0u);
  for (size_t i = 0; i < theirs.size(); ++i) EXPECT_EQ(ours[i], theirs[i]) << title << " tree " << i;
}

void expect_same_http_trees(const std::string& file) { expect_same_trees(file, "Hypertext Transfer Protocol"); }

// -V: request/response lines with their expert info, header items labelled
// with the raw line, the pairing items in tshark's order and labels.
TEST(AppDissectors, HttpDetailTreeMatchesTshark) {
  expect_same_http_trees(st::shared_file(kMixed));
  expect_same_http_trees(st::shared_file("captures/tcpdump-tests/ipv4_tcp_http_xml.pcap"));
  const std::string odd = st::temp_dir() + "/odd-strings-app.pcap";
  ASSERT_EQ(st::run("python3 " + st::source_dir() + "/tests/sinks/odd_strings.py " + odd).exit_code, 0);
  expect_same_http_trees(odd);
  std::string f = recorded();
  if (!f.empty()) expect_same_http_trees(f);
}

// -V: flags as tshark shows them per message kind (a query's AD bit only
// when set), durations after TTLs and SOA intervals, EDNS option bodies,
// RRSIG/SSHFP data, the note on types tshark cannot decode (URI) and long
// byte strings cut with an ellipsis.
TEST(AppDissectors, DnsDetailTreeMatchesTshark) {
  for (const char* f :
       {"captures/tcpdump-tests/dns_udp.pcap", "captures/tcpdump-tests/dns_udp_2.pcap",
        "captures/tcpdump-tests/dns_tcp.pcap", "captures/tcpdump-tests/dnssec.pcap",
        "captures/tcpdump-tests/edns-opts.pcap", "captures/tcpdump-tests/dns-uri.pcap",
        "captures/tcpdump-tests/dns_udp_8053.pcap", "captures/tcpdump-tests/dns-badlabel.pcap", kMixed})
    expect_same_trees(st::shared_file(f), "Domain Name System");
  // DNS over TCP cut everywhere, mDNS and LLMNR; PTR labels without "domain name".
  std::string g = generated_dns();
  ASSERT_FALSE(g.empty()) << "make_dns_pcap.py failed";
  expect_same_trees(g, "Domain Name System");
  expect_same_trees(g, "Multicast Domain Name System");
  expect_same_trees(g, "Link-local Multicast Name Resolution");
}

// -V TLS trees as tshark's (hello extensions, JA3/JA3S, key exchange
// params, session ticket, encrypted messages, application data named after
// the ALPN protocol), except the X.509 tree under each Certificate item,
// which strato does not decode yet: those tshark lines are dropped before
// comparing.
void expect_same_tls_trees(const std::string& file) {
  SCOPED_TRACE(file);
  const std::string title = "Transport Layer Security";
  auto theirs = subtrees(st::run("tshark -n -r '" + file + "' -V").out, title);
  auto ours_r = st::run("'" + st::strato_bin() + "' read -n -r '" + file + "' -V");
  ASSERT_EQ(ours_r.exit_code, 0) << ours_r.err;
  auto ours = subtrees(ours_r.out, title);
  ASSERT_EQ(ours.size(), theirs.size());
  ASSERT_GT(theirs.size(), 0u);
  for (size_t i = 0; i < theirs.size(); ++i) {
    std::vector<std::string> t;
    size_t cert_indent = std::string::npos;
    for (const std::string& l : st::split_lines(theirs[i])) {
      size_t indent = l.find_first_not_of(' ');
      if (cert_indent != std::string::npos && indent > cert_indent) continue;
      cert_indent = l.compare(indent, 13, "Certificate: ") == 0 ? indent : std::string::npos;
      t.push_back(l);
    }
    auto o = st::split_lines(ours[i]);
    size_t n = std::min(o.size(), t.size()), k = 0;
    while (k < n && o[k] == t[k]) ++k;
    if (k < n || o.size() != t.size())
      ADD_FAILURE() << "TLS tree " << i << " line " << k + 1 << "\n  tshark: " << (k < t.size() ? t[k] : "(end)")
                    << "\n  strato: " << (k < o.size() ? o[k] : "(end)");
  }
}

TEST(AppDissectors, TlsDetailTreeMatchesTshark) {
  expect_same_tls_trees(st::shared_file(kMixed));
  std::string f = recorded();
  if (!f.empty()) expect_same_tls_trees(f);
  // The parts that must be there (so the comparison cannot pass on empty trees).
  auto r = st::run("'" + st::strato_bin() + "' read -n -r '" + st::shared_file(kMixed) + "' -V");
  for (const char* must :
       {"            Cipher Suites (31 suites)", "                Signature Hash Algorithms (20 algorithms)",
        "                        Signature Hash Algorithm Signature: SM2 (4)",
        "                    Signature Algorithm: SHA224 ECDSA (0x0303)", "                Supported Groups (10 groups)",
        "                    Key Share Entry: Group: x25519, Key Exchange length: 32",
        "                Server Name Indication extension", "            [JA3 Fullstring [truncated]: 771,",
        "            [JA3: 78f0dc5ac5b19daf131a133cfdee9691]", "            [JA3S: 6aea764ee67f71caf3dc723118906199]",
        "            Certificates (788 bytes)",
        " (id-at-commonName=strato.test)\n", "            EC Diffie-Hellman Server Params",
        "        Alert Message: Encrypted Alert", "        Handshake Protocol: Encrypted Handshake Message",
        "Application Data Protocol: Hypertext Transfer Protocol\n"})
    EXPECT_NE(r.out.find(must), std::string::npos) << must;
}

TEST(AppDissectors, TlsMatchesTshark) {
  expect_same_fields(st::shared_file(kMixed), kTlsFields);
  expect_same_fields(st::shared_file(kMixed), kTlsDetailFields);
  expect_same_summary(st::shared_file(kMixed), "TLS");
}

TEST(AppDissectors, RecordedTrafficMatchesTshark) {
  std::string f = recorded();
  if (f.empty()) GTEST_SKIP() << "nginx/dnsmasq/openssl/dumpcap not available to record traffic";
  expect_same_fields(f, kDnsFields);
  expect_same_fields(f, kDnsTcpFields, "", "tcp.port == 53");
  expect_same_fields(f, kHttpFields);
  expect_same_fields(f, kTlsFields);
  expect_same_fields(f, kTlsDetailFields);
  expect_same_summary(f, "DNS");
  expect_same_summary(f, "HTTP");
  expect_same_summary(f, "TLS");
}

TEST(AppDissectors, FuzzedCapturesDoNotCrash) {
  std::string fields = field_args({"dns.qry.name", "dns.a", "http.request.uri", "http.file_data",
                                   "tls.handshake.type", "tls.handshake.extensions_server_name"});
  for (auto& f : st::shared_files("captures/tcpdump-tests")) {
    if (!f.ends_with(".pcap") && !f.ends_with(".pcapng")) continue;
    auto r = st::run("'" + st::strato_bin() + "' read -r '" + f + "'" + fields + " >/dev/null");
    EXPECT_LT(r.exit_code, 128) << f << " killed by signal: " << r.err;
  }
}
