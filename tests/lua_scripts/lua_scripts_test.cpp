// Lua scripts over events (--script): the shipped examples against oracles
// computed from tshark's -T fields output of the same capture, Listener taps
// run as the very same script in tshark, and the script host's behaviour
// (callback order, event-time intervals, arguments, errors, sandbox).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "test_support.h"

using namespace strato::test;

namespace {

const char* kMixed = "captures/live/mixed-small.pcapng";

bool have_sink() { return std::filesystem::exists(build_dir() + "/plugins/lua-script.so"); }

#define REQUIRE_SINK()                                                  \
  if (!have_sink()) GTEST_SKIP() << "lua-script plugin not built"

std::string example(const std::string& name) { return source_dir() + "/lua/examples/" + name; }

std::string write_script(const std::string& name, const std::string& text) {
  static const std::string dir = temp_dir();
  std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

CommandResult strato_script(const std::string& capture, const std::string& script, const std::string& extra = "") {
  return run(strato_bin() + " read -q -r '" + capture + "' --script '" + script + "' " + extra);
}

std::vector<std::vector<std::string>> rows_of(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& l : split_lines(text)) {
    if (l.empty()) continue;
    std::vector<std::string> cols;
    std::stringstream ss(l);
    std::string c;
    while (std::getline(ss, c, '\t')) cols.push_back(c);
    if (!l.empty() && l.back() == '\t') cols.push_back("");
    rows.push_back(cols);
  }
  return rows;
}

// tshark -T fields rows (first occurrence of each field), with the capture's warnings dropped.
std::vector<std::vector<std::string>> tshark_fields(const std::string& capture, const std::vector<std::string>& fields,
                                                    const std::string& filter = "") {
  std::string cmd = "tshark -n -r '" + capture + "' -T fields -E occurrence=f";
  for (const std::string& f : fields) cmd += " -e " + f;
  if (!filter.empty()) cmd += " -Y '" + filter + "'";
  return rows_of(run(cmd + " 2>/dev/null").out);
}

uint64_t epoch_ns(const std::string& text) {  // "1795462329.133462707"
  size_t dot = text.find('.');
  std::string frac = text.substr(dot + 1);
  frac.resize(9, '0');
  return std::stoull(text.substr(0, dot)) * 1000000000ull + std::stoull(frac);
}

}  // namespace

