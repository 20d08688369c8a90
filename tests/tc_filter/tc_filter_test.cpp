// The kernel pcap filter (sources/ebpf/tc_filter.cpp) against libpcap itself: for many filters
// and every packet of real Ethernet captures, the loaded eBPF program's verdict (run with
// BPF_PROG_TEST_RUN) must equal pcap_offline_filter's. Loading programs needs root (CI runs as
// root); elsewhere the kernel tests skip, saying why.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#ifndef STRATO_NO_LIBBPF
// libpcap and linux/bpf.h both name a struct bpf_insn; the classic one is renamed here.
#define bpf_insn cbpf_insn
#include <pcap/pcap.h>
#undef bpf_insn

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "strato/error.h"
#include "tc_filter.h"
#include "test_support.h"

namespace {

using strato::ebpf::load_tc_filter;
using strato::ebpf::load_tc_filter_verdict;

constexpr uint32_t kSnaplen = 262144;

std::string skip_reason() {
  if (geteuid() != 0) return "not root: loading BPF programs needs root or CAP_BPF+CAP_NET_ADMIN";
  return "";
}

#define SKIP_WITHOUT_ROOT()                                                            \
  do {                                                                                 \
    std::string why = skip_reason();                                                   \
    if (!why.empty()) {                                                                \
      std::fprintf(stderr, "\n*** SKIPPING kernel pcap filter test: %s ***\n\n", why.c_str()); \
      GTEST_SKIP() << why;                                                             \
    }                                                                                  \
  } while (0)

struct Packet {
  std::string file;
  size_t index;  // 1-based, as tshark and tcpdump number frames
  std::vector<u_char> bytes;
};

// Every packet of an Ethernet capture; nothing for other link types.
std::vector<Packet> read_capture(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  if (!p) return {};
  std::vector<Packet> out;
  if (pcap_datalink(p) == DLT_EN10MB) {
    pcap_pkthdr* h;
    const u_char* data;
    size_t n = 0;
    std::string name = path.substr(path.rfind('/') + 1);
    while (pcap_next_ex(p, &h, &data) == 1) out.push_back({name, ++n, std::vector<u_char>(data, data + h->caplen)});
  }
  pcap_close(p);
  return out;
}

// Captures the filters below were chosen for (all Ethernet): loopback HTTP/DNS/TLS/RST/ICMP,
// VLAN and QinQ, IPv6 with extension headers, fragments, tunnels, ARP, STP, IPX, PPPoE, an
// HTTP GET on port 80, and malformed headers. The comparison runs on these and on every other
// Ethernet capture in tcpdump-tests.
const std::vector<std::string> kCaptures = {
    "captures/live/mixed-small.pcapng",
    "captures/tcpdump-tests/802.1ad_QinQ.pcap",
    "captures/tcpdump-tests/rpvstp-trunk-native-vid5.pcap",
    "captures/tcpdump-tests/ipv4_tcp_http_xml.pcap",
    "captures/tcpdump-tests/accecn_handshake.pcap",
    "captures/tcpdump-tests/dns_udp.pcap",
    "captures/tcpdump-tests/dns_tcp.pcap",
    "captures/tcpdump-tests/icmpv6.pcap",
    "captures/tcpdump-tests/ipv6-routing-header.pcap",
    "captures/tcpdump-tests/ip6_frag_asan.pcap",
    "captures/tcpdump-tests/tcp_rst_data.pcap",
    "captures/tcpdump-tests/vxlan.pcap",
    "captures/tcpdump-tests/geneve.pcap",
    "captures/tcpdump-tests/ssh.pcap",
    "captures/tcpdump-tests/mptcp-v0.pcap",
    "captures/tcpdump-tests/pim-packet-assortment.pcap",
    "captures/tcpdump-tests/arp-oobr.pcap",
    "captures/tcpdump-tests/802.1D_spanning_tree.pcap",
    "captures/tcpdump-tests/ipx.pcap",
    "captures/tcpdump-tests/pppoe.pcap",
    "captures/tcpdump-tests/ntp.pcap",
    "captures/tcpdump-tests/ipv4_invalid_hdr_length.pcap",
    "captures/tcpdump-tests/mpls-over-udp.pcap",
    "captures/tcpdump-tests/IGMP_V2.pcap",
};

// Filters covering every classic instruction libpcap emits: packet loads (ABS, IND, MSH),
// LEN, scratch memory (protochain), ALU with constants and with X (including division by a
// zero X and shifts by 32 or more, which classic BPF defines), and all jump kinds.
const std::vector<std::string> kFilters = {
    "",
    "tcp",
    "udp",
    "icmp",
    "ip6",
    "arp",
    "not arp",
    "vlan",
    "vlan and ip",
    "vlan 5",
    "vlan and vlan",
    "mpls",
    "pppoed or pppoes",
    "stp",
    "ipx",
    "udp port 53",
    "tcp port 80",
    "port 22 or port 123",
    "host 127.0.0.1",
    "net 10.0.0.0/8",
    "src net 192.168.0.0/16 or dst net 172.16.0.0/12",
    "ip6 net fe80::/10",
    "ether host 00:00:00:00:00:00",
    "ether broadcast",
    "ether multicast",
    "ip multicast",
    "ether proto 0x88cc",
    "len > 100",
    "len <= 60",
    "greater 200",
    "portrange 1-1023",
    "tcp portrange 8000-9000",
    "tcp[tcpflags] & tcp-rst != 0",
    "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
    "tcp port 80 and (tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420)",
    "icmp[icmptype] = icmp-echo or icmp[icmptype] = icmp-echoreply",
    "icmp6 and ip6[40] = 128",
    "ip6 and tcp",
    "ip6 protochain 17",
    "ip protochain 6",
    "ip proto 47",
    "ip[6:2] & 0x1fff != 0",
    "ip[2:2] / 4 > 100",
    "ip[2:2] % 7 = 3",
    "ip[2:2] / ip[1] > 2",
    "ip[2:2] % ip[1] = 0",
    "ip[2:2] >> ip[1] = 0",
    "tcp[0:2] << (tcp[13] & 0x3f) > 1000",
    "ip[8] ^ 0xff < 200",
    "(ip[0] & 0xf) * 4 - 20 > 0",
    "ip[2:2] - len < 0",
    "udp[8:4] = 0x08000000",
    "ether[len - 4:4] != 0",
    "ip[4000:2] = 0",
    "tcp[1000] = 0 or not tcp",
    "geneve",
    "udp and ip[8] > 63 and ip[8] <= 128",
};

// Runs the program on `data` as a tc ingress packet; false when the kernel refuses the run.
bool test_run(int fd, const std::vector<u_char>& data, int32_t* verdict, int* err) {
  LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data.data(), .data_size_in = uint32_t(data.size()),
              .repeat = 1);
  int rc = bpf_prog_test_run_opts(fd, &opts);
  *err = rc;
  *verdict = int32_t(opts.retval);
  return rc == 0;
}

