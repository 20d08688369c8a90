// The "lua" dissector plugin on a real capture (mixed-small.pcapng: DNS from
// dig to dnsmasq on UDP port 32958), with small scripts of its own
// (tests/lua_dissect/scripts/). Where tshark 4.0 runs the same script, its
// output is the oracle.
#include <algorithm>
#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace st = strato::test;

namespace {

std::string capture() { return st::shared_file("captures/live/mixed-small.pcapng"); }
std::string script(const std::string& name) { return st::source_dir() + "/tests/lua_dissect/scripts/" + name; }
std::string q(const std::string& s) { return "'" + s + "'"; }

st::CommandResult strato_read(const std::string& args) {
  return st::run(q(st::strato_bin()) + " read -r " + q(capture()) + " " + args);
}

st::CommandResult tshark_read(const std::string& args) {
  return st::run("tshark -r " + q(capture()) + " " + args + " 2>/dev/null");
}

const char kMyDnsFields[] =
    " -T fields -e frame.number -e mydns.id -e mydns.flags -e mydns.flags.response -e mydns.flags.opcode"
    " -e mydns.flags.rd -e mydns.flags.rcode -e mydns.qdcount -e mydns.ancount -e mydns.qname -e mydns.qtype"
    " -e mydns.tag -e mydns.srcport -e mydns.frame -e _ws.col.Protocol -e _ws.col.Info -e frame.protocols";

// The same command in tshark and strato: equal, non-empty output.
void expect_same_as_tshark(const std::string& args, size_t min_lines) {
  if (!st::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  auto t = tshark_read(args);
  auto s = strato_read(args);
  ASSERT_EQ(s.exit_code, 0) << s.err;
  ASSERT_GE(st::split_lines(t.out).size(), min_lines) << "tshark gave too little: " << t.out;
  EXPECT_EQ(s.out, t.out);
}

TEST(LuaDissect, DnsHeaderFieldsColumnsAndLayersMatchTshark) {
  expect_same_as_tshark("-X lua_script:" + q(script("mydns.lua")) + " -Y mydns" + kMyDnsFields, 10);
}

TEST(LuaDissect, PrefsFromDashOMatchTshark) {
  expect_same_as_tshark("-X lua_script:" + q(script("mydns.lua")) +
                            " -o mydns.tag:hello -o mydns.verbose:TRUE -Y mydns" + kMyDnsFields, 10);
  auto s = strato_read("-X lua_script:" + q(script("mydns.lua")) + " -o mydns.tag:hello -Y mydns -T fields -e mydns.tag -c 1");
  EXPECT_EQ(s.out, "hello\n");
}

TEST(LuaDissect, LuaFieldsInDisplayFilterMatchTshark) {
  expect_same_as_tshark("-X lua_script:" + q(script("mydns.lua")) +
                            " -Y 'mydns.flags.response == 1 && mydns.qtype == 28' -T fields -e frame.number -e mydns.id",
                        1);
}

TEST(LuaDissect, ScriptArgumentsMatchTshark) {
  expect_same_as_tshark("-X lua_script:" + q(script("args.lua")) +
                            " -X lua_script1:first -X lua_script1:second -Y argsdns -T fields -e argsdns.args",
                        1);
}

TEST(LuaDissect, UnknownPrefIsAOneLineErrorNamingIt) {
  auto s = strato_read("-X lua_script:" + q(script("mydns.lua")) + " -o mydns.nope:1 -c 1");
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_NE(s.err.find("mydns.nope"), std::string::npos) << s.err;
  EXPECT_EQ(st::split_lines(s.err).size(), 1u) << s.err;
  EXPECT_TRUE(s.out.empty());
}

TEST(LuaDissect, RuntimeErrorBecomesExpertItemAndDissectionGoesOn) {
  auto s = strato_read("-X lua_script:" + q(script("errors.lua")) +
                       " -Y errdns -T fields -e frame.number -e errdns.id -e _ws.expert.message -e _ws.expert.severity");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  auto lines = st::split_lines(s.out);
  ASSERT_GE(lines.size(), 10u);
  size_t errors = 0, clean = 0;
  for (const auto& l : lines) {
    // errors.lua fails on odd transaction ids, after adding the id.
    auto tab1 = l.find('\t'), tab2 = l.find('\t', tab1 + 1);
    std::string id = l.substr(tab1 + 1, tab2 - tab1 - 1);
    ASSERT_EQ(id.rfind("0x", 0), 0u) << l;
    bool odd = std::stoul(id, nullptr, 16) % 2 == 1;
    if (odd) {
      EXPECT_NE(l.find("\tLua error: " + script("errors.lua") + ":12: attempt to index a nil value"), std::string::npos)
          << l;
      EXPECT_NE(l.find("\t8388608"), std::string::npos) << "severity Error: " << l;
      ++errors;
    } else {
      EXPECT_EQ(l.find("Lua error"), std::string::npos) << l;
      ++clean;
    }
  }
  EXPECT_GT(errors, 0u);
  EXPECT_GT(clean, 0u);
  // Packets after an error are still dissected by the other dissectors.
  auto all = strato_read("-X lua_script:" + q(script("errors.lua")) + " -T fields -e frame.number -e http.request.method");
  EXPECT_EQ(st::split_lines(all.out).size(), 78u);
  EXPECT_NE(all.out.find("GET"), std::string::npos);
}

TEST(LuaDissect, RunawayLoopIsCutOffWithAnExpertItem) {
  auto s = strato_read("-X lua_script:" + q(script("runaway.lua")) +
                       " --lua-max-instructions 2000000 -Y loopdns -T fields -e frame.number -e loopdns.id -e _ws.expert.message");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  auto lines = st::split_lines(s.out);
  ASSERT_GE(lines.size(), 10u);
  size_t cut = 0;
  for (const auto& l : lines)
    if (l.find("Lua error: " + script("runaway.lua") + ":11: instruction limit") != std::string::npos) ++cut;
  // Every response loops, queries do not: half of the DNS packets.
  EXPECT_EQ(cut * 2, lines.size()) << s.out;
}

TEST(LuaDissect, BadScriptIsAOneLineErrorWithFileAndLine) {
  auto s = strato_read("-X lua_script:" + q(script("bad_syntax.lua")));
  EXPECT_NE(s.exit_code, 0);
  EXPECT_TRUE(s.out.empty()) << s.out;
  ASSERT_EQ(st::split_lines(s.err).size(), 1u) << s.err;
  EXPECT_NE(s.err.find("lua: " + script("bad_syntax.lua") + ":5:"), std::string::npos) << s.err;
  auto missing = strato_read("-X lua_script:/nonexistent/x.lua");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("/nonexistent/x.lua"), std::string::npos) << missing.err;
}

TEST(LuaDissect, SandboxHidesIoAndOsExecuteUnlessUnsafe) {
  const std::string args = "-X lua_script:" + q(script("sandbox.lua")) + " -Y sandbox -c 1 -T fields -e sandbox.io -e sandbox.os_execute";
  auto safe = strato_read(args);
  ASSERT_EQ(safe.exit_code, 0) << safe.err;
  EXPECT_EQ(safe.out, "nil\tnil\n");
  auto unsafe = strato_read(args + " --lua-unsafe");
  ASSERT_EQ(unsafe.exit_code, 0) << unsafe.err;
  EXPECT_EQ(unsafe.out, "table\tfunction\n");
}

TEST(LuaDissect, OneThreadAndTwoThreadsGiveTheSameOutput) {
  const std::string args = "-X lua_script:" + q(script("mydns.lua")) + " -X lua_script:" + q(script("errors.lua")) +
                           " -o mydns.verbose:TRUE -V";
  // errors.lua and mydns.lua both claim the port: the later script wins, as in tshark.
  auto one = strato_read(args + " --threads 1");
  auto two = strato_read(args + " --threads 2");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("DNS with errors"), std::string::npos);
  EXPECT_EQ(one.out, two.out);
  auto f1 = strato_read("-X lua_script:" + q(script("mydns.lua")) + " --threads 1" + kMyDnsFields);
  auto f2 = strato_read("-X lua_script:" + q(script("mydns.lua")) + " --threads 2" + kMyDnsFields);
  EXPECT_EQ(f1.out, f2.out);
}