// Packets and bytes per address pair, as the example computes them, from tshark's ip.src/ip.dst/frame.len.
TEST(LuaScriptExamples, TopTalkersMatchesTshark) {
  REQUIRE_SINK();
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  for (const char* rel : {"captures/tcpdump-tests/afs.pcap", "captures/tcpdump-tests/pim-packet-assortment.pcap", kMixed}) {
    std::string cap = shared_file(rel);
    std::map<std::string, std::pair<uint64_t, uint64_t>> want;  // pair → packets, bytes
    for (auto& r : tshark_fields(cap, {"ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "frame.len"})) {
      ASSERT_EQ(r.size(), 5u);
      std::string a = r[0].empty() ? r[2] : r[0], b = r[0].empty() ? r[3] : r[1];
      if (a.empty()) continue;
      if (a > b) std::swap(a, b);
      auto& w = want[a + " <-> " + b];
      w.first += 1;
      w.second += std::stoull(r[4]);
    }
    ASSERT_FALSE(want.empty()) << rel;
    auto res = strato_script(cap, example("top_talkers.lua"), "--script-arg top=100000");
    ASSERT_EQ(res.exit_code, 0) << res.err;
    EXPECT_EQ(res.err, "");
    std::map<std::string, std::pair<uint64_t, uint64_t>> got;
    uint64_t prev_bytes = UINT64_MAX;
    for (auto& r : rows_of(res.out)) {
      ASSERT_EQ(r.size(), 3u) << res.out;
      got[r[0]] = {std::stoull(r[1]), std::stoull(r[2])};
      EXPECT_LE(std::stoull(r[2]), prev_bytes) << "rows not sorted by bytes";
      prev_bytes = std::stoull(r[2]);
    }
    EXPECT_EQ(got, want) << rel;
  }
}

TEST(LuaScriptExamples, TopTalkersTopNAndIntervals) {
  REQUIRE_SINK();
  std::string cap = shared_file("captures/tcpdump-tests/afs.pcap");
  auto all = strato_script(cap, example("top_talkers.lua"), "--script-arg top=100000");
  auto top3 = strato_script(cap, example("top_talkers.lua"), "--script-arg top=3");
  ASSERT_EQ(top3.exit_code, 0) << top3.err;
  auto rows = split_lines(all.out);
  ASSERT_GT(rows.size(), 3u);
  EXPECT_EQ(top3.out, rows[0] + "\n" + rows[1] + "\n" + rows[2] + "\n");

  // Per-interval tables: their packets add up to the whole table's, pair by pair.
  auto timed = strato_script(cap, example("top_talkers.lua"), "--script-arg top=100000 --script-arg interval=1");
  ASSERT_EQ(timed.exit_code, 0) << timed.err;
  std::map<std::string, uint64_t> whole, summed;
  for (auto& r : rows_of(all.out)) whole[r[0]] = std::stoull(r[1]);
  size_t tables = 0;
  for (auto& r : rows_of(timed.out)) {
    if (r[0].rfind("-- ", 0) == 0) {
      ++tables;
      continue;
    }
    summed[r[0]] += std::stoull(r[1]);
  }
  EXPECT_GT(tables, 1u);
  EXPECT_EQ(summed, whole);
}

// Every DNS response's dns.time, name, rcode and frame, slowest first, against tshark.
TEST(LuaScriptExamples, SlowDnsMatchesTshark) {
  REQUIRE_SINK();
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  for (const char* rel : {kMixed, "captures/tcpdump-tests/dns_udp_8053.pcap", "captures/tcpdump-tests/dns_tcp.pcap"}) {
    std::string cap = shared_file(rel);
    auto want = tshark_fields(cap, {"dns.time", "dns.qry.name", "dns.flags.rcode", "frame.number"}, "dns.time");
    if (std::string(rel) == kMixed) {
      ASSERT_EQ(want.size(), 6u);
    }
    std::stable_sort(want.begin(), want.end(), [](const auto& a, const auto& b) {
      double x = std::stod(a[0]), y = std::stod(b[0]);
      if (x != y) return x > y;
      return std::stoull(a[3]) < std::stoull(b[3]);
    });
    auto res = strato_script(cap, example("slow_dns.lua"), "--script-arg top=100000");
    ASSERT_EQ(res.exit_code, 0) << res.err;
    EXPECT_EQ(rows_of(res.out), want) << rel;
  }
}

// Error responses by host from the request each answers: tshark's http.host on
// requests, http.response.code and http.request_in on responses.
TEST(LuaScriptExamples, HttpErrorsMatchesTshark) {
  REQUIRE_SINK();
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  std::string cap = shared_file(kMixed);
  std::map<std::string, std::string> host_of_frame;
  std::map<std::pair<std::string, int>, int> want;
  for (auto& r : tshark_fields(cap, {"frame.number", "http.host", "http.response.code", "http.request_in"}, "http")) {
    if (!r[1].empty()) host_of_frame[r[0]] = r[1];
    if (!r[2].empty() && std::stoi(r[2]) >= 400) want[{host_of_frame.at(r[3]), std::stoi(r[2])}]++;
  }
  ASSERT_EQ(want.size(), 2u);  // the capture's 404 and 503
  auto res = strato_script(cap, example("http_errors.lua"));
  ASSERT_EQ(res.exit_code, 0) << res.err;
  std::map<std::pair<std::string, int>, int> got;
  for (auto& r : rows_of(res.out)) {
    ASSERT_EQ(r.size(), 3u) << res.out;
    got[{r[0], std::stoi(r[1])}] = std::stoi(r[2]);
  }
  EXPECT_EQ(got, want);
}

// The same Listener script in tshark and strato: the tap sees the same packets,
// and Field extractors give the same text, values, lengths and offsets.
TEST(LuaScriptListener, SameScriptAsTshark) {
  REQUIRE_SINK();
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  std::string script = write_script("listener.lua", R"(
local rows, n = {}, 0
local qname = Field.new("dns.qry.name")
local dtime = Field.new("dns.time")
local src = Field.new("ip.src")
local sport = Field.new("udp.srcport")
local flags = Field.new("dns.flags")
local tap = Listener.new("dns", "dns.flags.response == 1")
function tap.packet(pinfo, tvb, tapinfo)
  n = n + 1
  local q = qname()
  rows[#rows + 1] = table.concat({pinfo.number, tostring(q), tostring(dtime()), tostring(src()),
    tostring(sport()), tostring(flags()), type(sport().value), sport().value, flags().value,
    q.value, q.len, q.offset, q.name, q.type, select("#", qname())}, "|")
end
function tap.draw()
  for _, r in ipairs(rows) do print(r) end
  print("count " .. n)
end
)");
  std::string cap = shared_file(kMixed);
  auto ts = run("tshark -q -X lua_script:'" + script + "' -r '" + cap + "' 2>/dev/null");
  auto st = strato_script(cap, script);
  ASSERT_EQ(st.exit_code, 0) << st.err;
  EXPECT_NE(ts.out.find("count 6\n"), std::string::npos) << ts.out;
  EXPECT_EQ(st.out, ts.out);
}

// Wireshark's value types through the same script: Address, NSTime, UInt64,
// TvbRange, the Listener's tvb and pinfo.
TEST(LuaScriptListener, ValuesAndPinfoAsTshark) {
  REQUIRE_SINK();
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  std::string script = write_script("values.lua", R"(
local rows = {}
local dtime = Field.new("dns.time")
local src = Field.new("ip.src")
local id = Field.new("dns.id")
local ftime = Field.new("frame.time_epoch")
local fl = Field.new("frame.len")
local tap = Listener.new("frame", "dns || http")
function tap.packet(pinfo, tvb, tapinfo)
  local dt = dtime()
  local i = id()
  rows[#rows + 1] = table.concat({pinfo.number, tostring(pinfo.src), tostring(pinfo.dst), tostring(pinfo.src_port),
    tostring(pinfo.dst_port), pinfo.len, tvb:len(), tostring(tvb(0, 6):bytes()), tostring(src().value),
    tostring(dt and dt.value), tostring(ftime().value), type(fl().value), tostring(i), tostring(i and i.value),
    tostring(i and i.display), tostring(i and i.range), tostring(tapinfo)}, "|")
end
function tap.draw()
  for _, r in ipairs(rows) do print(r) end
end
)");
  std::string cap = shared_file(kMixed);
  auto ts = run("tshark -q -X lua_script:'" + script + "' -r '" + cap + "' 2>/dev/null");
  auto st = strato_script(cap, script);
  ASSERT_EQ(st.exit_code, 0) << st.err;
  EXPECT_GT(split_lines(ts.out).size(), 12u) << ts.out;
  EXPECT_EQ(st.out, ts.out);
}

