// Listener taps made by -X lua_script scripts: the same script run by
// `tshark -q -X lua_script:F -r CAP` and `strato read -q -X lua_script:F -r
// CAP` prints the same, with one or two threads, and -Y changes nothing a
// tap sees (taps see every packet, as tshark's do).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "test_support.h"

using namespace strato::test;

namespace {

const char* kMixed = "captures/live/mixed-small.pcapng";

std::string script(const std::string& name) { return source_dir() + "/tests/lua_taps/scripts/" + name; }

std::string write_script(const std::string& name, const std::string& text) {
  static const std::string dir = temp_dir();
  std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

#define REQUIRE_TOOLS()                                                                             \
  if (!std::filesystem::exists(build_dir() + "/plugins/lua.so")) GTEST_SKIP() << "lua plugin not built"; \
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed"

CommandResult tshark(const std::string& cap, const std::string& lua, const std::string& extra = "") {
  return run("tshark -q -X lua_script:'" + lua + "' -r '" + cap + "' " + extra + " 2>/dev/null");
}

CommandResult strato_read(const std::string& cap, const std::string& lua, const std::string& extra = "") {
  return run(strato_bin() + " read -q -X lua_script:'" + lua + "' -r '" + cap + "' " + extra);
}

// tshark's output, strato's with 1 and 2 threads, and both again under a -Y
// that keeps few packets: all the same text. Returns tshark's.
std::string expect_same_as_tshark(const std::string& cap, const std::string& lua, const std::string& few = "dns") {
  auto want = tshark(cap, lua);
  EXPECT_NE(want.out, "") << "tshark printed nothing for " << lua << " on " << cap;
  auto want_y = tshark(cap, lua, "-Y '" + few + "'");
  EXPECT_EQ(want_y.out, want.out) << "tshark's taps changed with -Y " << few;
  for (const std::string extra : {std::string("--threads 1"), std::string("--threads 2"), "--threads 2 -Y '" + few + "'"}) {
    auto got = strato_read(cap, lua, extra);
    EXPECT_EQ(got.exit_code, 0) << got.err;
    EXPECT_EQ(got.err, "") << lua << " " << extra;
    EXPECT_EQ(got.out, want.out) << lua << " on " << cap << " " << extra;
  }
  return want.out;
}

}  // namespace

// (a) Only taps: per-stack packet and byte counts and per-layer counts.
TEST(LuaTaps, ListenerOnlyScriptAsTshark) {
  REQUIRE_TOOLS();
  for (const char* rel : {kMixed, "captures/tcpdump-tests/dns_tcp.pcap", "captures/tcpdump-tests/dns_udp_8053.pcap"}) {
    std::string out = expect_same_as_tshark(shared_file(rel), script("count_protocols.lua"));
    if (std::string(rel) == kMixed) {
      EXPECT_NE(out.find("dns\t12\n"), std::string::npos) << out;
      EXPECT_NE(out.find("eth:ethertype:ip:udp:dns\t12\t1168\t1\n"), std::string::npos) << out;
    }
  }
}

// (b) A Lua Proto and, in the same file, a tap reading the fields it adds
// (Field.new on the Lua ProtoFields) next to built-in ones.
TEST(LuaTaps, ProtoAndListenerInOneScriptAsTshark) {
  REQUIRE_TOOLS();
  std::string out = expect_same_as_tshark(shared_file(kMixed), script("proto_and_tap.lua"), "taphdr");
  EXPECT_NE(out.find("refused\t4\n"), std::string::npos) << out;
  EXPECT_NE(out.find("4|0xb88f|47247|true|5|5|api|api|3|55|32958|127.0.0.1|58728|8\n"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 7) << out;
}

// (c) Filtered taps on several layers: which packets each sees and the order
// tshark calls them in (tapped layers in dissection order, frame last,
// newest listener first), tostring, draw then reset at the end.
TEST(LuaTaps, FilteredListenersInTsharkOrder) {
  REQUIRE_TOOLS();
  for (const char* rel : {kMixed, "captures/tcpdump-tests/dns_tcp.pcap", "captures/tcpdump-tests/afs.pcap"}) {
    std::string out = expect_same_as_tshark(shared_file(rel), script("filtered.lua"), "tcp.flags.syn == 1");
    if (std::string(rel) == kMixed) {
      EXPECT_NE(out.find("5:28 7:28 2:28\n"), std::string::npos) << out;
      EXPECT_NE(out.find("Listener(tcp) filter: tcp.flags.syn == 1  tapinfo: YES\t11\n"), std::string::npos) << out;
      EXPECT_NE(out.find("reset 1\n"), std::string::npos) << out;
    }
  }
}

// Listener.new in every shard's copy of the script is harmless: what the
// chunk prints shows once, each packet reaches a tap once.
TEST(LuaTaps, ChunkRunsOnceAndEachPacketTapsOnce) {
  REQUIRE_TOOLS();
  std::string lua = write_script("once.lua", R"(
print("loaded", tostring(Listener.new("udp", "udp.length > 0")))
local seen, dup = {}, 0
local t = Listener.new()
function t.packet(pinfo)
  if seen[pinfo.number] then dup = dup + 1 end
  seen[pinfo.number] = true
end
function t.draw()
  local n = 0
  for _ in pairs(seen) do n = n + 1 end
  print("packets", n, "twice", dup)
end
)");
  std::string out = expect_same_as_tshark(shared_file(kMixed), lua);
  EXPECT_EQ(out, "loaded\tListener(udp) filter: udp.length > 0  tapinfo: YES\npackets\t78\ttwice\t0\n");
}

// Taps work beside normal output: the packet lines are tshark's, the draw
// output follows them.
TEST(LuaTaps, DrawFollowsPacketOutput) {
  REQUIRE_TOOLS();
  std::string lua = write_script("draw.lua", "local n = 0\nlocal t = Listener.new('dns')\n"
                                             "function t.packet() n = n + 1 end\nfunction t.draw() print('dns', n) end\n");
  std::string cap = shared_file(kMixed);
  auto want = run("tshark -n -X lua_script:'" + lua + "' -r '" + cap + "' -Y 'frame.number <= 3' 2>/dev/null");
  auto got = run(strato_bin() + " read -n -X lua_script:'" + lua + "' -r '" + cap + "' -Y 'frame.number <= 3'");
  ASSERT_EQ(got.exit_code, 0) << got.err;
  auto lines = split_lines(got.out);
  ASSERT_EQ(lines.size(), 4u) << got.out;
  EXPECT_EQ(lines[3], "dns\t12");
  EXPECT_EQ(got.out, want.out);
}

// A failing callback: its first error on one line, a count at the end, no crash.
TEST(LuaTaps, CallbackErrorsAreReportedOnceAndCounted) {
  REQUIRE_TOOLS();
  std::string lua = write_script("fails.lua", "local t = Listener.new('dns')\nlocal n = 0\n"
                                              "function t.packet() n = n + 1 error('boom ' .. n) end\n"
                                              "function t.draw() print('calls', n) end\n");
  auto got = strato_read(shared_file(kMixed), lua);
  EXPECT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(got.out, "calls\t12\n");
  EXPECT_EQ(got.err, "lua: " + lua + ":3: boom 1\nlua: Listener.packet failed 12 times\n");
}

// Bad taps and filters stop the run before any packet, naming the line.
TEST(LuaTaps, BadTapOrFilterIsOneLineUsageError) {
  REQUIRE_TOOLS();
  std::string cap = shared_file(kMixed);
  auto tap = strato_read(cap, write_script("badtap.lua", "\nListener.new('nosuchproto')\n"));
  EXPECT_EQ(tap.exit_code, 1);
  EXPECT_EQ(tap.out, "");
  EXPECT_NE(tap.err.find("badtap.lua:2: Listener.new: no tap named nosuchproto"), std::string::npos) << tap.err;
  EXPECT_EQ(std::count(tap.err.begin(), tap.err.end(), '\n'), 1) << tap.err;
  auto filter = strato_read(cap, write_script("badfilter.lua", "local t = Listener.new('dns', 'dns.nosuchfield == 1')\n"));
  EXPECT_EQ(filter.exit_code, 1);
  EXPECT_NE(filter.err.find("badfilter.lua:1: Listener.new:"), std::string::npos) << filter.err;
  EXPECT_NE(filter.err.find("dns.nosuchfield"), std::string::npos) << filter.err;
  auto field = strato_read(cap, write_script("badset.lua", "local t = Listener.new()\nt.pakket = function() end\n"));
  EXPECT_EQ(field.exit_code, 1);
  EXPECT_NE(field.err.find("badset.lua:2: No such 'pakket' method/field for object type 'Listener'"), std::string::npos)
      << field.err;
}
