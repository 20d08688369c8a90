// The scap event encoding (strato/syscall_event.h) and the syscall
// dissector, in process: no privileges needed.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <cstring>

#include "strato/dissector.h"
#include "strato/error.h"
#include "strato/sockopt.h"
#include "strato/syscall_event.h"
#include "test_support.h"

namespace {

using namespace strato;

std::vector<uint8_t> connect_event() {
  std::vector<uint8_t> out;
  scap::Encoder enc(out);
  const uint8_t lo[4] = {127, 0, 0, 1};
  enc.begin(3, 1700000000123456789ull, 4242, scap::kConnectX, 4);
  enc.add_i64(-111);
  enc.add_tuple_inet(scap::kAfInet, lo, 43110, lo, 9);
  enc.add_i64(5);
  enc.add_sockaddr_inet(scap::kAfInet, lo, 9);
  enc.finish();
  return out;
}

// getsockopt's value, as the falcosecurity drivers write it: a type byte
// (1 errno, 2 u32, 0 raw), then the value; SO_ERROR negated like a result.
TEST(SyscallEvent, GetsockoptValuesAreTypedAsTheDriversType) {
  const int32_t refused = 111, sndbuf = 212992;
  const std::string err = scap::sockopt_value(SOL_SOCKET, SO_ERROR, reinterpret_cast<const uint8_t*>(&refused), 4);
  ASSERT_EQ(err.size(), 9u);
  EXPECT_EQ(err[0], 1);
  int64_t v;
  std::memcpy(&v, err.data() + 1, 8);
  EXPECT_EQ(v, -111);
  EXPECT_EQ(scap::sockopt_value_text(err), "ECONNREFUSED");
  const int32_t none = 0;
  EXPECT_EQ(scap::sockopt_value_text(scap::sockopt_value(SOL_SOCKET, SO_ERROR, reinterpret_cast<const uint8_t*>(&none), 4)),
            "0");

  const std::string buf = scap::sockopt_value(SOL_SOCKET, SO_SNDBUF, reinterpret_cast<const uint8_t*>(&sndbuf), 4);
  ASSERT_EQ(buf.size(), 5u);
  EXPECT_EQ(buf[0], 2);
  EXPECT_EQ(scap::sockopt_value_text(buf), "212992");

  const uint8_t raw[3] = {0xde, 0xad, 0x01};
  const std::string other = scap::sockopt_value(6 /* IPPROTO_TCP */, 11, raw, 3);
  ASSERT_EQ(other.size(), 4u);
  EXPECT_EQ(other[0], 0);
  EXPECT_EQ(scap::sockopt_value_text(other), "dead01");

  EXPECT_EQ(scap::sockopt_level_code(SOL_SOCKET), 1);
  EXPECT_EQ(scap::sockopt_level_code(6), 2);
  EXPECT_EQ(scap::sockopt_name_code(SOL_SOCKET, SO_ERROR), 4);
  EXPECT_EQ(scap::sockopt_name_code(6, 11), 0);
  EXPECT_EQ(scap::sockopt_name_text(1, 4), "SO_ERROR");
  EXPECT_EQ(scap::sockopt_level_text(1), "SOL_SOCKET");
}

TEST(SyscallEvent, EncodesTheScapV2LayoutAndParsesItBack) {
  auto bytes = connect_event();
  // u16 cpu, u64 ts, u64 tid, u32 len, u16 type, u32 nparams, 4 × u16 lengths, params.
  ASSERT_EQ(bytes.size(), 2u + 26 + 8 + 8 + 13 + 8 + 7);
  uint16_t type;
  std::memcpy(&type, bytes.data() + 22, 2);
  EXPECT_EQ(type, 23);
  uint32_t len;
  std::memcpy(&len, bytes.data() + 18, 4);
  EXPECT_EQ(len, bytes.size() - 2);

  scap::EventView v;
  std::string err;
  ASSERT_TRUE(scap::parse(bytes.data(), bytes.size(), v, err)) << err;
  EXPECT_EQ(v.cpu, 3);
  EXPECT_EQ(v.ts_ns, 1700000000123456789ull);
  EXPECT_EQ(v.tid, 4242u);
  EXPECT_EQ(v.type, scap::kConnectX);
  ASSERT_EQ(v.params.size(), 4u);
  EXPECT_EQ(v.i64(0), -111);
  EXPECT_EQ(v.i64(2), 5);
  scap::Endpoint src, dst, addr;
  ASSERT_TRUE(scap::decode_tuple(v.params[1], src, dst));
  EXPECT_EQ(scap::endpoint_ip(src), "127.0.0.1");
  EXPECT_EQ(src.port, 43110);
  EXPECT_EQ(dst.port, 9);
  ASSERT_TRUE(scap::decode_sockaddr(v.params[3], addr));
  EXPECT_EQ(addr.port, 9);
  EXPECT_STREQ(scap::event_info(v.type)->name, "connect");
  EXPECT_STREQ(scap::errno_name(111), "ECONNREFUSED");
}

TEST(SyscallEvent, RejectsAParameterThatRunsPastTheEnd) {
  auto bytes = connect_event();
  // Claim 200 bytes for the tuple (parameter 2).
  uint16_t big = 200;
  std::memcpy(bytes.data() + 28 + 2, &big, 2);
  scap::EventView v;
  std::string err;
  EXPECT_FALSE(scap::parse(bytes.data(), bytes.size(), v, err));
  EXPECT_NE(err.find("parameter 2"), std::string::npos) << err;
  EXPECT_FALSE(scap::parse(bytes.data(), 10, v, err));
  EXPECT_NE(err.find("header"), std::string::npos) << err;
}

TEST(SyscallEvent, EncoderRefusesAWrongParameterCount) {
  std::vector<uint8_t> out;
  scap::Encoder enc(out);
  enc.begin(0, 0, 1, scap::kCloseX, 2);
  enc.add_i64(0);
  EXPECT_THROW(enc.finish(), Error);
}

struct Dissected {
  Event ev;
  std::vector<uint8_t> bytes;
};

std::string text(const Event& ev, const char* name) {
  FieldId id = FieldRegistry::instance().find(name);
  for (auto& fv : ev.dissection.fields)
    if (fv.id == id) return std::string(field_bytes(ev, fv));
  return "<absent>";
}

int64_t number(const Event& ev, const char* name) {
  FieldId id = FieldRegistry::instance().find(name);
  for (auto& fv : ev.dissection.fields)
    if (fv.id == id) return fv.v.i;
  return -12345;
}

TEST(SyscallDissector, ConnectRefusedAsSysdigShowsIt) {
  test::load_plugins();
  ASSERT_NE(FieldRegistry::instance().find("evt.type"), kNoField) << "syscall dissector plugin not loaded";
  auto bytes = connect_event();
  Event ev;
  ev.data = bytes.data();
  ev.cap_len = ev.orig_len = static_cast<uint32_t>(bytes.size());
  ev.link_type = kLinkTypeSyscallEvent;
  ev.number = 1;
  ev.comment = "Latency: 50000";
  auto proc = std::make_shared<ProcessInfo>();
  proc->pid = 4242;
  proc->tid = 4242;
  proc->ppid = 1;
  proc->uid = 1000;
  proc->comm = "curl";
  proc->exe = "/usr/bin/curl";
  proc->args = "curl http://127.0.0.1:9/";
  ev.process = proc;
  Shard shard(0);
  dissect_event(ev, shard);
  const Dissection& d = ev.dissection;
  EXPECT_EQ(d.col_protocol, "syscall");
  EXPECT_EQ(d.col_info, "curl(4242) connect fd=5 127.0.0.1:43110->127.0.0.1:9 = -111 ECONNREFUSED 0.05ms");
  EXPECT_EQ(text(ev, "evt.type"), "connect");
  EXPECT_EQ(text(ev, "evt.res"), "ECONNREFUSED");
  EXPECT_EQ(number(ev, "evt.rawres"), -111);
  EXPECT_EQ(number(ev, "evt.failed"), 1);
  EXPECT_EQ(number(ev, "evt.latency"), 50000);
  EXPECT_EQ(number(ev, "fd.num"), 5);
  EXPECT_EQ(text(ev, "fd.name"), "127.0.0.1:43110->127.0.0.1:9");
  EXPECT_EQ(text(ev, "fd.lip"), "127.0.0.1");
  EXPECT_EQ(number(ev, "fd.lport"), 43110);
  EXPECT_EQ(number(ev, "fd.rport"), 9);
  EXPECT_EQ(text(ev, "fd.type"), "ipv4");
  EXPECT_EQ(text(ev, "proc.name"), "curl");
  EXPECT_EQ(text(ev, "proc.cmdline"), "curl http://127.0.0.1:9/");
  EXPECT_EQ(text(ev, "proc.exe"), "/usr/bin/curl");
  EXPECT_EQ(number(ev, "proc.ppid"), 1);
  EXPECT_EQ(number(ev, "user.uid"), 1000);
  EXPECT_EQ(text(ev, "container.id"), "host");
}

// A socket call whose connect or accept was not captured (not in
// --syscalls, or made before the start by a process since gone): the ports
// tell the client from the server, then sysdig's rule (the sender is the
// client); fd.name is client first either way.
TEST(SyscallDissector, PortsTellTheClientWhenTheSocketsRoleIsUnknown) {
  test::load_plugins();
  ASSERT_NE(FieldRegistry::instance().find("evt.type"), kNoField) << "syscall dissector plugin not loaded";
  struct Case {
    uint16_t type;
    uint8_t local[4];
    uint16_t lport;
    uint8_t remote[4];
    uint16_t rport;
    const char *name, *client_port;
  } cases[] = {
      // curl's recvfrom of nginx's reply: an ephemeral port against 28081.
      {scap::kRecvfromX, {127, 0, 0, 1}, 44850, {127, 0, 0, 1}, 28081, "127.0.0.1:44850->127.0.0.1:28081", "44850"},
      // A DNS server's reply: port 53 against an unprivileged one.
      {scap::kSendtoX, {10, 0, 0, 53}, 53, {10, 0, 0, 7}, 5000, "10.0.0.7:5000->10.0.0.53:53", "5000"},
      // Nothing to tell by: the sender is the client, the receiver the server.
      {scap::kSendtoX, {10, 0, 0, 1}, 50000, {10, 0, 0, 2}, 50001, "10.0.0.1:50000->10.0.0.2:50001", "50000"},
      {scap::kRecvfromX, {10, 0, 0, 1}, 50000, {10, 0, 0, 2}, 50001, "10.0.0.2:50001->10.0.0.1:50000", "50001"},
  };
  for (const Case& c : cases) {
    std::vector<uint8_t> bytes;
    scap::Encoder enc(bytes);
    enc.begin(0, 1700000000000000000ull, 4242, c.type, 5);
    enc.add_i64(4);
    enc.add_bytes("ping", 4);
    if (c.type == scap::kRecvfromX) {
      enc.add_tuple_inet(scap::kAfInet, c.local, c.lport, c.remote, c.rport);
      enc.add_i64(5), enc.add_u32(100);
    } else {
      enc.add_i64(5), enc.add_u32(4);
      enc.add_tuple_inet(scap::kAfInet, c.local, c.lport, c.remote, c.rport);
    }
    enc.finish();
    Event ev;
    ev.data = bytes.data();
    ev.cap_len = ev.orig_len = static_cast<uint32_t>(bytes.size());
    ev.link_type = kLinkTypeSyscallEvent;
    ev.number = 1;
    Shard shard(0);
    dissect_event(ev, shard);
    EXPECT_EQ(text(ev, "fd.name"), c.name) << c.name;
    EXPECT_EQ(std::to_string(number(ev, "fd.cport")), c.client_port) << c.name;
    EXPECT_EQ(number(ev, "fd.lport"), c.lport) << c.name;
  }
}

TEST(SyscallDissector, TruncatedEventIsMalformedNotACrash) {
  test::load_plugins();
  auto bytes = connect_event();
  bytes.resize(40);
  Event ev;
  ev.data = bytes.data();
  ev.cap_len = ev.orig_len = static_cast<uint32_t>(bytes.size());
  ev.link_type = kLinkTypeSyscallEvent;
  Shard shard(0);
  dissect_event(ev, shard);
  EXPECT_TRUE(ev.dissection.malformed);
  EXPECT_NE(ev.dissection.col_info.find("does not fit"), std::string::npos) << ev.dissection.col_info;
}

}  // namespace
