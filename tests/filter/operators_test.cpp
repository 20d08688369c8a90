// Operators and literal types against hand-made field values. Expected
// results follow Wireshark 4.0 semantics (checked with tshark 4.0.17 on real
// captures where the same construct exists, see oracle_test.cpp).
#include <gtest/gtest.h>

#include <thread>

#include "filter_fixture.h"

namespace strato::test {
namespace {

const TestFields& F() { return TestFields::get(); }

TEST(FilterOperators, IntegerRelations) {
  EventBuilder b;
  b.proto(F().proto, 0, 10).u(F().u16, 80);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.u16 == 80", ev));
  EXPECT_TRUE(matches("test.u16 eq 80", ev));
  EXPECT_TRUE(matches("test.u16 any_eq 80", ev));
  EXPECT_FALSE(matches("test.u16 == 81", ev));
  EXPECT_TRUE(matches("test.u16 != 81", ev));
  EXPECT_TRUE(matches("test.u16 ne 81", ev));
  EXPECT_FALSE(matches("test.u16 != 80", ev));
  EXPECT_TRUE(matches("test.u16 < 81", ev));
  EXPECT_TRUE(matches("test.u16 lt 81", ev));
  EXPECT_FALSE(matches("test.u16 < 80", ev));
  EXPECT_TRUE(matches("test.u16 <= 80", ev));
  EXPECT_TRUE(matches("test.u16 le 80", ev));
  EXPECT_TRUE(matches("test.u16 > 79", ev));
  EXPECT_TRUE(matches("test.u16 gt 79", ev));
  EXPECT_FALSE(matches("test.u16 > 80", ev));
  EXPECT_TRUE(matches("test.u16 >= 80", ev));
  EXPECT_TRUE(matches("test.u16 ge 80", ev));
  EXPECT_TRUE(matches("test.u16==80", ev));
}

TEST(FilterOperators, NumberBases) {
  EventBuilder b;
  b.u(F().u16, 76).u(F().u32, 0x4a);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.u16 == 0x4c", ev));
  EXPECT_TRUE(matches("test.u16 == 0X4C", ev));
  EXPECT_TRUE(matches("test.u16 == 0114", ev));  // octal, as tshark
  EXPECT_TRUE(matches("test.u16 == 0b1001100", ev));
  EXPECT_TRUE(matches("test.u16 == 'L'", ev));  // character constant
  EXPECT_TRUE(matches("test.u32 > 0x49", ev));
  EXPECT_FALSE(matches("test.u16 == -1", ev));  // accepted, matches nothing
  EXPECT_TRUE(matches("test.u16 > -1", ev));
}

TEST(FilterOperators, MultipleOccurrences) {
  // Like tcp.port: the field occurs twice.
  EventBuilder b;
  b.u(F().u16, 57704).u(F().u16, 32956);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.u16 == 32956", ev));
  EXPECT_TRUE(matches("test.u16 == 57704", ev));
  // 4.0: a != b is !(a == b): true only if every occurrence differs.
  EXPECT_FALSE(matches("test.u16 != 32956", ev));
  EXPECT_TRUE(matches("test.u16 != 9", ev));
  EXPECT_TRUE(matches("test.u16 all_ne 9", ev));
  // ~= / !== / any_ne: some occurrence differs.
  EXPECT_TRUE(matches("test.u16 ~= 32956", ev));
  EXPECT_TRUE(matches("test.u16 !== 32956", ev));
  EXPECT_TRUE(matches("test.u16 any_ne 32956", ev));
  // === / all_eq: every occurrence equal.
  EXPECT_FALSE(matches("test.u16 === 32956", ev));
  EXPECT_FALSE(matches("test.u16 all_eq 32956", ev));
  EventBuilder same;
  same.u(F().u16, 5).u(F().u16, 5);
  EXPECT_TRUE(matches("test.u16 === 5", same.event()));
  EXPECT_FALSE(matches("test.u16 ~= 5", same.event()));
  // Ordering relations: any occurrence.
  EXPECT_TRUE(matches("test.u16 < 40000", ev));
  EXPECT_TRUE(matches("test.u16 > 40000", ev));
  EXPECT_FALSE(matches("test.u16 < 1000", ev));
}

TEST(FilterOperators, AbsentField) {
  EventBuilder b;
  b.u(F().u8, 1);
  const Event& ev = b.event();
  EXPECT_FALSE(matches("test.u16 == 1", ev));
  // tshark 4.0: `tcp.port != 80` is false on UDP packets.
  EXPECT_FALSE(matches("test.u16 != 1", ev));
  EXPECT_TRUE(matches("not test.u16 == 1", ev));
  EXPECT_FALSE(matches("test.u16 === 1", ev));
  EXPECT_FALSE(matches("test.u16 ~= 1", ev));
  EXPECT_FALSE(matches("test.u16 < 100", ev));
  EXPECT_FALSE(matches("test.u16", ev));
  EXPECT_TRUE(matches("!test.u16", ev));
  EXPECT_FALSE(matches("test.u16 in {1, 2}", ev));
}

TEST(FilterOperators, SignedIntegers) {
  EventBuilder b;
  b.i(F().i32, -5);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.i32 == -5", ev));
  EXPECT_TRUE(matches("test.i32 < 0", ev));
  EXPECT_TRUE(matches("test.i32 > -6", ev));
  EXPECT_FALSE(matches("test.i32 > 0", ev));
  EXPECT_TRUE(matches("test.i32 in {-10..-1}", ev));
}

TEST(FilterOperators, Booleans) {
  EventBuilder b;
  b.u(F().boolean, 1);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.bool == 1", ev));
  EXPECT_TRUE(matches("test.bool == 2", ev));  // any non-zero is true in tshark 4.0
  EXPECT_TRUE(matches("test.bool == True", ev));
  EXPECT_TRUE(matches("test.bool == TRUE", ev));
  EXPECT_FALSE(matches("test.bool == False", ev));
  EXPECT_FALSE(matches("test.bool == 0", ev));
  EXPECT_TRUE(matches("test.bool", ev));
  EventBuilder z;
  z.u(F().boolean, 0);
  EXPECT_TRUE(matches("test.bool", z.event()));  // presence, not truth
  EXPECT_TRUE(matches("test.bool == 0", z.event()));
  EXPECT_TRUE(matches("test.bool == FALSE", z.event()));
}

TEST(FilterOperators, Doubles) {
  EventBuilder b;
  b.d(F().dbl, 2.5);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.dbl == 2.5", ev));
  EXPECT_TRUE(matches("test.dbl > 2", ev));
  EXPECT_TRUE(matches("test.dbl < 2.51", ev));
  EXPECT_TRUE(matches("test.dbl in {1.5..3.5}", ev));
  EXPECT_FALSE(matches("test.dbl >= 3e0", ev));
}

TEST(FilterOperators, Strings) {
  EventBuilder b;
  b.text(F().str, "api.strato.test").text(F().str2, "GET");
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.str == \"api.strato.test\"", ev));
  EXPECT_TRUE(matches("test.str == api.strato.test", ev));  // bare word literal
  EXPECT_TRUE(matches("test.str == \"api\\x2estrato.test\"", ev));
  EXPECT_TRUE(matches("test.str == \"api\\056strato.test\"", ev));
  EXPECT_FALSE(matches("test.str == \"API.strato.test\"", ev));
  EXPECT_TRUE(matches("test.str != \"x\"", ev));
  EXPECT_TRUE(matches("test.str contains \"strato\"", ev));
  EXPECT_FALSE(matches("test.str contains \"Strato\"", ev));
  EXPECT_TRUE(matches("test.str matches \"^api\\\\.\"", ev));
  EXPECT_TRUE(matches("test.str ~ \"t{2}|st$\"", ev));
  EXPECT_FALSE(matches("test.str matches \"^strato\"", ev));
  EXPECT_TRUE(matches("test.str matches \"(?i)^API\"", ev));
  EXPECT_TRUE(matches("test.str > \"api\"", ev));
  EXPECT_TRUE(matches("test.str < \"b\"", ev));
  EXPECT_TRUE(matches("test.str2 in {\"POST\", \"GET\"}", ev));
  EXPECT_TRUE(matches("test.str2 in {POST GET}", ev));
  EXPECT_FALSE(matches("test.str2 in {\"POST\", \"PUT\"}", ev));
  // A byte-string-looking word is just text for string fields.
  EXPECT_FALSE(matches("test.str2 == 47:45:54", ev));
  EXPECT_TRUE(matches("test.str matches r\"^api\\.\"", ev));
}

