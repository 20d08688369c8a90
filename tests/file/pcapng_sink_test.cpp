// The pcapng sink: what it writes must read back (in tshark, capinfos and our
// reader) exactly as the input did.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "file_test_util.h"
#include "strato/error.h"
#include "strato/plugin_manager.h"
#include "strato/sink.h"
#include "test_support.h"

using namespace strato::test;

namespace {

// Copies `in` to `out` through the file source and the pcapng sink, the way
// the engine drives them; `keep(i)` decides which events pass.
void copy_through_sink(const std::vector<std::string>& in, const std::string& out,
                       const std::function<bool(size_t)>& keep = nullptr, size_t batch_size = 10) {
  load_plugins();
  auto& pm = strato::PluginManager::instance();
  std::multimap<std::string, std::string> so;
  for (auto& p : in) so.emplace("path", p);
  auto src = pm.make_source("file", so);
  auto sink = pm.make_sink("pcapng", {{"file", out}});
  src->open();
  strato::SinkContext ctx;
  ctx.interfaces = &src->interfaces();
  sink->start(ctx);
  strato::Batch b;
  bool more = true;
  size_t n = 0;
  while (more) {
    b.clear();
    more = src->read(b, batch_size);
    b.seal();
    b.interfaces = std::make_shared<const std::vector<strato::InterfaceInfo>>(src->interfaces());
    for (size_t i = 0; i < b.count; ++i) b.events[i].passed = !keep || keep(n++);
    std::string s;
    sink->format(b, s);
    sink->write(b, s);
  }
  sink->finish();
}

void expect_clean_for_wireshark(const std::string& f) {
  auto c = run("capinfos '" + f + "'");
  EXPECT_EQ(c.exit_code, 0) << c.err;
  for (auto& line : split_lines(c.err))
    EXPECT_NE(line.find("Running as user"), std::string::npos) << "capinfos: " << line;
  TsharkResult t = tshark_read(f);
  EXPECT_EQ(t.exit_code, 0);
  EXPECT_EQ(t.err, "");
}

void expect_same_tshark_view(const std::string& a, const std::string& b, bool compare_iface = true) {
  TsharkResult ta = tshark_read(a), tb = tshark_read(b);
  ASSERT_EQ(ta.recs.size(), tb.recs.size());
  for (size_t i = 0; i < ta.recs.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i + 1));
    EXPECT_EQ(ta.recs[i].ts_ns, tb.recs[i].ts_ns);
    EXPECT_EQ(ta.recs[i].len, tb.recs[i].len);
    EXPECT_EQ(ta.recs[i].cap_len, tb.recs[i].cap_len);
    EXPECT_EQ(ta.recs[i].comment, tb.recs[i].comment);
    if (compare_iface) EXPECT_EQ(ta.recs[i].iface, tb.recs[i].iface);
  }
}

}  // namespace

TEST(PcapngSink, MixedSmallRoundTrip) {
  std::string in = shared_file("captures/live/mixed-small.pcapng");
  std::string out = temp_dir() + "/out-mixed.pcapng";
  copy_through_sink({in}, out);
  expect_clean_for_wireshark(out);
  expect_same_tshark_view(in, out);
  ReadResult a = read_capture(in), b = read_capture(out);
  ASSERT_EQ(a.recs.size(), b.recs.size());
  for (size_t i = 0; i < a.recs.size(); ++i) EXPECT_EQ(a.recs[i].bytes, b.recs[i].bytes);
  ASSERT_EQ(b.ifaces.size(), 1u);
  EXPECT_EQ(b.ifaces[0].name, a.ifaces[0].name);
  EXPECT_EQ(b.ifaces[0].description, a.ifaces[0].description);
  EXPECT_EQ(b.ifaces[0].os, a.ifaces[0].os);
  EXPECT_EQ(b.ifaces[0].tsresol, a.ifaces[0].tsresol);
  EXPECT_EQ(b.ifaces[0].snaplen, a.ifaces[0].snaplen);
}

