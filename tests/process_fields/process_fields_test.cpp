// Process metadata on packets and syscall events: the process dissector's
// proc.*/user.*/container.*/k8s.* fields, the syscall dissector's fd.cip/
// fd.sip/evt.buffer, display filters over both, and the text sink's `live`
// lines. Events are built in process; no privileges needed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>

#include "strato/display_filter.h"
#include "strato/dissector.h"
#include "strato/plugin_manager.h"
#include "strato/sink.h"
#include "strato/syscall_event.h"
#include "test_support.h"

namespace {

using namespace strato;

const uint8_t kLo[4] = {127, 0, 0, 1};
constexpr uint64_t kTs = 1700000000123456789ull;  // 2023-11-14 22:13:20.123456789 UTC

// Ethernet + IPv4 + TCP from 127.0.0.1:sport to 127.0.0.1:dport, no payload.
std::vector<uint8_t> tcp_packet(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack) {
  std::vector<uint8_t> p(14, 0);
  p[12] = 0x08;
  uint8_t ip[20] = {0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1};
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += uint32_t(ip[i] << 8 | ip[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  ip[10] = uint8_t(~sum >> 8), ip[11] = uint8_t(~sum);
  p.insert(p.end(), ip, ip + 20);
  uint8_t tcp[20] = {uint8_t(sport >> 8), uint8_t(sport), uint8_t(dport >> 8), uint8_t(dport),
                     uint8_t(seq >> 24), uint8_t(seq >> 16), uint8_t(seq >> 8), uint8_t(seq),
                     uint8_t(ack >> 24), uint8_t(ack >> 16), uint8_t(ack >> 8), uint8_t(ack),
                     0x50, flags, 0xff, 0xd7, 0, 0, 0, 0};
  p.insert(p.end(), tcp, tcp + 20);
  return p;
}

std::vector<uint8_t> connect_refused() {
  std::vector<uint8_t> out;
  scap::Encoder enc(out);
  enc.begin(3, kTs, 4242, scap::kConnectX, 4);
  enc.add_i64(-111);
  enc.add_tuple_inet(scap::kAfInet, kLo, 43110, kLo, 9);
  enc.add_i64(5);
  enc.add_sockaddr_inet(scap::kAfInet, kLo, 9);
  enc.finish();
  return out;
}

std::vector<uint8_t> accept_event() {
  const uint8_t peer[4] = {10, 0, 0, 7};
  std::vector<uint8_t> out;
  scap::Encoder enc(out);
  enc.begin(0, kTs, 80, scap::kAccept46X, 6);
  enc.add_i64(7);
  enc.add_tuple_inet(scap::kAfInet, peer, 51000, kLo, 8080);  // peer first, as accept's tuple is
  enc.add_u8(0), enc.add_u32(0), enc.add_u32(0), enc.add_u32(0);
  enc.finish();
  return out;
}

std::vector<uint8_t> io_event(uint16_t type, std::string_view data, int64_t fd) {
  std::vector<uint8_t> out;
  scap::Encoder enc(out);
  enc.begin(1, kTs, 81, type, 4);
  enc.add_i64(int64_t(data.size()));
  enc.add_bytes(data.data(), data.size());
  enc.add_i64(fd);
  enc.add_u32(uint32_t(data.size()));
  enc.finish();
  return out;
}

std::vector<uint8_t> recvfrom_event(std::string_view data) {
  const uint8_t peer[4] = {10, 0, 0, 9};
  std::vector<uint8_t> out;
  scap::Encoder enc(out);
  enc.begin(1, kTs, 82, scap::kRecvfromX, 5);
  enc.add_i64(int64_t(data.size()));
  enc.add_bytes(data.data(), data.size());
  enc.add_tuple_inet(scap::kAfInet, kLo, 53, peer, 40000);  // local -> remote
  enc.add_i64(3);
  enc.add_u32(512);
  enc.finish();
  return out;
}

std::unique_ptr<ProcessInfo> curl(std::string container = {}) {
  auto p = std::make_unique<ProcessInfo>();
  p->pid = 4242, p->tid = 4243, p->ppid = 1, p->uid = 1000;
  p->comm = "curl";
  p->exe = "/usr/bin/curl";
  p->args = "curl http://127.0.0.1:9/";
  p->user_name = "alice";
  p->cgroup_path = "/user.slice/user-1000.slice/session-2.scope";
  p->container_id = std::move(container);
  return p;
}

// A batch of dissected events, as the engine hands them to sinks.
struct Events {
  Batch batch;
  Shard shard{0};

  Event& add(const std::vector<uint8_t>& bytes, uint32_t link_type, std::unique_ptr<ProcessInfo> p = nullptr,
             std::string comment = {}) {
    Event& ev = batch.append(bytes.data(), uint32_t(bytes.size()));
    ev.orig_len = ev.cap_len;
    ev.link_type = link_type;
    ev.number = batch.count;
    ev.ts_ns = kTs;
    ev.process = std::move(p);
    ev.comment = std::move(comment);
    return ev;
  }
  void dissect() {
    batch.seal();
    for (size_t i = 0; i < batch.count; ++i) dissect_event(batch.events[i], shard);
  }
  Event& operator[](size_t i) { return batch.events[i]; }
};

const FieldValue* find(const Event& ev, const char* name) {
  FieldId id = FieldRegistry::instance().find(name);
  EXPECT_NE(id, kNoField) << name << " is not registered";
  for (auto& fv : ev.dissection.fields)
    if (fv.id == id) return &fv;
  return nullptr;
}
std::string text(const Event& ev, const char* name) {
  const FieldValue* fv = find(ev, name);
  return fv ? std::string(field_bytes(ev, *fv)) : "<absent>";
}
int64_t number(const Event& ev, const char* name) {
  const FieldValue* fv = find(ev, name);
  return fv ? fv->v.i : -12345;
}
int count(const Event& ev, const char* name) {
  FieldId id = FieldRegistry::instance().find(name);
  int n = 0;
  for (auto& fv : ev.dissection.fields) n += fv.id == id;
  return n;
}

bool matches(const char* filter, const Event& ev) { return DisplayFilter::compile(filter)->match(ev); }

std::string run_text_sink(Batch& batch, const std::multimap<std::string, std::string>& opts) {
  auto sink = PluginManager::instance().make_sink("text", opts);
  FILE* f = tmpfile();
  SinkContext ctx;
  ctx.out = f;
  sink->start(ctx);
  std::string out;
  sink->format(batch, out);
  sink->write(batch, out);
  sink->finish();
  fflush(f);
  rewind(f);
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  fclose(f);
  return s;
}

class ProcessFields : public ::testing::Test {
 protected:
  void SetUp() override {
    test::load_plugins();
    ASSERT_NE(FieldRegistry::instance().find("proc.name"), kNoField) << "process dissector plugin not loaded";
    ASSERT_NE(FieldRegistry::instance().find("evt.type"), kNoField) << "syscall dissector plugin not loaded";
  }
};

TEST_F(ProcessFields, PacketWithProcessGetsSysdigFields) {
  Events e;
  e.add(tcp_packet(9, 43110, 0x14, 0, 1), 1, curl());
  e.dissect();
  const Event& ev = e[0];
  EXPECT_EQ(text(ev, "proc.name"), "curl");
  EXPECT_EQ(number(ev, "proc.pid"), 4242);
  EXPECT_EQ(number(ev, "proc.ppid"), 1);
  EXPECT_EQ(number(ev, "thread.tid"), 4243);
  EXPECT_EQ(text(ev, "proc.cmdline"), "curl http://127.0.0.1:9/");
  EXPECT_EQ(text(ev, "proc.exe"), "/usr/bin/curl");
  EXPECT_EQ(number(ev, "user.uid"), 1000);
  EXPECT_EQ(text(ev, "user.name"), "alice");
  EXPECT_EQ(text(ev, "container.id"), "host");
  EXPECT_EQ(text(ev, "container.name"), "host");
  EXPECT_EQ(text(ev, "cgroup.path"), "/user.slice/user-1000.slice/session-2.scope");
  EXPECT_EQ(find(ev, "k8s.pod.name"), nullptr);
  EXPECT_EQ(find(ev, "k8s.ns.name"), nullptr);
  // The packet's own dissection is untouched: process is not a layer.
  EXPECT_EQ(ev.dissection.protocols, "eth:ethertype:ip:tcp");
  EXPECT_EQ(number(ev, "tcp.srcport"), 9);
  EXPECT_EQ(e[0].dissection.col_protocol, "TCP");
}

TEST_F(ProcessFields, ContainerAndKubernetesNamesWhenKnown) {
  Events e;
  auto p = curl("3ad7b5d8e1f2");
  p->container_name = "web";
  p->pod_name = "web-7d9f";
  p->pod_namespace = "shop";
  e.add(tcp_packet(43110, 9, 0x02, 0, 0), 1, std::move(p));
  e.dissect();
  EXPECT_EQ(text(e[0], "container.id"), "3ad7b5d8e1f2");
  EXPECT_EQ(text(e[0], "container.name"), "web");
  EXPECT_EQ(text(e[0], "k8s.pod.name"), "web-7d9f");
  EXPECT_EQ(text(e[0], "k8s.ns.name"), "shop");
  EXPECT_TRUE(matches("k8s.ns.name == \"shop\" && tcp.flags.syn == 1", e[0]));
}

TEST_F(ProcessFields, PacketWithoutProcessHasNoProcessFields) {
  Events e;
  e.add(tcp_packet(9, 43110, 0x14, 0, 1), 1);
  e.dissect();
  for (const char* f : {"process", "proc.name", "proc.pid", "thread.tid", "container.id"})
    EXPECT_EQ(count(e[0], f), 0) << f;
}

TEST_F(ProcessFields, DisplayFiltersCombineProcessAndPacketFields) {
  Events e;
  e.add(tcp_packet(9, 43110, 0x14, 0, 1), 1, curl());  // RST from curl's socket
  e.add(tcp_packet(43110, 9, 0x02, 0, 0), 1, curl());  // SYN
  auto wget = curl();
  wget->comm = "wget";
  e.add(tcp_packet(9, 43111, 0x14, 0, 1), 1, std::move(wget));
  e.add(tcp_packet(9, 43112, 0x14, 0, 1), 1);  // no process
  e.dissect();
  const char* f = "proc.name == \"curl\" && tcp.flags.reset == 1";
  EXPECT_TRUE(matches(f, e[0]));
  EXPECT_FALSE(matches(f, e[1]));
  EXPECT_FALSE(matches(f, e[2]));
  EXPECT_FALSE(matches(f, e[3]));
  EXPECT_TRUE(matches("process", e[2]));
  EXPECT_FALSE(matches("process", e[3]));
  EXPECT_TRUE(matches("!proc.name && tcp.flags.reset == 1", e[3]));
  EXPECT_TRUE(matches("proc.pid == 4242 && user.name == \"alice\" && container.id == \"host\"", e[1]));
}

TEST_F(ProcessFields, SyscallEventKeepsItsValues) {
  Events e;
  e.add(connect_refused(), kLinkTypeSyscallEvent, curl(), "Latency: 50000");
  e.dissect();
  const Event& ev = e[0];
  EXPECT_EQ(ev.dissection.col_info, "curl(4242) connect fd=5 127.0.0.1:43110->127.0.0.1:9 = -111 ECONNREFUSED 0.05ms");
  EXPECT_EQ(text(ev, "proc.name"), "curl");
  EXPECT_EQ(number(ev, "proc.pid"), 4242);
  EXPECT_EQ(number(ev, "thread.tid"), 4243);
  EXPECT_EQ(count(ev, "thread.tid"), 1);
  EXPECT_EQ(text(ev, "proc.cmdline"), "curl http://127.0.0.1:9/");
  EXPECT_EQ(text(ev, "container.id"), "host");
  // connect: the local end is the client.
  EXPECT_EQ(text(ev, "fd.cip"), "127.0.0.1");
  EXPECT_EQ(number(ev, "fd.cport"), 43110);
  EXPECT_EQ(text(ev, "fd.sip"), "127.0.0.1");
  EXPECT_EQ(number(ev, "fd.sport"), 9);
  EXPECT_EQ(number(ev, "fd.lport"), 43110);
  EXPECT_EQ(number(ev, "fd.rport"), 9);
  EXPECT_EQ(find(ev, "evt.buffer"), nullptr);
  EXPECT_TRUE(matches("proc.name == \"curl\" && evt.type == \"connect\" && fd.sport == 9 && evt.failed", ev));
}

TEST_F(ProcessFields, SyscallEventWithoutProcessTakesTheTidFromItsHeader) {
  Events e;
  e.add(connect_refused(), kLinkTypeSyscallEvent);
  auto p = curl();
  p->tid = -1;
  e.add(connect_refused(), kLinkTypeSyscallEvent, std::move(p));
  e.dissect();
  EXPECT_EQ(number(e[0], "thread.tid"), 4242);
  EXPECT_EQ(find(e[0], "proc.name"), nullptr);
  EXPECT_EQ(number(e[1], "thread.tid"), 4242);
  EXPECT_EQ(count(e[1], "thread.tid"), 1);
}

TEST_F(ProcessFields, AcceptsLocalEndIsTheServer) {
  Events e;
  e.add(accept_event(), kLinkTypeSyscallEvent, curl());
  e.dissect();
  EXPECT_EQ(text(e[0], "fd.cip"), "10.0.0.7");
  EXPECT_EQ(number(e[0], "fd.cport"), 51000);
  EXPECT_EQ(text(e[0], "fd.sip"), "127.0.0.1");
  EXPECT_EQ(number(e[0], "fd.sport"), 8080);
  EXPECT_EQ(text(e[0], "fd.lip"), "127.0.0.1");
  EXPECT_EQ(text(e[0], "fd.rip"), "10.0.0.7");
}

TEST_F(ProcessFields, ReadAndWriteCarryTheirBufferAndTheSocketsRoles) {
  Events e;
  // The ebpf source names a socket fd client first; here we are the server.
  e.add(io_event(scap::kReadX, "GET / HTTP/1.1\r\n", 7), kLinkTypeSyscallEvent, curl(),
        "Latency: 1000\nFdName: 10.0.0.7:51000->127.0.0.1:8080\nFdType: ipv4");
  e.add(io_event(scap::kWriteX, std::string_view("\x00\x01\xff", 3), 8), kLinkTypeSyscallEvent, curl(),
        "FdName: [::1]:40000->[::1]:443\nFdType: ipv6");
  e.add(io_event(scap::kWriteX, "hello\n", 3), kLinkTypeSyscallEvent, curl(), "FdName: /tmp/log\nFdType: file");
  e.add(recvfrom_event("dns"), kLinkTypeSyscallEvent, curl());
  e.dissect();
  EXPECT_EQ(text(e[0], "evt.buffer"), "GET / HTTP/1.1\r\n");
  EXPECT_EQ(text(e[0], "fd.name"), "10.0.0.7:51000->127.0.0.1:8080");
  EXPECT_EQ(text(e[0], "fd.cip"), "10.0.0.7");
  EXPECT_EQ(number(e[0], "fd.cport"), 51000);
  EXPECT_EQ(text(e[0], "fd.sip"), "127.0.0.1");
  EXPECT_EQ(number(e[0], "fd.sport"), 8080);
  EXPECT_EQ(text(e[1], "evt.buffer"), std::string("\x00\x01\xff", 3));
  EXPECT_TRUE(matches("evt.buffer == 00:01:ff", e[1]));
  EXPECT_TRUE(matches("evt.buffer contains \"HTTP/1.1\" && fd.sport == 8080", e[0]));
  EXPECT_EQ(text(e[1], "fd.cip"), "::1");
  EXPECT_EQ(number(e[1], "fd.sport"), 443);
  EXPECT_EQ(text(e[2], "evt.buffer"), "hello\n");
  EXPECT_EQ(find(e[2], "fd.cip"), nullptr);
  EXPECT_EQ(find(e[2], "fd.sip"), nullptr);
  // recvfrom on an unnamed socket: the receiver is taken for the server.
  EXPECT_EQ(text(e[3], "evt.buffer"), "dns");
  EXPECT_EQ(text(e[3], "fd.sip"), "127.0.0.1");
  EXPECT_EQ(number(e[3], "fd.sport"), 53);
  EXPECT_EQ(text(e[3], "fd.cip"), "10.0.0.9");
  EXPECT_EQ(number(e[3], "fd.cport"), 40000);
}

TEST_F(ProcessFields, DetailTreeShowsTheProcessRightAfterTheFrame) {
  Events e;
  e.add(tcp_packet(9, 43110, 0x14, 0, 1), 1, curl());
  e.dissect();
  std::string out = run_text_sink(e.batch, {{"detail", "true"}});
  const std::string block =
      "    [Protocols in frame: eth:ethertype:ip:tcp]\n"
      "Process: curl (4242)\n"
      "    Process name: curl\n"
      "    Process id: 4242\n"
      "    Parent process id: 1\n"
      "    Command line: curl http://127.0.0.1:9/\n"
      "    Executable: /usr/bin/curl\n"
      "    Thread id: 4243\n"
      "    User id: 1000\n"
      "    User name: alice\n"
      "    Container id: host\n"
      "    Container name: host\n"
      "    Cgroup path: /user.slice/user-1000.slice/session-2.scope\n"
      "Ethernet II, Src: 00:00:00:00:00:00, Dst: 00:00:00:00:00:00\n";
  EXPECT_EQ(out.find("Frame 1:"), 0u) << out;
  EXPECT_NE(out.find(block), std::string::npos) << out;
}

// tshark's summary line for the same packet, as the oracle for the part
// before the process suffix.
std::string tshark_line(const std::vector<uint8_t>& pkt) {
  std::string dir = test::temp_dir();
  std::string path = dir + "/one.pcap";
  std::ofstream f(path, std::ios::binary);
  const uint32_t hdr[6] = {0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, 1};
  f.write(reinterpret_cast<const char*>(hdr), sizeof hdr);
  const uint32_t rec[4] = {uint32_t(kTs / 1000000000ull), uint32_t(kTs / 1000 % 1000000), uint32_t(pkt.size()),
                           uint32_t(pkt.size())};
  f.write(reinterpret_cast<const char*>(rec), sizeof rec);
  f.write(reinterpret_cast<const char*>(pkt.data()), std::streamsize(pkt.size()));
  f.close();
  return test::run("tshark -n -r " + path + " 2>/dev/null").out;
}

TEST_F(ProcessFields, LiveLinesForSyscallsAndPackets) {
  setenv("TZ", "UTC", 1);
  tzset();
  Events e;
  auto rst = tcp_packet(9, 43110, 0x14, 0, 1);
  auto syn = tcp_packet(43110, 9, 0x02, 0, 0);
  e.add(connect_refused(), kLinkTypeSyscallEvent, curl(), "Latency: 50000");
  e.add(syn, 1, curl("3ad7b5d8e1f2"));
  e.add(rst, 1, curl());
  e.add(rst, 1);
  e.dissect();
  auto lines = test::split_lines(run_text_sink(e.batch, {{"live", "true"}}));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "22:13:20.123456 curl(4242) connect fd=5 127.0.0.1:43110->127.0.0.1:9 = -111 ECONNREFUSED 0.05ms");
  auto plain = test::split_lines(run_text_sink(e.batch, {}));
  ASSERT_EQ(plain.size(), 4u);
  EXPECT_EQ(lines[1], plain[1] + " [curl(4242) container=3ad7b5d8e1f2]");
  EXPECT_EQ(lines[2], plain[2] + " [curl(4242)]");
  EXPECT_EQ(lines[3], plain[3]);
  // Without `live` nothing changes: the packet lines are tshark's.
  if (!test::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  auto want_syn = test::split_lines(tshark_line(syn));
  auto want_rst = test::split_lines(tshark_line(rst));
  ASSERT_EQ(want_syn.size(), 1u);
  ASSERT_EQ(want_rst.size(), 1u);
  // The number and time columns differ by construction (another frame
  // number, a usec pcap); the rest must be tshark's.
  auto strip_number = [](const std::string& s) { return s.substr(s.find("127.0.0.1")); };
  EXPECT_EQ(strip_number(plain[1]), strip_number(want_syn[0]));
  EXPECT_EQ(strip_number(plain[2]), strip_number(want_rst[0]));
  EXPECT_EQ(plain[0].find("22:13:20"), std::string::npos) << plain[0];
}

}  // namespace