TEST(FilterOperators, StringEscapes) {
  EventBuilder b;
  b.text(F().str, std::string_view("a\"b\\c\n\x01", 7));
  const Event& ev = b.event();
  EXPECT_TRUE(matches(R"(test.str == "a\"b\\c\n\x01")", ev));
  EXPECT_TRUE(matches(R"(test.str contains "\n\001")", ev));
  EXPECT_TRUE(matches(R"(test.str contains "\u0001")", ev));
}

TEST(FilterOperators, Bytes) {
  EventBuilder b(std::string("GET / HTTP/1.1\r\n", 16));
  b.proto(F().proto, 0, 16).packet_ref(F().bytes, 0, 16);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.bytes contains 47:45:54", ev));
  EXPECT_TRUE(matches("test.bytes contains 47-45-54", ev));
  EXPECT_TRUE(matches("test.bytes contains 47.45.54", ev));
  EXPECT_TRUE(matches("test.bytes contains \"HTTP\"", ev));
  EXPECT_TRUE(matches("test.bytes contains 0d:0a", ev));
  EXPECT_TRUE(matches("test.bytes contains 47", ev));
  EXPECT_FALSE(matches("test.bytes == 47:45:54", ev));
  EXPECT_TRUE(matches("test.bytes[0:3] == 47:45:54", ev));
  EXPECT_TRUE(matches("test.bytes[0:3] == \"GET\"", ev));
  EXPECT_TRUE(matches("test.bytes[0-2] == \"GET\"", ev));
  EXPECT_TRUE(matches("test.bytes[0] == 47", ev));
  EXPECT_TRUE(matches("test.bytes[-2:] == 0d:0a", ev));
  EXPECT_TRUE(matches("test.bytes[:3] == \"GET\"", ev));
  EXPECT_FALSE(matches("test.bytes[10:100] == 0d:0a", ev));  // past the end: no value
  EXPECT_TRUE(matches("test.bytes matches \"^GET /\"", ev));
  EXPECT_TRUE(matches("testproto contains \"GET\"", ev));
  EXPECT_TRUE(matches("testproto matches \"HTTP/1\\\\.[01]\"", ev));
  EXPECT_TRUE(matches("len(test.bytes) == 16", ev));
}

TEST(FilterOperators, IPv4) {
  EventBuilder b;
  b.ipv4(F().ip, "10.1.2.3").ipv4(F().ip, "192.168.0.1");
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.ip == 10.1.2.3", ev));
  EXPECT_TRUE(matches("test.ip == 192.168.0.1", ev));
  EXPECT_FALSE(matches("test.ip == 10.1.2.4", ev));
  EXPECT_TRUE(matches("test.ip == 10.0.0.0/8", ev));
  EXPECT_TRUE(matches("test.ip == 192.168.0.0/16", ev));
  EXPECT_FALSE(matches("test.ip == 172.16.0.0/12", ev));
  EXPECT_TRUE(matches("test.ip == 0.0.0.0/0", ev));
  EXPECT_FALSE(matches("test.ip != 10.0.0.0/8", ev));
  EXPECT_TRUE(matches("test.ip != 172.16.0.0/12", ev));
  EXPECT_TRUE(matches("test.ip in {172.16.0.0/12, 10.0.0.0/8}", ev));
  EXPECT_TRUE(matches("test.ip in {10.1.2.0..10.1.2.10}", ev));
  EXPECT_TRUE(matches("test.ip > 192.168.0.0", ev));
}

TEST(FilterOperators, IPv6) {
  EventBuilder b;
  b.ipv6(F().ip6, "2001:db8::1");
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.ip6 == 2001:db8::1", ev));
  EXPECT_TRUE(matches("test.ip6 == 2001:0db8:0:0:0:0:0:1", ev));
  EXPECT_FALSE(matches("test.ip6 == ::1", ev));
  EXPECT_TRUE(matches("test.ip6 == 2001:db8::/32", ev));
  EXPECT_TRUE(matches("test.ip6 == 2001:db9::/15", ev));
  EXPECT_FALSE(matches("test.ip6 == 2001:db9::/32", ev));
  EXPECT_TRUE(matches("test.ip6 in {::1, 2001:db8::1}", ev));
}

TEST(FilterOperators, Ether) {
  const uint8_t mac[6] = {0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc};
  EventBuilder b;
  b.ether(F().eth, mac);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.eth == 00:1b:21:aa:bb:cc", ev));
  EXPECT_TRUE(matches("test.eth == 00-1B-21-AA-BB-CC", ev));
  EXPECT_TRUE(matches("test.eth == 001b.21aa.bbcc", ev));
  EXPECT_TRUE(matches("test.eth == 001b21aabbcc", ev));
  EXPECT_FALSE(matches("test.eth == 00:1b:21:aa:bb:cd", ev));
  EXPECT_TRUE(matches("test.eth[0:3] == 00:1b:21", ev));
  EXPECT_TRUE(matches("test.eth[5] == cc", ev));
}

TEST(FilterOperators, Times) {
  EventBuilder b;
  b.i(F().rel, 750000000).u(F().abs, 1700000000ull * 1000000000ull + 250000000ull);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.rel > 0.5", ev));
  EXPECT_TRUE(matches("test.rel == 0.75", ev));
  EXPECT_FALSE(matches("test.rel > 1", ev));
  EXPECT_TRUE(matches("test.rel < 1", ev));
  // 1700000000 is 2023-11-14 22:13:20 UTC.
  EXPECT_TRUE(matches("test.abs == \"2023-11-14 22:13:20.25Z\"", ev));
  EXPECT_TRUE(matches("test.abs > \"2023-11-14 22:13:20 UTC\"", ev));
  EXPECT_TRUE(matches("test.abs < \"Nov 14, 2023 22:13:21 UTC\"", ev));
  EXPECT_TRUE(matches("test.abs > \"2020-01-01 00:00:00\"", ev));
}

TEST(FilterOperators, ValueNames) {
  EventBuilder b;
  b.u(F().named, 5);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.rcode == 5", ev));
  EXPECT_TRUE(matches("test.rcode == \"Refused\"", ev));
  EXPECT_TRUE(matches("test.rcode == \"refused\"", ev));  // case-insensitive like tshark
  EXPECT_TRUE(matches("test.rcode == Refused", ev));
  EXPECT_TRUE(matches("test.rcode != \"No error\"", ev));
  EXPECT_TRUE(matches("test.rcode in {\"No such name\", Refused}", ev));
}

TEST(FilterOperators, BitwiseAnd) {
  EventBuilder b;
  b.u(F().flags, 0x012);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.flags & 0x02", ev));
  EXPECT_TRUE(matches("test.flags & 0x10", ev));
  EXPECT_FALSE(matches("test.flags & 0x04", ev));
  EXPECT_TRUE(matches("test.flags bitwise_and 0x02", ev));
  EXPECT_TRUE(matches("test.flags == 0x12", ev));
}

TEST(FilterOperators, Sets) {
  EventBuilder b;
  b.u(F().u16, 57704).u(F().u16, 443);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.u16 in {80, 443}", ev));
  EXPECT_TRUE(matches("test.u16 in {80 443}", ev));
  EXPECT_TRUE(matches("test.u16 in {80,443}", ev));
  EXPECT_TRUE(matches("test.u16 in { 443 }", ev));
  EXPECT_TRUE(matches("test.u16 in {1..100, 57700..57710}", ev));
  EXPECT_TRUE(matches("test.u16 in {1 .. 100, 440..450}", ev));
  EXPECT_FALSE(matches("test.u16 in {1..100, 57705..57710}", ev));
  EXPECT_TRUE(matches("not test.u16 in {1..100}", ev));
}

TEST(FilterOperators, ProtocolsAndPresence) {
  EventBuilder b;
  b.proto(F().proto, 0, 8).u(F().u8, 3).u(F().label, 0);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("testproto", ev));
  EXPECT_FALSE(matches("testother", ev));
  EXPECT_TRUE(matches("not testother", ev));
  EXPECT_TRUE(matches("test.u8", ev));
  EXPECT_TRUE(matches("test.label", ev));
  EXPECT_TRUE(matches("testproto && !testother", ev));
}

