// Compile errors: one line, the column of the offending token, tshark 4.0's
// wording (the caret position tshark prints is the column here).
#include <gtest/gtest.h>

#include "filter_fixture.h"

namespace strato::test {
namespace {

void expect_error(const char* filter, const std::string& want) {
  std::string got = compile_error(filter);
  EXPECT_EQ(got, "display filter: " + want) << "filter: " << filter;
  EXPECT_EQ(got.find('\n'), std::string::npos) << got;
}

TEST(FilterErrors, UnknownFields) {
  expect_error("test.portt", "column 1: \"test.portt\" is neither a field nor a protocol name.");
  expect_error("not test.portt", "column 5: \"test.portt\" is neither a field nor a protocol name.");
  expect_error("test.u16 == 1 or test.portt == 1",
               "column 18: \"test.portt\" is neither a field nor a protocol name.");
}

TEST(FilterErrors, Syntax) {
  expect_error("test.u16 ==", "column 12: Unexpected end of filter expression.");
  expect_error("(test.u16", "column 10: Unexpected end of filter expression.");
  expect_error("test.u16 == 1)", "column 14: \")\" was unexpected in this context.");
  expect_error("and", "column 1: \"and\" was unexpected in this context.");
  expect_error("test.u16 = 2", "column 10: \"=\" was unexpected in this context.");
  expect_error("test.u16 ==== 2", "column 13: \"=\" was unexpected in this context.");
  expect_error("test.u16 $ 2", "column 10: \"$\" was unexpected in this context.");
  expect_error("testproto &&& testother", "column 13: \"&\" was unexpected in this context.");
  expect_error("test.u16 == 1 testproto", "column 15: \"testproto\" was unexpected in this context.");
  expect_error("test.u16 in {}", "column 14: \"}\" was unexpected in this context.");
  expect_error("test.u16 in {1,}", "column 16: \"}\" was unexpected in this context.");
  expect_error("test.u16 in {1..}", "column 17: \"}\" was unexpected in this context.");
  expect_error("test.str == \"abc", "column 13: The final quote was missing from a quoted string.");
  expect_error("1 == test.u16", "column 1: Left side of \"==\" expression must be a field or function, not 1.");
  expect_error("test.u16 == 1 == 1", "column 15: \"==\" was unexpected in this context.");
}

TEST(FilterErrors, Literals) {
  expect_error("test.u16 == 70000", "column 13: \"70000\" too big for this field, maximum 65535.");
  expect_error("test.u8 > 256", "column 11: \"256\" too big for this field, maximum 255.");
  expect_error("test.u16 == 1e3", "column 13: \"1e3\" is not a valid number.");
  expect_error("test.u16 == 1.0", "column 13: \"1.0\" is not a valid number.");
  expect_error("test.u16 == \"abc\"",
               "column 13: Unsigned integer (2 bytes) cannot be converted from a string (\"abc\").");
  expect_error("test.u16 in {1, \"9\"}",
               "column 17: Unsigned integer (2 bytes) cannot be converted from a string (\"9\").");
  expect_error("test.u16 in {32956-32957}", "column 14: \"32956-32957\" is not a valid number.");
  expect_error("test.ip == foo", "column 12: \"foo\" is not a valid hostname or IPv4 address.");
  expect_error("test.ip == 127.1", "column 12: \"127.1\" is not a valid hostname or IPv4 address.");
  expect_error("test.ip == ::1", "column 12: \"::1\" is not a valid hostname or IPv4 address.");
  expect_error("test.ip == 1.2.3.4/33",
               "column 12: Netmask bits in a CIDR IPv4 address should be <= 32, not 33");
  expect_error("test.ip == \"10.1.2.3\"", "column 12: IPv4 address cannot be converted from a string (\"10.1.2.3\").");
  expect_error("test.ip6 == \"::1\"", "column 13: IPv6 address cannot be converted from a string (\"::1\").");
  expect_error("test.ip6 == 1.2.3.4", "column 13: \"1.2.3.4\" is not a valid hostname or IPv6 address.");
  expect_error("test.eth == 00:11:22", "column 13: \"00:11:22\" is not a valid hostname or Ethernet address.");
  expect_error("test.bytes contains GET", "column 21: \"GET\" is not a valid byte string.");
  expect_error("test.rcode == Bogus", "column 15: \"Bogus\" cannot be found among the possible values for test.rcode.");
  expect_error("test.bool == true", "column 14: \"true\" cannot be found among the possible values for test.bool.");
  expect_error("test.rel == \"0.5\"", "column 13: Time offset cannot be converted from a string (\"0.5\").");
  expect_error("test.abs > 1000",
               "column 12: \"1000\" is not a valid absolute time. Example: \"Nov 12, 1999 08:55:44.123\" or "
               "\"2011-07-04 12:34:56\"");
  std::string re = compile_error("test.str matches \"(\"");
  EXPECT_EQ(re.rfind("display filter: column 18: \"(\" could not be compiled as a regular expression: ", 0), 0u) << re;
}

TEST(FilterErrors, Types) {
  expect_error("test.u16 contains 1",
               "column 1: test.u16 (type=Unsigned integer (2 bytes)) cannot participate in contains comparison.");
  expect_error("test.ip matches \"x\"",
               "column 1: test.ip (type=IPv4 address) cannot participate in matches comparison.");
  expect_error("test.ip == test.eth", "column 12: test.ip and test.eth are not of compatible types.");
  expect_error("test.u16[0:1] == 1",
               "column 1: \"test.u16\" is a Unsigned integer (2 bytes) and cannot be sliced into a sequence of bytes.");
  expect_error("lower(test.u16) == 1", "column 7: Only string type fields can be used as parameter for lower()");
  expect_error("nosuch(test.u16) == 1", "column 1: Function 'nosuch' does not exist");
  expect_error("test.u16 # 2", "column 11: Expected digit or \"[\", not \" \"");
}

}  // namespace
}  // namespace strato::test