TEST(PcapngSink, CommentsFlagsResolutionsAndInterfacesSurvive) {
  // A file made by editcap with comments, plus our hand-built variety.
  std::string in = temp_dir() + "/commented.pcapng";
  std::string src = shared_file("captures/live/mixed-small.pcapng");
  ASSERT_EQ(run("editcap -a '2:hello world' -a '5:a comment' '" + src + "' '" + in + "'").exit_code, 0);
  std::string out = temp_dir() + "/out-commented.pcapng";
  copy_through_sink({in}, out);
  expect_clean_for_wireshark(out);
  expect_same_tshark_view(in, out);
  ReadResult r = read_capture(out);
  ASSERT_GT(r.recs.size(), 5u);
  EXPECT_EQ(r.recs[1].comment, "hello world");
  EXPECT_EQ(r.recs[4].comment, "a comment");

  // µs, ms, 2^-20 s, raw IP, tsoffset, flags.
  std::string p = udp_packet(5, 6, 30);
  PcapngBuilder b;
  b.shb(false)
      .idb(1, 65535, 6, 0, "us")
      .idb(101, 0, 9, 0, "raw")
      .idb(1, 262144, 3, 100, "ms")
      .idb(1, 262144, 0x80 | 20, 0, "pow2")
      .epb(0, 1700000000123456ull, p, 0, {"c1", "c2"}, 1)
      .epb(1, 1700000000123456789ull, p.substr(14), 0, {}, 2)
      .epb(2, 1700000000123ull, p, 90)
      .epb(3, (1700000000ull << 20) + 777, p);
  std::string in2 = temp_dir() + "/varied.pcapng", out2 = temp_dir() + "/out-varied.pcapng";
  write_file(in2, b.str());
  copy_through_sink({in2}, out2);
  expect_clean_for_wireshark(out2);
  expect_same_tshark_view(in2, out2);
  ReadResult a = read_capture(in2), c = read_capture(out2);
  ASSERT_EQ(c.recs.size(), 4u);
  EXPECT_EQ(c.recs[0].comment, "c1\nc2");
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(c.recs[i].epb_flags, a.recs[i].epb_flags);
    EXPECT_EQ(c.recs[i].link_type, a.recs[i].link_type);
    EXPECT_EQ(c.recs[i].ts_ns, a.recs[i].ts_ns);
  }
  ASSERT_EQ(c.ifaces.size(), 4u);
  EXPECT_EQ(c.ifaces[0].tsresol, 6);
  EXPECT_EQ(c.ifaces[3].tsresol, 0x80 | 20);
  EXPECT_EQ(c.ifaces[1].link_type, 101u);
}

TEST(PcapngSink, PcapInputBecomesOneInterface) {
  std::string in = shared_file("captures/tcpdump-tests/802.1ad_QinQ.pcap");
  std::string out = temp_dir() + "/out-pcap.pcapng";
  copy_through_sink({in}, out);
  expect_clean_for_wireshark(out);
  // tshark gives pcap packets no interface id; compare the rest.
  expect_same_tshark_view(in, out, false);
}

TEST(PcapngSink, SeveralInputsAndOnlyPassedEvents) {
  std::string a = shared_file("captures/live/mixed-small.pcapng");
  std::string b = shared_file("captures/tcpdump-tests/EIGRP_adjacency.pcap");
  std::string out = temp_dir() + "/out-two.pcapng";
  copy_through_sink({a, b}, out, [](size_t i) { return i % 3 != 0; }, 16);
  expect_clean_for_wireshark(out);
  ReadResult all = read_captures({a, b}), r = read_capture(out);
  std::vector<size_t> kept;
  for (size_t i = 0; i < all.recs.size(); ++i)
    if (i % 3 != 0) kept.push_back(i);
  ASSERT_EQ(r.recs.size(), kept.size());
  for (size_t k = 0; k < kept.size(); ++k) {
    EXPECT_EQ(r.recs[k].bytes, all.recs[kept[k]].bytes);
    EXPECT_EQ(r.recs[k].ts_ns, all.recs[kept[k]].ts_ns);
    EXPECT_EQ(r.recs[k].iface, all.recs[kept[k]].iface);
    EXPECT_EQ(r.recs[k].link_type, all.recs[kept[k]].link_type);
  }
  EXPECT_EQ(r.ifaces.size(), 2u);
}

TEST(PcapngSink, EmptyInputStillMakesAValidFile) {
  std::string in = shared_file("captures/live/mixed-small.pcapng");
  std::string out = temp_dir() + "/out-none.pcapng";
  copy_through_sink({in}, out, [](size_t) { return false; });
  expect_clean_for_wireshark(out);
  ReadResult r = read_capture(out);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.recs.size(), 0u);
  EXPECT_EQ(r.ifaces.size(), 1u);
}

TEST(PcapngSink, UnwritableFileIsAnError) {
  load_plugins();
  auto sink = strato::PluginManager::instance().make_sink("pcapng", {{"file", "/nonexistent/dir/x.pcapng"}});
  strato::SinkContext ctx;
  try {
    sink->start(ctx);
    FAIL() << "no error";
  } catch (const strato::Error& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/dir/x.pcapng: cannot create: No such file or directory");
  }
}