TEST(LuaDissect, FieldsAreListedLikeBuiltIns) {
  auto s = st::run(q(st::strato_bin()) + " fields -X lua_script:" + q(script("mydns.lua")));
  if (s.exit_code != 0) GTEST_SKIP() << "strato fields takes no Lua flags: " << s.err;
  EXPECT_NE(s.out.find("mydns.flags.rcode"), std::string::npos);
}

TEST(LuaDissect, PostdissectorSeesEveryFrameLikeTshark) {
  expect_same_as_tshark("-X lua_script:" + q(script("post.lua")) +
                            " -T fields -e frame.number -e postlen.len -e postlen.udp -e frame.protocols",
                        78);
}

TEST(LuaDissect, PipelineFileLoadsScriptsArgsAndPrefs) {
  std::string dir = st::temp_dir();
  std::string yaml = dir + "/lua-pipeline.yaml";
  std::string text = "sources:\n  in: { plugin: file, path: " + capture() +
                     " }\nsinks:\n  out: { inputs: [in], plugin: fields, field: [frame.number, mydns.tag] }\n"
                     "engine: { filter: 'mydns', count: 2 }\nlua:\n  - { script: " + script("mydns.lua") +
                     ", args: [x] }\nprefs: { mydns.tag: fromyaml }\n";
  ASSERT_EQ(st::run("printf '%s' " + q(text) + " > " + q(yaml)).exit_code, 0);
  auto ok = st::run(q(st::strato_bin()) + " run " + q(yaml));
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "1\tfromyaml\n2\tfromyaml\n");
  std::string bad = dir + "/lua-pipeline-bad.yaml";
  ASSERT_EQ(st::run("printf 'lua:\\n  - { script: " + script("mydns.lua") + ", argz: [x] }\\n' > " + q(bad)).exit_code, 0);
  auto err = st::run(q(st::strato_bin()) + " run " + q(bad));
  EXPECT_EQ(err.exit_code, 1);
  EXPECT_NE(err.err.find(bad + ":2: lua: unknown key 'argz'"), std::string::npos) << err.err;
}