TEST(FilterOperators, LogicAndPrecedence) {
  EventBuilder b;
  b.proto(F().proto, 0, 8).u(F().u8, 1);
  const Event& ev = b.event();
  // and binds tighter than or (tshark: "udp or tcp and frame.number == 1").
  EXPECT_TRUE(matches("testproto or testother and test.u8 == 2", ev));
  EXPECT_FALSE(matches("(testproto or testother) and test.u8 == 2", ev));
  EXPECT_TRUE(matches("test.u8 == 2 and testother or testproto", ev));
  EXPECT_FALSE(matches("not testproto or testother", ev));
  EXPECT_TRUE(matches("!(testother) && test.u8 == 1", ev));
  EXPECT_TRUE(matches("testproto || testother", ev));
  EXPECT_TRUE(matches("testproto xor testother", ev));
  EXPECT_FALSE(matches("testproto ^^ test.u8", ev));
  EXPECT_TRUE(matches("not not testproto", ev));
  EXPECT_TRUE(matches("((test.u8 == 1))", ev));
}

TEST(FilterOperators, FieldAgainstField) {
  EventBuilder b;
  b.u(F().u16, 100).u(F().u32, 100).u(F().u8, 7).ipv4(F().ip, "1.2.3.4").ipv4(F().ip2, "1.2.3.4");
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.u16 == test.u32", ev));
  EXPECT_FALSE(matches("test.u16 != test.u32", ev));
  EXPECT_TRUE(matches("test.u16 > test.u8", ev));
  EXPECT_TRUE(matches("test.ip == test.ip2", ev));
  EXPECT_FALSE(matches("test.u16 == test.i32", ev));  // absent right side
}

