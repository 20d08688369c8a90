// The sinks in-process on hand-made events: layout rules taken from tshark
// 4.0 (checked against it by sink_oracle_test.cpp on real captures) and the
// corner cases real captures rarely hit (escaping, repeated keys, options).
#include <gtest/gtest.h>

#include <fstream>

#include "sink_harness.h"
#include "strato/error.h"
#include "test_support.h"

namespace st = strato::test;
using namespace strato;
using namespace sinktest;

namespace {

Event& one_event(std::vector<Batch>& bs) {
  bs.emplace_back();
  static const uint8_t bytes[4] = {0x45, 0x00, 0x41, 0xff};
  Event& e = bs.back().append(bytes, 4);
  e.number = 1;
  e.orig_len = 4;
  return e;
}

std::string jq(const std::string& json, const std::string& program) {
  std::string f = st::temp_dir() + "/in.json";
  std::ofstream(f, std::ios::binary) << json;
  auto r = st::run("jq -r '" + program + "' " + f);
  EXPECT_EQ(r.exit_code, 0) << "jq rejected:\n" << json << "\n" << r.err;
  return r.out;
}

}  // namespace

TEST(TextSink, DetailTreeIndentsByFourAndHidesHiddenItems) {
  std::vector<Batch> bs;
  EventBuilder b(one_event(bs));
  int p = b.proto("sinktest", "Sink Test Protocol, Src: x");
  int n = b.uint("sinktest.num", 7, p);
  b.uint("sinktest.hex", 0x800, n);
  int h = b.uint("sinktest.num", 8, p, FieldValue::Hidden);
  b.uint("sinktest.num", 9, h);  // under a hidden item: hidden too
  b.uint("sinktest.num", 10, p, FieldValue::Generated);
  auto sink = make("text", {{"detail", "true"}});
  EXPECT_EQ(run_sink(*sink, bs),
            "Sink Test Protocol, Src: x\n"
            "    Num: 7\n"
            "        Hex: 0x0800\n"
            "    [Num: 10]\n"
            "\n");
}

TEST(TextSink, SummaryOffWithDetailOrHexUnlessAsked) {
  std::vector<Batch> bs;
  Event& e = one_event(bs);
  e.dissection.col_protocol = "X";
  auto hex_only = run_sink(*make("text", {{"hex", "true"}}), bs);
  EXPECT_EQ(hex_only, "0000  45 00 41 ff                                       E.A.\n\n");
  auto both = run_sink(*make("text", {{"hex", "true"}, {"summary", "true"}}), bs);
  EXPECT_EQ(both, "    1 0.000000000              \xe2\x86\x92              X 4 \n\n" + hex_only);
}

TEST(TextSink, HexDumpListsReassembledDataSources) {
  // The field exists once the TCP-based dissectors are loaded; register it
  // here in case they are not built.
  FieldRegistry& reg = FieldRegistry::instance();
  if (reg.find("tcp.reassembled.data") == kNoField)
    reg.add_field(sinktest::field("sinktest"), "tcp.reassembled.data", "Reassembled TCP Data", FieldType::Bytes);
  std::vector<Batch> bs;
  EventBuilder b(one_event(bs));
  b.bytes("tcp.reassembled.data", "% IANA WHOIS server\n", -1);
  EXPECT_EQ(run_sink(*make("text", {{"hex", "true"}}), bs),
            "Frame (4 bytes):\n"
            "0000  45 00 41 ff                                       E.A.\n"
            "Reassembled TCP (20 bytes):\n"
            "0000  25 20 49 41 4e 41 20 57 48 4f 49 53 20 73 65 72   % IANA WHOIS ser\n"
            "0010  76 65 72 0a                                       ver.\n"
            "\n");
}

TEST(TextSink, NegativeRelativeTimeAndPrecision) {
  std::vector<Batch> bs;
  Event& e = one_event(bs);
  e.rel_ns = uint64_t(-1234567890ll);  // out-of-order timestamps
  e.dissection.col_src = "a";
  e.dissection.col_dst = "b";
  std::vector<InterfaceInfo> ifs(1);
  ifs[0].tsresol = 6;
  EXPECT_EQ(run_sink(*make("text", {}), bs, &ifs), "    1  -1.234567            a \xe2\x86\x92 b             4 \n");
}