// A Listener's packet count equals tshark's -Y count for its filter, on every tap kind.
TEST(LuaScriptListener, CountsEqualTsharkFilterCounts) {
  REQUIRE_SINK();
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  std::string cap = shared_file(kMixed);
  struct Case { std::string tap, filter, tshark_filter; };
  std::vector<Case> cases = {{"nil", "nil", "frame"},
                             {"\"frame\"", "\"tcp.flags.syn == 1\"", "tcp.flags.syn == 1"},
                             {"\"tcp\"", "nil", "tcp"},
                             {"\"http\"", "\"http.response.code >= 400\"", "http.response.code >= 400"},
                             {"\"dns\"", "\"dns.flags.rcode == 5\"", "dns && dns.flags.rcode == 5"},
                             {"\"udp\"", "\"udp.length > 60\"", "udp && udp.length > 60"}};
  std::string text;
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string v = "t" + std::to_string(i);
    text += "local " + v + " = Listener.new(" + cases[i].tap + ", " + cases[i].filter + ")\nlocal n" + v + " = 0\n" +
            "function " + v + ".packet() n" + v + " = n" + v + " + 1 end\n" + "function " + v + ".draw() print(" +
            std::to_string(i) + ", n" + v + ") end\n";
  }
  auto res = strato_script(cap, write_script("counts.lua", text));
  ASSERT_EQ(res.exit_code, 0) << res.err;
  auto lines = split_lines(res.out);
  ASSERT_EQ(lines.size(), cases.size()) << res.out;
  for (size_t i = 0; i < cases.size(); ++i) {
    size_t want = tshark_fields(cap, {"frame.number"}, cases[i].tshark_filter).size();
    EXPECT_GT(want, 0u) << cases[i].tshark_filter;
    EXPECT_EQ(lines[i], std::to_string(i) + "\t" + std::to_string(want)) << cases[i].tshark_filter;
  }
}