TEST(FilterOperators, Functions) {
  EventBuilder b;
  b.u(F().u16, 1).u(F().u16, 2).text(F().str, "/small");
  const Event& ev = b.event();
  EXPECT_TRUE(matches("count(test.u16) == 2", ev));
  EXPECT_TRUE(matches("count(test.u8) == 0", ev));
  EXPECT_TRUE(matches("len(test.str) == 6", ev));
  EXPECT_TRUE(matches("len(test.str) > 5", ev));
}

TEST(FilterOperators, CaseFunctions) {
  EventBuilder b;
  b.text(F().str, "GeT").text(F().str2, "get");
  const Event& ev = b.event();
  EXPECT_TRUE(matches("lower(test.str) == \"get\"", ev));
  EXPECT_FALSE(matches("lower(test.str) == \"GET\"", ev));
  EXPECT_TRUE(matches("upper(test.str) == \"GET\"", ev));
  EXPECT_TRUE(matches("upper(test.str) contains \"ET\"", ev));
  EXPECT_TRUE(matches("lower(test.str) == test.str2", ev));
  EXPECT_TRUE(matches("lower(test.str) == lower(test.str2)", ev));
  EXPECT_FALSE(matches("upper(test.str) == lower(test.str2)", ev));
}

TEST(FilterOperators, Layers) {
  // Two instances of the protocol, as with IP-in-IP or VXLAN.
  EventBuilder b;
  b.proto(F().proto, 0, 8).u(F().u16, 0x0800).proto(F().proto, 8, 8).u(F().u16, 0x86dd);
  const Event& ev = b.event();
  EXPECT_TRUE(matches("test.u16#1 == 0x0800", ev));
  EXPECT_FALSE(matches("test.u16#1 == 0x86dd", ev));
  EXPECT_TRUE(matches("test.u16#2 == 0x86dd", ev));
  EXPECT_TRUE(matches("test.u16#1-2 == 0x86dd", ev));
  EXPECT_FALSE(matches("test.u16#3", ev));
  EXPECT_TRUE(matches("testproto#2", ev));
  EXPECT_FALSE(matches("testproto#3", ev));
  EXPECT_TRUE(matches("count(test.u16#2) == 1", ev));
}

