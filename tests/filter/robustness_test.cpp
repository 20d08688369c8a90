// Random filters built from real tokens and stray characters: compiling must
// either succeed or throw strato::Error with a one-line message, and a
// compiled filter must evaluate without crashing on events with odd values.
#include <gtest/gtest.h>

#include <random>

#include "filter_fixture.h"
#include "strato/error.h"

namespace strato::test {
namespace {

TEST(FilterRobustness, RandomFiltersCompileOrFailCleanly) {
  const TestFields& f = TestFields::get();
  static const char* const vocab[] = {
      "test.u8", "test.u16", "test.str", "test.bytes", "test.ip", "test.ip6", "test.eth", "test.rel", "test.abs",
      "test.bool", "test.rcode", "testproto", "test.dbl", "==", "!=", "===", "!==", "~=", "<", ">=", "~", "&",
      "&&", "||", "!", "and", "or", "not", "xor", "in", "contains", "matches", "(", ")", "{", "}", ",", "..",
      "[0:2]", "[-1]", "[", "]", "#2", "#", "1", "0x10", "-5", "1..3", "\"abc\"", "\"a\\x41\"", "\"", "'a'", "'",
      "10.0.0.0/8", "::1", "aa:bb:cc", "1.5", "Refused", "len(", "count(", "lower(", "\"(\"", "\"[a-\"", "$",
      "\\", "\"2023-01-01 00:00:00\"", ".test.u8", "r\"x\\\"", "\xff", "0b101", "True"};
  std::mt19937 rng(12345);
  EventBuilder b(std::string("GET / HTTP/1.1\r\n\x00\xff", 18));
  b.proto(f.proto, 0, 18).u(f.u8, 3).u(f.u16, 80).text(f.str, "abc").packet_ref(f.bytes, 0, 18);
  b.ipv4(f.ip, "10.0.0.1").ipv6(f.ip6, "::1").i(f.rel, -5).u(f.abs, 0).u(f.boolean, 1).u(f.named, 5).d(f.dbl, 1e300);
  b.packet_ref(f.str2, 17, 100);  // runs past the packet: must read as empty, not crash
  int compiled = 0, rejected = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    int n = 1 + int(rng() % 8);
    for (int k = 0; k < n; ++k) {
      if (rng() % 10 == 0) text.push_back(char(rng() % 128));
      else text += vocab[rng() % (sizeof vocab / sizeof vocab[0])];
      if (rng() % 3) text.push_back(' ');
    }
    try {
      auto flt = DisplayFilter::compile(text);
      flt->match(b.event());
      ++compiled;
    } catch (const Error& e) {
      std::string msg = e.what();
      ASSERT_EQ(msg.find('\n'), std::string::npos) << text << " -> " << msg;
      ASSERT_EQ(msg.rfind("display filter: ", 0), 0u) << text << " -> " << msg;
      ++rejected;
    } catch (const std::exception& e) {
      FAIL() << "filter `" << text << "` threw a non-strato exception: " << e.what();
    }
  }
  EXPECT_GT(compiled, 100);
  EXPECT_GT(rejected, 100);
}

}  // namespace
}  // namespace strato::test