// BPF_PROG_TEST_RUN refuses packets without a whole Ethernet header, larger than about a page,
// or whose IPv4/IPv6 header is cut short; those can only be filtered on a live interface.
bool kernel_can_test(const std::vector<u_char>& b) {
  if (b.size() < 14 || b.size() > 3000) return false;
  unsigned type = b[12] << 8 | b[13];
  if (type == 0x0800 && b.size() < 14 + 20) return false;
  if (type == 0x86dd && b.size() < 14 + 40) return false;
  return true;
}

// One libpcap oracle program per filter, compiled for Ethernet like the kernel one.
struct Oracle {
  explicit Oracle(const std::string& expr) {
    dead = pcap_open_dead(DLT_EN10MB, kSnaplen);
    ok = pcap_compile(dead, &prog, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
  }
  ~Oracle() {
    if (ok) pcap_freecode(&prog);
    pcap_close(dead);
  }
  // The test run's skb is exactly the captured bytes, so its length is caplen.
  bool match(const std::vector<u_char>& data) const {
    pcap_pkthdr h{};
    h.caplen = h.len = uint32_t(data.size());
    return pcap_offline_filter(&prog, &h, data.data()) != 0;
  }
  pcap_t* dead;
  bpf_program prog{};
  bool ok = false;
};

std::vector<Packet> all_packets() {
  std::vector<Packet> all = read_capture(strato::test::shared_file("captures/live/mixed-small.pcapng"));
  size_t files = 0;
  for (const auto& path : strato::test::shared_files("captures/tcpdump-tests", ".pcap")) {
    auto pk = read_capture(path);
    files += !pk.empty();
    all.insert(all.end(), pk.begin(), pk.end());
  }
  EXPECT_GT(files, 250u) << "Ethernet captures in tcpdump-tests";
  return all;
}

TEST(TcFilter, NamedCapturesAreEthernet) {
  for (const auto& c : kCaptures) EXPECT_FALSE(read_capture(strato::test::shared_file(c)).empty()) << c;
}

TEST(TcFilter, VerdictEqualsLibpcapOnRealCaptures) {
  SKIP_WITHOUT_ROOT();
  auto packets = all_packets();
  ASSERT_GT(packets.size(), 5000u);
  size_t compared = 0, left_out = 0;
  for (const auto& expr : kFilters) {
    SCOPED_TRACE("filter '" + expr + "'");
    Oracle oracle(expr);
    ASSERT_TRUE(oracle.ok) << pcap_geterr(oracle.dead);
    int fd = -1;
    try {
      fd = load_tc_filter_verdict(expr, DLT_EN10MB, kSnaplen);
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      continue;
    }
    size_t matched = 0, mismatches = 0;
    for (const auto& p : packets) {
      if (!kernel_can_test(p.bytes)) {
        ++left_out;
        continue;
      }
      int32_t verdict;
      int err;
      if (!test_run(fd, p.bytes, &verdict, &err)) {
        ADD_FAILURE() << p.file << " #" << p.index << ": test run failed (" << err << ")";
        continue;
      }
      bool want = oracle.match(p.bytes);
      ++compared;
      matched += want;
      if ((verdict == 1) != want || (verdict != 0 && verdict != 1)) {
        if (++mismatches <= 5)
          ADD_FAILURE() << p.file << " #" << p.index << " (" << p.bytes.size() << " bytes): kernel says " << verdict
                        << ", libpcap says " << want;
      }
    }
    EXPECT_EQ(mismatches, 0u);
    std::printf("  %-70s %5zu matched\n", ("'" + expr + "'").c_str(), matched);
    close(fd);
  }
  std::printf("compared %zu verdicts (%zu left out: packets BPF_PROG_TEST_RUN refuses)\n", compared, left_out);
  EXPECT_LT(left_out, compared / 50);
}

// Filters that match nothing or everything would hide a broken comparison.
TEST(TcFilter, FiltersUnderTestDiscriminate) {
  auto packets = all_packets();
  for (const char* expr : {"tcp", "udp port 53", "vlan", "ip6", "arp", "len > 100",
                           "tcp port 80 and (tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420)",
                           "tcp[tcpflags] & tcp-rst != 0", "icmp[icmptype] = icmp-echo or icmp[icmptype] = icmp-echoreply",
                           "ip[2:2] / ip[1] > 2", "ip6 protochain 17"}) {
    Oracle oracle(expr);
    ASSERT_TRUE(oracle.ok) << expr;
    size_t m = 0;
    for (const auto& p : packets) m += oracle.match(p.bytes);
    EXPECT_GT(m, 0u) << expr;
    EXPECT_LT(m, packets.size()) << expr;
  }
}

TEST(TcFilter, BadFilterIsOneLineUsageError) {
  // libpcap's parser runs before anything touches the kernel: no root needed.
  for (const std::string expr : {"tcp and", "port 99999", "ip[2:2] << 40 = 0", "foo bar"}) {
    try {
      int fd = load_tc_filter_verdict(expr, DLT_EN10MB, kSnaplen);
      close(fd);
      ADD_FAILURE() << "'" << expr << "' was accepted";
    } catch (const strato::Error& e) {
      std::string msg = e.what();
      EXPECT_EQ(e.kind(), strato::Error::Kind::Usage) << msg;
      EXPECT_EQ(msg.rfind("capture: -f '" + expr + "': ", 0), 0u) << msg;
      EXPECT_GT(msg.size(), ("capture: -f '" + expr + "': ").size()) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
  }
}

TEST(TcFilter, LoadFailureNamesTheCauseAndTheVerifier) {
  SKIP_WITHOUT_ROOT();
  // Not a map: the kernel refuses the program at the tail call's map reference.
  try {
    int fd = load_tc_filter("tcp", DLT_EN10MB, kSnaplen, 0);
    close(fd);
    FAIL() << "loaded with fd 0 as the prog array";
  } catch (const strato::Error& e) {
    std::string msg = e.what();
    EXPECT_EQ(e.kind(), strato::Error::Kind::Input) << msg;
    EXPECT_EQ(msg.rfind("capture: -f 'tcp': the kernel refused the filter program (", 0), 0u) << msg;
    EXPECT_NE(msg.find("; verifier: "), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// A tc program that only returns `action`: the capture program's stand-in.
int load_marker(int32_t action) {
  bpf_insn prog[2] = {};
  prog[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
  prog[0].dst_reg = BPF_REG_0;
  prog[0].imm = action;
  prog[1].code = BPF_JMP | BPF_EXIT;
  return bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "strato_marker", "GPL", prog, 2, nullptr);
}

const Packet* first(const std::vector<Packet>& packets, const std::string& expr, bool want) {
  Oracle o(expr);
  for (const auto& p : packets)
    if (kernel_can_test(p.bytes) && o.match(p.bytes) == want) return &p;
  return nullptr;
}

TEST(TcFilter, TailCallReachesCaptureProgramOnlyOnMatch) {
  SKIP_WITHOUT_ROOT();
  auto packets = read_capture(strato::test::shared_file("captures/live/mixed-small.pcapng"));
  const Packet* tcp = first(packets, "tcp", true);
  const Packet* other = first(packets, "tcp", false);
  ASSERT_TRUE(tcp && other);

  Fd array(bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "strato_tcf_test", 4, 4, 1, nullptr));
  ASSERT_GE(array.get(), 0) << std::strerror(errno);
  Fd filter(load_tc_filter("tcp", DLT_EN10MB, kSnaplen, array.get()));
  ASSERT_GE(filter.get(), 0);

  int32_t verdict;
  int err;
  // Slot 0 still empty: the tail call fails and the packet goes on untouched.
  ASSERT_TRUE(test_run(filter.get(), tcp->bytes, &verdict, &err)) << err;
  EXPECT_EQ(verdict, TC_ACT_UNSPEC);

  Fd marker(load_marker(TC_ACT_PIPE));
  ASSERT_GE(marker.get(), 0) << std::strerror(errno);
  uint32_t slot = 0;
  int mfd = marker.get();
  ASSERT_EQ(bpf_map_update_elem(array.get(), &slot, &mfd, BPF_ANY), 0) << std::strerror(errno);

  ASSERT_TRUE(test_run(filter.get(), tcp->bytes, &verdict, &err)) << err;
  EXPECT_EQ(verdict, TC_ACT_PIPE) << "a matching packet must reach the capture program";
  ASSERT_TRUE(test_run(filter.get(), other->bytes, &verdict, &err)) << err;
  EXPECT_EQ(verdict, TC_ACT_UNSPEC) << "a packet that does not match must pass on untouched";

  // An out-of-range load is "no match" in the tail-call variant too.
  Fd far(load_tc_filter("ip[4000:2] = 0", DLT_EN10MB, kSnaplen, array.get()));
  ASSERT_TRUE(test_run(far.get(), tcp->bytes, &verdict, &err)) << err;
  EXPECT_EQ(verdict, TC_ACT_UNSPEC);
}

// Ethernet + IPv6 + `n` destination-options headers + UDP: protochain walks them in a loop.
std::vector<u_char> ipv6_with_options(int n) {
  std::vector<u_char> b = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd};
  uint16_t payload = uint16_t(n * 8 + 8);
  std::vector<u_char> ip6 = {0x60, 0, 0, 0, u_char(payload >> 8), u_char(payload), u_char(n ? 60 : 17), 64};
  b.insert(b.end(), ip6.begin(), ip6.end());
  for (int i = 0; i < 32; ++i) b.push_back(i < 16 ? (i == 15 ? 1 : 0) : (i == 31 ? 2 : 0));  // ::1 → ::2
  for (int i = 0; i < n; ++i) {
    std::vector<u_char> opt = {u_char(i + 1 < n ? 60 : 17), 0, 1, 4, 0, 0, 0, 0};  // PadN to 8 bytes
    b.insert(b.end(), opt.begin(), opt.end());
  }
  std::vector<u_char> udp = {0x30, 0x39, 0, 53, 0, 8, 0, 0};
  b.insert(b.end(), udp.begin(), udp.end());
  return b;
}

TEST(TcFilter, ProtochainLoopIsBounded) {
  SKIP_WITHOUT_ROOT();
  const std::string expr = "ip6 protochain 17";
  Oracle oracle(expr);
  Fd fd(load_tc_filter_verdict(expr, DLT_EN10MB, kSnaplen));
  int32_t verdict;
  int err;
  for (int n : {0, 1, 3, 10, 40, 60}) {
    auto pkt = ipv6_with_options(n);
    ASSERT_TRUE(oracle.match(pkt)) << n;
    ASSERT_TRUE(test_run(fd.get(), pkt, &verdict, &err)) << err;
    EXPECT_EQ(verdict, 1) << n << " extension headers";
  }
  // Past 64 headers the kernel gives up: the verifier needs a bound, and no real packet has that many.
  auto pkt = ipv6_with_options(70);
  ASSERT_TRUE(oracle.match(pkt));
  ASSERT_TRUE(test_run(fd.get(), pkt, &verdict, &err)) << err;
  EXPECT_EQ(verdict, 0);
  // A chain cut short by the end of the packet is no match for both.
  pkt = ipv6_with_options(10);
  pkt.resize(14 + 40 + 5 * 8 + 1);
  EXPECT_FALSE(oracle.match(pkt));
  ASSERT_TRUE(test_run(fd.get(), pkt, &verdict, &err)) << err;
  EXPECT_EQ(verdict, 0);
}

// A capture-everything filter and a huge one both load (the longest jumps stay in range).
TEST(TcFilter, LargeFiltersLoad) {
  SKIP_WITHOUT_ROOT();
  std::string big = "port 1";
  for (int p = 2; p <= 200; ++p) big += " or port " + std::to_string(p);
  for (const std::string& expr : {std::string(""), big}) {
    int fd = load_tc_filter_verdict(expr, DLT_EN10MB, kSnaplen);
    EXPECT_GE(fd, 0);
    close(fd);
  }
}

}  // namespace

#else
TEST(TcFilter, NeedsLibbpf) {
  std::fprintf(stderr, "\n*** SKIPPING kernel pcap filter tests: libbpf was not found at build time ***\n\n");
  GTEST_SKIP() << "libbpf was not found at build time";
}
#endif
