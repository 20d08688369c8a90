// The test dissectors of tests/lua/dissectors/ run unchanged in tshark 4.0
// and in strato (`-X lua_script:FILE`) on real loopback traffic recorded
// here (tests/lua/traffic/record.sh): every field of each protocol, the
// frames that carry it, its columns and its expert items must be the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <ostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace st = strato::test;

namespace {

struct Case {
  const char* script;  // file name under tests/lua/dissectors/
  const char* proto;   // its protocol's filter name
  int min_frames;      // how many frames tshark gives it in the recorded traffic, at least
  bool tcp;            // length-prefixed over TCP: the traffic must split and pack messages
  std::vector<std::string> extra;  // fields of other protocols the script adds (Dissector.get("data"))
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.script; }

const Case kCases[] = {
    {"telemetry.lua", "tlm", 85, false, {"data.data", "data.len"}},  // UDP port table, many field types, experts
    {"lpm_tcp_pdus.lua", "lpm", 30, true, {}},                       // TCP, dissect_tcp_pdus
    {"lpx_desegment.lua", "lpx", 30, true, {}},                      // TCP, desegment_len / desegment_offset
    {"heartbeat_heur.lua", "hbt", 40, false, {}},                    // UDP heuristic
};

std::string script_path(const std::string& name) { return st::source_dir() + "/tests/lua/dissectors/" + name; }

std::string q(const std::string& s) { return "'" + s + "'"; }

// Every ProtoField abbreviation the script registers, in order.
std::vector<std::string> script_fields(const std::string& script) {
  std::ifstream in(script_path(script));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::vector<std::string> fields;
  static const std::regex re(R"(ProtoField\.[a-z0-9_]+\(\s*\"([^\"]+)\")");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    fields.push_back((*it)[1]);
  return fields;
}

// The capture, recorded once per run. Empty with `skip_reason` set when
// dumpcap cannot capture here; a failure of anything else fails the test.
struct Recording {
  std::string path, skip_reason, error;
};

const Recording& recording() {
  static Recording rec = [] {
    Recording r;
    if (!st::have_program("dumpcap") || !st::have_program("python3")) {
      r.skip_reason = "dumpcap or python3 not installed: cannot record the test traffic";
      return r;
    }
    std::string p = st::temp_dir() + "/lua-traffic.pcapng";
    auto res = st::run("sh " + q(st::source_dir() + "/tests/lua/traffic/record.sh") + " " + q(p));
    if (res.exit_code == 77)
      r.skip_reason = "cannot record loopback traffic (needs root and dumpcap): " + res.err;
    else if (res.exit_code != 0)
      r.error = "tests/lua/traffic/record.sh failed (exit " + std::to_string(res.exit_code) + "): " + res.err;
    else
      r.path = p;
    return r;
  }();
  return rec;
}

#define REQUIRE_RECORDING()                                                        \
  const Recording& rec = recording();                                              \
  if (!rec.skip_reason.empty()) GTEST_SKIP() << "SKIPPED LOUDLY: " << rec.skip_reason; \
  ASSERT_TRUE(rec.error.empty()) << rec.error;                                     \
  const std::string& cap = rec.path

std::string lua_args(const std::vector<std::string>& scripts) {
  std::string a;
  for (auto& s : scripts) a += " -X lua_script:" + q(script_path(s));
  return a;
}

std::string field_args(const std::vector<std::string>& fields) {
  std::string a = " -T fields -E occurrence=a";
  for (auto& f : fields) a += " -e " + f;
  return a;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// Runs the same arguments through tshark and strato (`strato_extra` added
// to strato's) and requires the same output, line by line. On a difference,
// names the first differing line and how many differ.
void expect_same_output(const std::string& cap, const std::string& args, const std::string& strato_extra = "") {
  auto theirs = st::run("tshark -n -r " + q(cap) + args);
  ASSERT_EQ(theirs.exit_code, 0) << "tshark" << args << "\n" << theirs.err;
  ASSERT_EQ(theirs.err.find("Lua"), std::string::npos) << "the script fails in tshark itself:\n" << theirs.err;
  ASSERT_EQ(theirs.out.find("Lua Error"), std::string::npos) << "the script fails in tshark itself";
  auto ours = st::run(q(st::strato_bin()) + " read -n -r " + q(cap) + args + strato_extra);
  ASSERT_EQ(ours.exit_code, 0) << "strato read" << args << strato_extra << "\nfailed: " << first_line(ours.err);
  auto t = st::split_lines(theirs.out), o = st::split_lines(ours.out);
  size_t differ = 0, first = 0;
  for (size_t i = 0; i < std::max(t.size(), o.size()); ++i) {
    const std::string* a = i < t.size() ? &t[i] : nullptr;
    const std::string* b = i < o.size() ? &o[i] : nullptr;
    if (a && b && *a == *b) continue;
    if (differ++ == 0) first = i;
  }
  if (differ == 0) return;
  ADD_FAILURE() << differ << " of " << t.size() << " lines differ (strato printed " << o.size() << ")"
                << "\n  args: " << args << strato_extra << "\n  first differing line " << first + 1
                << "\n  tshark: " << (first < t.size() ? t[first] : "(no line)")
                << "\n  strato: " << (first < o.size() ? o[first] : "(no line)");
}

class LuaOracle : public ::testing::TestWithParam<Case> {};

// Sanity of the oracle itself: the script decodes the recorded traffic in
// tshark, without Lua errors, on as many frames as the traffic holds.
TEST_P(LuaOracle, ScriptDecodesTrafficInTshark) {
  REQUIRE_RECORDING();
  const Case& c = GetParam();
  auto r = st::run("tshark -n -r " + q(cap) + lua_args({c.script}) + " -Y " + c.proto + " -T fields -e frame.number");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("Lua"), std::string::npos) << r.err;
  EXPECT_GE(static_cast<int>(st::split_lines(r.out).size()), c.min_frames);
  auto errs = st::run("tshark -n -r " + q(cap) + lua_args({c.script}) + " -V | grep -c 'Lua Error'");
  EXPECT_EQ(errs.out, "0\n") << "tshark reports Lua errors with " << c.script;
  if (!c.tcp) return;
  // Messages cut over segments, and segments holding several messages.
  std::string proto = c.proto;
  auto cut = st::run("tshark -n -r " + q(cap) + lua_args({c.script}) + " -Y 'tcp.len > 0 && !" + proto +
                     "' -T fields -e frame.number");
  EXPECT_GE(st::split_lines(cut.out).size(), 10u) << "too few segments carrying part of a message";
  auto packed = st::run("tshark -n -r " + q(cap) + lua_args({c.script}) + " -Y 'count(" + proto +
                        ".length) >= 2' -T fields -e frame.number");
  EXPECT_GE(st::split_lines(packed.out).size(), 10u) << "too few segments carrying several messages";
}

// Every field of the protocol on every frame.
TEST_P(LuaOracle, FieldsMatchTshark) {
  REQUIRE_RECORDING();
  const Case& c = GetParam();
  auto fields = script_fields(c.script);
  ASSERT_GE(fields.size(), 9u) << "no ProtoField found in " << c.script;
  fields.insert(fields.begin(), "frame.number");
  fields.insert(fields.end(), c.extra.begin(), c.extra.end());
  expect_same_output(cap, lua_args({c.script}) + field_args(fields));
}

// The frames that carry the protocol (`-Y proto`).
TEST_P(LuaOracle, FramesMatchTshark) {
  REQUIRE_RECORDING();
  const Case& c = GetParam();
  expect_same_output(cap, lua_args({c.script}) + " -Y " + c.proto + " -T fields -e frame.number");
}

// Protocol and Info columns the script sets, on every frame (TCP's own
// columns on the segments of a message that is not complete yet).
TEST_P(LuaOracle, ColumnsMatchTshark) {
  REQUIRE_RECORDING();
  const Case& c = GetParam();
  expect_same_output(cap, lua_args({c.script}) + field_args({"frame.number", "_ws.col.Protocol", "_ws.col.Info"}));
}

// ProtoExpert items (and Lua errors, if any) on the protocol's frames.
TEST_P(LuaOracle, ExpertsMatchTshark) {
  REQUIRE_RECORDING();
  const Case& c = GetParam();
  expect_same_output(cap, lua_args({c.script}) + " -Y " + c.proto +
                              field_args({"frame.number", "_ws.expert.message", "_ws.expert.severity",
                                          "_ws.expert.group"}));
}

// TCP's reassembly around the Lua framing: which segments make up each
// message, where a message ends, which frames the protocol touched.
TEST(LuaOracleTcp, ReassemblyMatchesTshark) {
  REQUIRE_RECORDING();
  int tcp_scripts = 0;
  for (const Case& c : kCases) {
    if (!c.tcp) continue;
    SCOPED_TRACE(c.script);
    ++tcp_scripts;
    expect_same_output(cap, lua_args({c.script}) +
                                field_args({"frame.number", "frame.protocols", "tcp.segment", "tcp.segment.count",
                                            "tcp.reassembled.length", "tcp.pdu.size", "tcp.segment_data"}));
  }
  EXPECT_EQ(tcp_scripts, 2);
}

// The packet details (-V): Lua subtrees, generated items, appended texts and
// expert items printed like built-in ones, reassembly notes on TCP.
TEST_P(LuaOracle, VerboseTreeMatchesTshark) {
  REQUIRE_RECORDING();
  expect_same_output(cap, lua_args({GetParam().script}) + " -V");
}

// Hex dumps (-x), with the reassembled buffers TCP adds as data sources.
TEST_P(LuaOracle, HexDumpMatchesTshark) {
  REQUIRE_RECORDING();
  expect_same_output(cap, lua_args({GetParam().script}) + " -x");
}

// A filter on a Lua field's value.
TEST_P(LuaOracle, FieldFilterMatchesTshark) {
  REQUIRE_RECORDING();
  const Case& c = GetParam();
  auto fields = script_fields(c.script);
  ASSERT_FALSE(fields.empty());
  // The second field of each script is a small integer (type or id) that most frames have.
  expect_same_output(cap, lua_args({c.script}) + " -Y '" + fields[1] + " >= 2'" +
                              field_args({"frame.number", fields[1]}));
}

// `strato fields` lists the script's protocol and fields (experts included)
// as `tshark -G fields` does, given the script the same way.
TEST_P(LuaOracle, FieldListMatchesTsharkG) {
  const Case& c = GetParam();
  auto rows = [&](const std::string& out) {
    std::vector<std::string> v;
    for (auto& line : st::split_lines(out)) {
      std::vector<std::string> cols;
      std::stringstream ls(line);
      for (std::string col; std::getline(ls, col, '\t');) cols.push_back(col);
      bool ours = (cols.size() == 3 && cols[0] == "P" && cols[2] == c.proto) ||
                  (cols.size() >= 5 && cols[0] == "F" && cols[4] == c.proto);
      if (ours) v.push_back(line);
    }
    std::sort(v.begin(), v.end());
    return v;
  };
  auto theirs = st::run("tshark -G fields" + lua_args({c.script}));
  auto t = rows(theirs.out);
  ASSERT_GE(t.size(), 5u) << "tshark -G fields lists no " << c.proto << " fields";
  auto ours = st::run(q(st::strato_bin()) + " fields" + lua_args({c.script}));
  ASSERT_EQ(ours.exit_code, 0) << "strato fields" << lua_args({c.script}) << "\nfailed: " << first_line(ours.err);
  auto o = rows(ours.out);
  std::string missing, extra;
  for (auto& r : t)
    if (!std::binary_search(o.begin(), o.end(), r)) missing += "\n  " + r;
  for (auto& r : o)
    if (!std::binary_search(t.begin(), t.end(), r)) extra += "\n  " + r;
  EXPECT_TRUE(missing.empty() && extra.empty())
      << "rows of tshark -G fields missing in strato fields:" << missing << "\nrows only strato lists:" << extra;
}

INSTANTIATE_TEST_SUITE_P(Dissectors, LuaOracle, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.proto); });

// All four scripts loaded at once, as tshark takes several -X lua_script.
TEST(LuaOracleAll, AllScriptsTogetherMatchTshark) {
  REQUIRE_RECORDING();
  std::vector<std::string> scripts, fields = {"frame.number", "frame.protocols", "_ws.col.Protocol"};
  for (const Case& c : kCases) {
    scripts.push_back(c.script);
    auto f = script_fields(c.script);
    fields.insert(fields.end(), f.begin(), f.begin() + 4);
  }
  expect_same_output(cap, lua_args(scripts) + field_args(fields));
}

// Messages split over segments need per-flow state: one worker and two
// give tshark's answer.
TEST(LuaOracleAll, DesegmentationSameWithOneAndTwoThreads) {
  REQUIRE_RECORDING();
  for (const char* script : {"lpm_tcp_pdus.lua", "lpx_desegment.lua"}) {
    SCOPED_TRACE(script);
    auto fields = script_fields(script);
    fields.insert(fields.begin(), "frame.number");
    for (const char* threads : {" --threads 1", " --threads 2"})
      expect_same_output(cap, lua_args({script}) + field_args(fields), threads);
  }
}

}  // namespace
