// The stats sink in-process on hand-made events: conversation direction and
// order, byte units, nested (ICMP-error) layers, protocol hierarchy paths.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "strato/error.h"
#include "strato/field.h"
#include "strato/plugin_manager.h"
#include "strato/sink.h"
#include "test_support.h"

using namespace strato;

namespace {

FieldId id(const char* abbrev) {
  FieldId f = FieldRegistry::instance().find(abbrev);
  EXPECT_NE(f, kNoField) << abbrev << " is not registered";
  return f;
}

int push(Event& ev, FieldId f, int parent, uint64_t v = 0) {
  FieldValue fv;
  fv.id = f;
  fv.parent = parent;
  fv.v.u = v;
  ev.dissection.fields.push_back(fv);
  return static_cast<int>(ev.dissection.fields.size() - 1);
}

// An IPv4 (+ TCP when ports are given) frame; returns the event.
Event& tcp_frame(Batch& b, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t len, double t) {
  static const uint8_t zero[1] = {0};
  Event& ev = b.append(zero, 1);
  ev.orig_len = len;
  ev.rel_ns = static_cast<uint64_t>(t * 1e9);
  int ip = push(ev, id("ip"), -1);
  push(ev, id("ip.src"), ip, src);
  push(ev, id("ip.dst"), ip, dst);
  if (sport || dport) {
    int tcp = push(ev, id("tcp"), -1);
    push(ev, id("tcp.srcport"), tcp, sport);
    push(ev, id("tcp.dstport"), tcp, dport);
  }
  return ev;
}

std::string run_stats(const std::vector<std::string>& z, Batch& b) {
  test::load_plugins();
  std::multimap<std::string, std::string> opts;
  for (auto& a : z) opts.emplace("z", a);
  auto sink = PluginManager::instance().make_sink("stats", opts);
  FILE* f = tmpfile();
  SinkContext ctx;
  ctx.out = f;
  sink->start(ctx);
  b.seal();
  sink->write(b, "");
  sink->finish();
  std::string out;
  rewind(f);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  fclose(f);
  return out;
}

constexpr uint32_t kA = 0x0a000001, kB = 0x0a000002, kC = 0xc0a80001;

}  // namespace

TEST(StatsUnit, ConversationSidesOrderAndUnits) {
  test::load_plugins();
  Batch b;
  tcp_frame(b, kA, kB, 1000, 80, 100, 0.5);      // A -> B opens the first conversation
  tcp_frame(b, kB, kA, 80, 1000, 20000, 2.0);    // B -> A: "<-" side, 20 kB
  for (int i = 0; i < 3; ++i) tcp_frame(b, kC, kB, 2000, 443, 60, 3.0 + i);
  std::string out = run_stats({"conv,tcp"}, b);
  // tshark: most frames first; "->" is A to B, where A sent the first frame.
  std::string first = "192.168.0.1:2000           <-> 10.0.0.2:443                     0 0 bytes         3 180 bytes       3 180 bytes     3.000000000         2.0000\n";
  std::string second = "10.0.0.1:1000              <-> 10.0.0.2:80                      1 20 kB           1 100 bytes       2 20 kB         0.500000000         1.5000\n";
  size_t p1 = out.find(first), p2 = out.find(second);
  ASSERT_NE(p1, std::string::npos) << out;
  ASSERT_NE(p2, std::string::npos) << out;
  EXPECT_LT(p1, p2);
}

TEST(StatsUnit, EndpointsCountBothDirections) {
  test::load_plugins();
  Batch b;
  tcp_frame(b, kA, kB, 0, 0, 100, 0);
  tcp_frame(b, kB, kA, 0, 0, 50, 1);
  tcp_frame(b, kA, kA, 0, 0, 10, 2);  // to itself: sent and received
  std::string out = run_stats({"endpoints,ip"}, b);
  EXPECT_NE(out.find("10.0.0.1                       4           170          2             110           2              60   \n"),
            std::string::npos) << out;
  EXPECT_NE(out.find("10.0.0.2                       2           150          1              50           1             100   \n"),
            std::string::npos) << out;
}

TEST(StatsUnit, LayersInsideAnIcmpErrorAreNotCounted) {
  test::load_plugins();
  FieldId icmp = FieldRegistry::instance().find("icmp");
  if (icmp == kNoField) icmp = FieldRegistry::instance().add_protocol("icmp", "Internet Control Message Protocol");
  Batch b;
  Event& ev = tcp_frame(b, kA, kB, 0, 0, 70, 0);
  int top = push(ev, icmp, -1);
  int inner = push(ev, id("ip"), top);  // the quoted datagram
  push(ev, id("ip.src"), inner, kB);
  push(ev, id("ip.dst"), inner, kC);
  std::string out = run_stats({"conv,ip"}, b);
  EXPECT_NE(out.find("10.0.0.1             <-> 10.0.0.2"), std::string::npos) << out;
  EXPECT_EQ(out.find("192.168.0.1"), std::string::npos) << out;
}

TEST(StatsUnit, ProtocolHierarchyFollowsTopLevelItems) {
  test::load_plugins();
  Batch b;
  Event& ev = tcp_frame(b, kA, kB, 53, 53, 120, 0);
  FieldId dns = id("dns");
  push(ev, dns, -1);
  push(ev, dns, -1);            // a second message in the same segment nests under the first
  push(ev, id("data"), 0);      // not top level: not a layer of the hierarchy
  tcp_frame(b, kA, kB, 0, 0, 30, 1);
  std::string out = run_stats({"io,phs"}, b);
  EXPECT_EQ(out,
            "\n===================================================================\n"
            "Protocol Hierarchy Statistics\n"
            "Filter: \n\n"
            "ip                                       frames:2 bytes:150\n"
            "  tcp                                    frames:1 bytes:120\n"
            "    dns                                  frames:1 bytes:120\n"
            "      dns                                frames:1 bytes:120\n"
            "===================================================================\n");
}

TEST(StatsUnit, UnknownArgumentNamesItAndTheSupportedOnes) {
  test::load_plugins();
  std::multimap<std::string, std::string> opts{{"z", "conv,bluetooth"}};
  try {
    PluginManager::instance().make_sink("stats", opts);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::Usage);
    std::string m = e.what();
    EXPECT_NE(m.find("\"conv,bluetooth\""), std::string::npos) << m;
    EXPECT_NE(m.find("conv,tcp"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}
