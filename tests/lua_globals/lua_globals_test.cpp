// The Wireshark 4.0 Lua globals beyond the dissector classes: Struct,
// typeof, format_date/format_time, file_exists, Dir, DATA_DIR/USER_DIR,
// wtap tables, ENC_*/MENU_*, GUI stubs. Each script prints values and
// results (errors included); tshark 4.0 running it is the oracle.
#include <regex>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"

using namespace strato::test;
namespace fs = std::filesystem;

namespace {

const char* kMixed = "captures/live/mixed-small.pcapng";

std::string script(const std::string& name) { return source_dir() + "/tests/lua_globals/scripts/" + name; }

#define REQUIRE_TOOLS()                                                                                  \
  if (!fs::exists(build_dir() + "/plugins/lua.so")) GTEST_SKIP() << "lua plugin not built";              \
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed"

// tshark's first line is its "Running as user root" warning on stderr; 2>/dev/null drops it.
CommandResult tshark(const std::string& cap, const std::string& args) {
  return run("tshark -r '" + cap + "' " + args + " 2>/dev/null");
}

CommandResult strato_read(const std::string& cap, const std::string& args) {
  return run(strato_bin() + " read -r '" + cap + "' " + args);
}

// A fresh directory with a.lua, b.txt, c.lua for the Dir calls.
std::string make_dir_fixture() {
  const std::string d = temp_dir() + "/dirfix";
  fs::remove_all(d);
  fs::create_directories(d);
  for (const char* f : {"a.lua", "b.txt", "c.lua"}) std::ofstream(d + "/" + f) << "x";
  return d;
}

TEST(LuaGlobals, StructMatchesTshark) {
  REQUIRE_TOOLS();
  const std::string cap = shared_file(kMixed);
  const std::string args = "-c 1 -q -X lua_script:'" + script("struct.lua") + "'";
  CommandResult want = tshark(cap, args);
  CommandResult got = strato_read(cap, args);
  ASSERT_EQ(got.exit_code, 0) << got.err;
  ASSERT_GT(split_lines(want.out).size(), 100u) << want.out;
  EXPECT_NE(want.out.find("size\t!4b Xi4 h\tnumber:18\tnumber:3"), std::string::npos);
  EXPECT_EQ(got.out, want.out);
}

TEST(LuaGlobals, GlobalsMatchTshark) {
  REQUIRE_TOOLS();
  const std::string cap = shared_file(kMixed);
  const std::string args = "-c 1 -q -X lua_script:'" + script("globals.lua") + "' -X lua_script1:";
  CommandResult want = tshark(cap, args + make_dir_fixture());
  CommandResult got = strato_read(cap, args + make_dir_fixture() + " --lua-unsafe");
  ASSERT_EQ(got.exit_code, 0) << got.err;
  ASSERT_NE(want.out.find("lua entries\ta.lua c.lua"), std::string::npos) << want.out;
  EXPECT_NE(want.out.find("ENC_ISO_8601_DATE_TIME=196608"), std::string::npos);
  EXPECT_NE(want.out.find("new_dialog\tERR new_dialog: GUI not available"), std::string::npos);
  // tshark's Lua names a global function in argument errors as '_G.f' or
  // as 'f' from one run to the next (it depends on table order): either is
  // the same message.
  auto unqualified = [](std::string s) { return std::regex_replace(s, std::regex("'_G\\."), "'"); };
  const auto w = split_lines(unqualified(want.out)), g = split_lines(unqualified(got.out));
  ASSERT_EQ(g.size(), w.size()) << got.out;
  for (size_t i = 0; i < w.size(); ++i) EXPECT_EQ(g[i], w[i]) << "line " << i + 1;
}

TEST(LuaGlobals, DirRefusedWithoutLuaUnsafe) {
  REQUIRE_TOOLS();
  const std::string s = temp_dir() + "/dir_refused.lua";
  std::ofstream(s) << "print(pcall(Dir.open, '/tmp'))\nprint(pcall(Dir.exists, '/tmp'))\n"
                      "print(Dir.personal_config_path() ~= nil, file_exists('/nonexistent'))\n";
  CommandResult got = strato_read(shared_file(kMixed), "-c 1 -q -X lua_script:'" + s + "'");
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(got.out,
            "false\tDir.open: reading the file system needs --lua-unsafe\n"
            "false\tDir.exists: reading the file system needs --lua-unsafe\n"
            "true\tfalse\n");
}

// A pcap of link type 147 (USER0) whose records carry type(2) value(4) text.
std::string write_user0_pcap() {
  const std::string path = temp_dir() + "/user0.pcap";
  std::ofstream f(path, std::ios::binary);
  auto u32 = [&](uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  u32(0xa1b2c3d4);
  u16(2);
  u16(4);
  u32(0);
  u32(0);
  u32(65535);
  u32(147);
  for (uint32_t i = 0; i < 5; ++i) {
    std::string p;
    const uint16_t type = 0x100 + i;
    const uint32_t value = 1000 * i;
    p += char(type >> 8);
    p += char(type);
    for (int s = 24; s >= 0; s -= 8) p += char(value >> s);
    p += "msg" + std::to_string(i);
    u32(1700000000 + i);
    u32(i * 1000);
    u32(static_cast<uint32_t>(p.size()));
    u32(static_cast<uint32_t>(p.size()));
    f << p;
  }
  return path;
}

TEST(LuaGlobals, WtapEncapUserDltDissector) {
  REQUIRE_TOOLS();
  const std::string cap = write_user0_pcap();
  const std::string args = "-X lua_script:'" + script("user0.lua") +
                           "' -T fields -e frame.number -e ucust.type -e ucust.value -e ucust.msg -e _ws.col.Protocol "
                           "-e _ws.col.Info";
  CommandResult want = tshark(cap, args);
  CommandResult got = strato_read(cap, args);
  ASSERT_EQ(got.exit_code, 0) << got.err;
  ASSERT_EQ(split_lines(want.out).size(), 5u) << want.out;
  EXPECT_NE(want.out.find("5\t0x0104\t4000\tmsg4\tUCUST\ttype=260 value=4000"), std::string::npos) << want.out;
  EXPECT_EQ(got.out, want.out);
}

}  // namespace