TEST(LuaDissect, NoScriptCostsNothing) {
  auto with = strato_read("-T fields -e frame.protocols -e _ws.col.Info");
  ASSERT_EQ(with.exit_code, 0) << with.err;
  EXPECT_EQ(with.out.find("mydns"), std::string::npos);
  EXPECT_EQ(st::split_lines(with.out).size(), 78u);
}

}  // namespace

TEST(LuaDissect, ObjectsKeptFromAnEarlierPacketAreExpired) {
  auto s = strato_read("-X lua_script:" + q(script("kept_objects.lua")) +
                       " --threads 1 -Y keepdns -T fields -e frame.number -e keepdns.id -e _ws.expert.message");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  auto lines = st::split_lines(s.out);
  ASSERT_GE(lines.size(), 6u);
  size_t expired = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    // Only this packet's own id: the kept TreeItem must not have added to it.
    EXPECT_EQ(std::count(l.begin(), l.end(), ','), 0) << l;
    if (i % 3 == 0) {
      EXPECT_EQ(l.find("Lua error"), std::string::npos) << l;
    } else {
      EXPECT_NE(l.find("Lua error: " + script("kept_objects.lua")), std::string::npos) << l;
      EXPECT_NE(l.find("expired"), std::string::npos) << l;
      ++expired;
    }
  }
  EXPECT_GE(expired, 4u);
}
