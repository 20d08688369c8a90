#include <gtest/gtest.h>

#include <pcap/pcap.h>

#include <map>
#include <set>
#include <vector>

#include "strato/flow_hash.h"
#include "test_support.h"

namespace st = strato::test;

// Both directions of a flow must land on one shard, or per-flow state
// (tcp analysis, DNS/HTTP pairing) would differ between thread counts.
TEST(FlowHash, BothDirectionsOfEveryTcpFlowHashAlike) {
  std::string f = st::shared_file("captures/live/mixed-small.pcapng");
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(f.c_str(), err);
  ASSERT_TRUE(p) << err;
  std::map<std::pair<uint16_t, uint16_t>, std::set<uint64_t>> by_ports;
  pcap_pkthdr* h;
  const u_char* data;
  while (pcap_next_ex(p, &h, &data) == 1) {
    if (h->caplen < 14 + 20 + 4 || data[12] != 8 || data[13] != 0) continue;
    const u_char* ip = data + 14;
    if (ip[9] != 6 && ip[9] != 17) continue;
    const u_char* l4 = ip + (ip[0] & 15) * 4;
    uint16_t a = l4[0] << 8 | l4[1], b = l4[2] << 8 | l4[3];
    by_ports[{std::min(a, b), std::max(a, b)}].insert(strato::flow_hash(1, data, h->caplen));
  }
  pcap_close(p);
  ASSERT_GT(by_ports.size(), 3u);
  std::set<uint64_t> distinct;
  for (auto& [ports, hashes] : by_ports) {
    EXPECT_EQ(hashes.size(), 1u) << "ports " << ports.first << "/" << ports.second;
    distinct.insert(*hashes.begin());
  }
  EXPECT_GT(distinct.size(), by_ports.size() / 2) << "flows should spread over shards";
}

TEST(FlowHash, TruncatedHeadersAreSafe) {
  uint8_t buf[64] = {0};
  buf[12] = 0x08;
  buf[14] = 0x45;
  for (uint32_t len = 0; len < sizeof buf; ++len) {
    (void)strato::flow_hash(1, buf, len);
    (void)strato::flow_hash(113, buf, len);
    (void)strato::flow_hash(276, buf, len);
    (void)strato::flow_hash(0, buf, len);
    (void)strato::flow_hash(101, buf, len);
  }
  SUCCEED();
}

// An ICMP error quoting a UDP datagram hashes like that datagram's flow, so
// the quoted header is dissected where the flow's state (udp.stream) lives.
TEST(FlowHash, IcmpErrorHashesLikeTheFlowItQuotes) {
  const uint8_t udp[] = {0x45, 0, 0, 30, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                         0x9c, 0x40, 0x00, 0x35, 0, 10, 0, 0, 'h', 'i'};
  std::vector<uint8_t> icmp = {0x45, 0, 0, 58, 0, 2, 0, 0, 64, 1, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1,
                               3, 3, 0, 0, 0, 0, 0, 0};
  icmp.insert(icmp.end(), udp, udp + sizeof udp);
  uint64_t flow = strato::flow_hash(101, udp, sizeof udp);
  EXPECT_EQ(strato::flow_hash(101, icmp.data(), uint32_t(icmp.size())), flow);
  icmp[20] = 8;  // an echo request is its own flow
  EXPECT_NE(strato::flow_hash(101, icmp.data(), uint32_t(icmp.size())), flow);
}