TEST(FilterOperators, LeadingDotNamesAField) {
  EventBuilder b;
  b.u(F().u8, 1);
  EXPECT_TRUE(matches(".test.u8 == 1", b.event()));
  EXPECT_TRUE(matches("test.u8 == 1&&.test.u8", b.event()));
}

TEST(FilterOperators, EmptyFilterMatchesAll) {
  EventBuilder b;
  EXPECT_TRUE(matches("", b.event()));
  EXPECT_TRUE(matches("   ", b.event()));
}

TEST(FilterOperators, FieldsListed) {
  TestFields::get();
  auto f = DisplayFilter::compile("test.u8 == 1 and (testproto or test.u8 > test.u16) and len(test.str) > 1");
  std::vector<FieldId> want = {F().proto, F().u8, F().u16, F().str};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(f->fields(), want);
}

TEST(FilterOperators, ConcurrentMatch) {
  TestFields::get();
  auto f = DisplayFilter::compile("test.str matches \"^a+b\" && test.u16 in {1..10}");
  EventBuilder yes, no;
  yes.text(F().str, "aaab").u(F().u16, 5);
  no.text(F().str, "aaac").u(F().u16, 5);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i)
        if (!f->match(yes.event()) || f->match(no.event())) ++wrong;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace strato::test