TEST(FieldsSink, OptionsLikeTshark) {
  std::vector<Batch> bs;
  EventBuilder b(one_event(bs));
  int p = b.proto("sinktest");
  b.uint("sinktest.num", 1, p);
  b.uint("sinktest.num", 2, p);
  b.str("sinktest.str", "a\r\nb", p);
  b.uint("sinktest.num", 3, p, FieldValue::Hidden);  // hidden fields print too
  Opts base{{"field", "sinktest.num"}, {"field", "sinktest.str"}, {"field", "sinktest.hex"}, {"field", "sinktest"}};
  EXPECT_EQ(run_sink(*make("fields", base), bs), "1,2,3\ta\\r\\nb\t\tsinktest\n");
  Opts o = base;
  o.insert({{"occurrence", "f"}, {"quote", "d"}, {"separator", ","}, {"header", "y"}});
  EXPECT_EQ(run_sink(*make("fields", o), bs),
            "sinktest.num,sinktest.str,sinktest.hex,sinktest\n\"1\",\"a\\r\\nb\",,\"sinktest\"\n");
  o = base;
  o.insert({{"occurrence", "l"}, {"quote", "s"}, {"separator", "/s"}});
  EXPECT_EQ(run_sink(*make("fields", o), bs), "'3' 'a\\r\\nb'  'sinktest'\n");
  o = base;
  o.insert({{"aggregator", "/s"}, {"separator", "xyz"}});
  EXPECT_EQ(run_sink(*make("fields", o), bs), "1 2 3xa\\r\\nbxxsinktest\n");
}

TEST(FieldsSink, NamedLabelsPrintOneAndStringsStayUtf8) {
  std::vector<Batch> bs;
  EventBuilder b(one_event(bs));
  b.label("sinktest.text", "Option: X", -1);
  b.str("sinktest.str2", "\xc2\xb7S\xff\t", -1);
  EXPECT_EQ(run_sink(*make("fields", {{"field", "sinktest.text"}, {"field", "sinktest.str2"}}), bs),
            "1\t\xc2\xb7S\xef\xbf\xbd\\t\n");
}

TEST(FieldsSink, ColumnPseudoFields) {
  std::vector<Batch> bs;
  Event& e = one_event(bs);
  e.number = 12;
  e.rel_ns = 3996290123;
  e.dissection.col_src = "HewlettP_da:2d:79";
  e.dissection.col_dst = "Broadcast";
  e.dissection.col_protocol = "ARP";
  e.dissection.col_info = "Who has 192.168.1.1? Tell 192.168.1.104";
  std::vector<InterfaceInfo> ifs(1);
  ifs[0].tsresol = 6;
  Opts o;
  for (const char* c : {"No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"})
    o.insert({"field", std::string("_ws.col.") + c});
  auto sink = make("fields", o);
  EXPECT_EQ(sink->needs() & Sink::kNeedColumns, unsigned(Sink::kNeedColumns));
  EXPECT_EQ(run_sink(*sink, bs, &ifs),
            "12\t3.996290\tHewlettP_da:2d:79\tBroadcast\tARP\t4\tWho has 192.168.1.1? Tell 192.168.1.104\n");
}

TEST(FieldsSink, RepeatedFieldFillsOnlyItsLastColumn) {
  // tshark 4.0 -e ip.src -e ip.src prints "\t127.0.0.1".
  std::vector<Batch> bs;
  EventBuilder b(one_event(bs));
  b.uint("sinktest.num", 5, -1);
  EXPECT_EQ(run_sink(*make("fields", {{"field", "sinktest.num"}, {"field", "sinktest.num"}}), bs), "\t5\n");
}