TEST(LuaScriptListener, BadFilterOrTapIsOneLineUsageError) {
  REQUIRE_SINK();
  std::string cap = shared_file(kMixed);
  auto bad = strato_script(cap, write_script("badfilter.lua", "local t = Listener.new('dns', 'dns.nosuchfield == 1')\n"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
  EXPECT_NE(bad.err.find("badfilter.lua:1:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("dns.nosuchfield"), std::string::npos) << bad.err;
  auto tap = strato_script(cap, write_script("badtap.lua", "\nListener.new('nosuchproto')\n"));
  EXPECT_EQ(tap.exit_code, 1);
  EXPECT_NE(tap.err.find("badtap.lua:2: Listener.new: no tap named nosuchproto"), std::string::npos) << tap.err;
}

TEST(LuaScriptHost, CallbackOrder) {
  REQUIRE_SINK();
  std::string script = write_script("order.lua", R"(
local log = {}
local function add(s) log[#log + 1] = s end
add("chunk")
local tap = Listener.new()
function tap.reset() add("reset") end
function tap.packet(pinfo) add("packet" .. pinfo.number) end
function tap.draw() add("draw") end
function on_init() add("init") end
function on_event(evt) add("event" .. evt:number()) end
function on_end() add("end") print(table.concat(log, " ")) end
)");
  auto res = strato_script(shared_file(kMixed), script, "-c 3");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  EXPECT_EQ(res.out, "chunk init reset packet1 event1 packet2 event2 packet3 event3 draw end\n");
}

// on_interval every N seconds of capture time: one call per boundary the
// events reach, plus one for the last partial interval, with the events of
// each interval counted once.
TEST(LuaScriptHost, IntervalsFollowEventTime) {
  REQUIRE_SINK();
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  std::string cap = shared_file(kMixed);
  auto times = tshark_fields(cap, {"frame.time_epoch"});
  ASSERT_GT(times.size(), 10u);
  uint64_t first = epoch_ns(times.front()[0]), last = epoch_ns(times.back()[0]);
  std::string script = write_script("interval.lua", R"(
local n = 0
function on_init() strato.set_interval(tonumber(strato.args.every)) end
function on_event(evt) n = n + 1 end
function on_interval(s, ns, delta) strato.emit({s, ns, delta, n}) n = 0 end
)");
  for (uint64_t every_ms : {50, 100, 1000}) {
    uint64_t every = every_ms * 1000000;
    auto res = strato_script(cap, script, "--script-arg every=" + std::to_string(every_ms / 1000.0));
    ASSERT_EQ(res.exit_code, 0) << res.err;
    auto rows = rows_of(res.out);
    uint64_t full = (last - first) / every;
    ASSERT_EQ(rows.size(), full + 1) << res.out;
    uint64_t events = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      uint64_t ts = std::stoull(rows[i][0]) * 1000000000ull + std::stoull(rows[i][1]);
      uint64_t want_ts = i < full ? first + (i + 1) * every : last;
      EXPECT_EQ(ts, want_ts) << i;
      EXPECT_EQ(std::stoull(rows[i][2]), i < full ? every : last - first - full * every) << i;
      // Events strictly before this boundary (the last call: all of the rest).
      uint64_t want_events = 0;
      for (auto& t : times) {
        uint64_t e = epoch_ns(t[0]);
        uint64_t lo = first + i * every;
        if (e >= lo && (i == full || e < want_ts) && (i > 0 || e >= first)) ++want_events;
      }
      EXPECT_EQ(std::stoull(rows[i][3]), want_events) << i;
      events += std::stoull(rows[i][3]);
    }
    EXPECT_EQ(events, times.size());
  }
}

TEST(LuaScriptHost, ArgsReachTheScript) {
  REQUIRE_SINK();
  std::string script = write_script("args.lua", R"(
local a, b = ...
print(strato.args.top, strato.args.name, strato.args.flag, strato.args.missing, a, b, select("#", ...))
)");
  auto res = strato_script(shared_file(kMixed), script, "-c 1 --script-arg top=5 --script-arg 'name=a b=c' --script-arg flag");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  EXPECT_EQ(res.out, "5\ta b=c\ttrue\tnil\ttop=5\tname=a b=c\t3\n");
  auto bare = run(strato_bin() + " read -q -r '" + shared_file(kMixed) + "' --script-arg x=1");
  EXPECT_EQ(bare.exit_code, 1);
  EXPECT_NE(bare.err.find("--script-arg needs --script"), std::string::npos) << bare.err;
}

// Field values and evt accessors against tshark's -T fields for every frame.
TEST(LuaScriptHost, EvtFieldMatchesTsharkFields) {
  REQUIRE_SINK();
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  std::string cap = shared_file(kMixed);
  std::vector<std::string> names = {"frame.number", "frame.len", "ip.src", "ip.dst", "tcp.srcport", "tcp.flags",
                                    "udp.dstport", "dns.qry.name", "dns.a", "dns.time", "http.response.code",
                                    "http.request.uri", "tls.handshake.extensions_server_name", "eth.src", "ip.ttl"};
  std::string list;
  for (auto& n : names) list += "\"" + n + "\",";
  std::string script = write_script("evt.lua", "local names = {" + list + R"(}
local fields = {}
for i, n in ipairs(names) do fields[i] = Field.new(n) end
function on_event(evt)
  local row = {}
  for i, f in ipairs(fields) do
    local fi = f()
    row[i] = fi and tostring(fi) or ""
  end
  assert(evt:field("frame.number") == evt:number())
  assert(evt:field("frame.len") == evt:len())
  strato.emit(row)
end
)");
  auto res = strato_script(cap, script);
  ASSERT_EQ(res.exit_code, 0) << res.err;
  EXPECT_EQ(rows_of(res.out), tshark_fields(cap, names));
}

TEST(LuaScriptHost, RuntimeErrorInOnEventIsCountedAndReported) {
  REQUIRE_SINK();
  std::string script = write_script("boom.lua", R"(local n = 0
function on_event(evt)
  n = n + 1
  if evt:number() % 2 == 0 then error("boom " .. evt:number()) end
end
function on_end() print("seen", n) end
)");
  auto res = strato_script(shared_file(kMixed), script);
  EXPECT_EQ(res.exit_code, 0);
  EXPECT_EQ(res.out, "seen\t78\n");  // the run goes on after each failure
  auto lines = split_lines(res.err);
  ASSERT_EQ(lines.size(), 2u) << res.err;
  EXPECT_EQ(lines[0], "lua: " + script + ":4: boom 2");
  EXPECT_EQ(lines[1], "lua: " + script + ": on_event failed 39 times of 78 events");
}

TEST(LuaScriptHost, BadScriptsAreUsageErrors) {
  REQUIRE_SINK();
  std::string cap = shared_file(kMixed);
  auto syntax = strato_script(cap, write_script("syntax.lua", "local x = 1\nfunction on_event(evt\n"));
  EXPECT_EQ(syntax.exit_code, 1);
  EXPECT_EQ(split_lines(syntax.err).size(), 1u) << syntax.err;
  EXPECT_NE(syntax.err.find("syntax.lua:3:"), std::string::npos) << syntax.err;
  EXPECT_EQ(syntax.out, "");

  auto missing = strato_script(cap, "/nonexistent/x.lua");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/x.lua"), std::string::npos) << missing.err;

  auto field = strato_script(cap, write_script("nofield.lua", "\n\nlocal f = Field.new('ip.nosuch')\n"));
  EXPECT_EQ(field.exit_code, 1);
  EXPECT_NE(field.err.find("nofield.lua:3: Field.new: no field named ip.nosuch"), std::string::npos) << field.err;

  auto init = strato_script(cap, write_script("init.lua", "function on_init()\n  error('no init')\nend\nfunction on_event() print('x') end\n"));
  EXPECT_EQ(init.exit_code, 1);
  EXPECT_NE(init.err.find("init.lua:2: no init"), std::string::npos) << init.err;
  EXPECT_EQ(init.out, "");
}

TEST(LuaScriptHost, FieldInfoExpiresAfterItsEvent) {
  REQUIRE_SINK();
  std::string script = write_script("expire.lua", R"(
local src = Field.new("ip.src")
local kept
function on_event(evt)
  if evt:number() == 1 then kept = src() return end
  local ok, err = pcall(function() return kept.value end)
  print(ok, err)
end
)");
  auto res = strato_script(shared_file(kMixed), script, "-c 2");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  EXPECT_NE(res.out.find("false\t"), std::string::npos) << res.out;
  EXPECT_NE(res.out.find("FieldInfo expired"), std::string::npos) << res.out;
}

TEST(LuaScriptHost, SandboxUnlessUnsafe) {
  REQUIRE_SINK();
  std::string cap = shared_file(kMixed);
  std::string script = write_script("sandbox.lua", "print(io == nil, os.execute == nil, package.loadlib == nil)\n");
  auto safe = strato_script(cap, script, "-c 1");
  ASSERT_EQ(safe.exit_code, 0) << safe.err;
  EXPECT_EQ(safe.out, "true\ttrue\ttrue\n");

  // unsafe through a pipeline file (the sink's own option).
  std::string yaml = write_script("unsafe.yaml", "sources:\n  capture:\n    plugin: file\n    path: " + cap +
                                                     "\nsinks:\n  script:\n    inputs: [capture]\n    plugin: lua-script\n"
                                                     "    script: " + script + "\n    unsafe: \"true\"\n");
  auto unsafe = run(strato_bin() + " run '" + yaml + "'");
  ASSERT_EQ(unsafe.exit_code, 0) << unsafe.err;
  EXPECT_EQ(unsafe.out, "false\tfalse\tfalse\n");
}