TEST(FieldsSink, UnknownFieldsAreAUsageErrorNamingThem) {
  try {
    make("fields", {{"field", "sinktest.num"}, {"field", "nosuch.field"}, {"field", "xyz"}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::Usage);
    EXPECT_EQ(std::string(e.what()), "Some fields aren't valid: nosuch.field xyz");
  }
  EXPECT_THROW(make("fields", {{"field", "sinktest.num"}, {"occurrence", "x"}}), Error);
  EXPECT_THROW(make("fields", {{"field", "sinktest.num"}, {"quote", "x"}}), Error);
  EXPECT_THROW(make("json", {{"field", "xyz"}}), Error);
}

TEST(JsonSink, EscapesEverythingJqMustParse) {
  if (!st::have_program("jq")) GTEST_SKIP() << "jq not installed";
  std::vector<Batch> bs;
  EventBuilder b(one_event(bs));
  int p = b.proto("sinktest");
  std::string nasty = std::string("q\" b\\ \r\n\t\x01\x7f \xc3\xa9 bad:\xff\xc3 end", 25);
  b.str("sinktest.str", nasty, p);
  b.label("text", "key \"with\" \\r\\n", p);
  auto out = run_sink(*make("json", {}), bs);
  std::string expect = std::string("q\" b\\ \r\n\t\x01\x7f \xc3\xa9 bad:\xef\xbf\xbd\xef\xbf\xbd end\n");
  EXPECT_EQ(jq(out, ".[0]._source.layers.sinktest[\"sinktest.str\"]"), expect);
  EXPECT_EQ(jq(out, ".[0]._source.layers.sinktest | keys_unsorted | .[1]"), "key \"with\" \\r\\n\n");
}

TEST(JsonSink, RepeatedKeysBecomeArraysAndSubtreesGoUnderTree) {
  if (!st::have_program("jq")) GTEST_SKIP() << "jq not installed";
  std::vector<Batch> bs;
  EventBuilder b(one_event(bs));
  int p = b.proto("sinktest", "Sink Test");
  b.uint("sinktest.num", 1, p);
  int h = b.uint("sinktest.hex", 0x0a, p);
  b.uint("sinktest.num", 2, h);
  b.uint("sinktest.num", 3, p, FieldValue::Hidden);
  int t = b.label("text", "Queries", p);
  int s = b.proto("sinktest.sub", {}, t);
  b.bytes("sinktest.bytes", std::string("\x01\xab", 2), s);
  b.label("text", "\\r\\n", p);
  b.label("sinktest.text", "Option: X", p);  // a named FT_NONE item
  auto out = run_sink(*make("json", {}), bs);
  EXPECT_EQ(jq(out, ".[0]._source.layers | tojson"),
            "{\"sinktest\":{\"sinktest.num\":[\"1\",\"3\"],\"sinktest.hex\":\"0x000a\","
            "\"sinktest.hex_tree\":{\"sinktest.num\":\"2\"},"
            "\"Queries\":{\"sinktest.sub\":{\"sinktest.bytes\":\"01:ab\"}},\"\\\\r\\\\n\":\"\","
            "\"sinktest.text\":\"\"}}\n");
  EXPECT_EQ(jq(out, ".[0] | [._index[0:8], ._type, ._score] | tojson"), "[\"packets-\",\"doc\",null]\n");
}

TEST(JsonSink, EmptyAndSeveralBatches) {
  std::vector<Batch> none(1);
  EXPECT_EQ(run_sink(*make("json", {}), none), "[]\n");
  std::vector<Batch> bs;
  for (int i = 0; i < 3; ++i) {
    EventBuilder b(one_event(bs));
    b.uint("sinktest.num", uint64_t(i), -1);
    if (i == 1) bs.back().events[0].passed = false;
  }
  auto out = run_sink(*make("json", {{"field", "sinktest.num"}}), bs);
  if (st::have_program("jq")) {
    EXPECT_EQ(jq(out, "[.[]._source.layers[\"sinktest.num\"][0]] | join(\",\")"), "0,2\n");
  }
  auto nd = run_sink(*make("json", {{"format", "ndjson"}, {"field", "sinktest.num"}}), bs);
  auto lines = st::split_lines(nd);
  ASSERT_EQ(lines.size(), 2u) << nd;
  EXPECT_EQ(lines[1], "{\"timestamp\":\"0\",\"layers\":{\"sinktest.num\":[\"2\"]}}");
}
