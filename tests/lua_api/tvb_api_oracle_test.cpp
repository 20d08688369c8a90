// The Tvb, TvbRange, ByteArray, UInt64/Int64, Address and NSTime bindings
// against tshark 4.0's own: exprs.lua's expressions run on the same payload
// (payload.hex) in a tshark Lua dissector and in a strato::lua::State, and
// every line must match. eval_exprs.lua formats values the same way on both
// sides (integral floats as integers, since Lua 5.2 prints 5 where 5.4
// prints 5.0); for errors only their presence is compared, not the text.
// exprs.lua avoids numeric literals above 2^53: Lua 5.2 reads them as doubles.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lua_state.h"
#include "test_support.h"
#include "tvb_api.h"

namespace st = strato::test;
namespace sl = strato::lua;

namespace {

std::string dir() { return st::source_dir() + "/tests/lua_api"; }

std::vector<uint8_t> payload() {
  std::ifstream in(dir() + "/payload.hex");
  std::vector<uint8_t> out;
  std::string byte;
  while (in >> byte) out.push_back(uint8_t(std::stoul(byte, nullptr, 16)));
  return out;
}

// The ENC_* values the expressions use, as Wireshark's init.lua defines them
// (the Lua dissector plugin defines them for scripts).
constexpr const char* kEncodings = R"(
ENC_BIG_ENDIAN = 0; ENC_LITTLE_ENDIAN = 0x80000000; ENC_ASCII = 0; ENC_UTF_8 = 2; ENC_UTF_16 = 4;
ENC_UCS_2 = 6; ENC_ISO_8859_1 = 10; ENC_STR_HEX = 0x02000000; ENC_SEP_NONE = 0x00010000;
ENC_SEP_COLON = 0x00020000
)";

struct StratoRun {
  std::vector<std::string> lines, expired;
  std::string error;
};

bool do_lua(lua_State* L, const std::string& code, std::string& err) {
  if (luaL_dostring(L, code.c_str()) == LUA_OK) return true;
  err = lua_tostring(L, -1);
  lua_pop(L, 1);
  return false;
}

void collect(lua_State* L, std::vector<std::string>& out) {
  for (lua_Integer i = 1, n = luaL_len(L, -1); i <= n; ++i) {
    lua_rawgeti(L, -1, i);
    out.push_back(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

StratoRun run_strato(const std::vector<uint8_t>& bytes) {
  StratoRun r;
  sl::State state(sl::StateOptions{});
  lua_State* L = state.L();
  sl::open_tvb_api(L);
  if (!do_lua(L, kEncodings, r.error)) return r;
  if (!do_lua(L, "exprs, expired = dofile('" + dir() + "/exprs.lua'); eval = dofile('" + dir() + "/eval_exprs.lua')",
              r.error))
    return r;
  // Packet 1, as the Ethernet/IPv4/UDP payload at frame offset 42.
  lua_getglobal(L, "eval");
  lua_getglobal(L, "exprs");
  sl::push_tvb(L, strato::Tvb{bytes.data(), uint32_t(bytes.size()), 42}, uint32_t(bytes.size()));
  lua_pushvalue(L, -1);
  lua_setglobal(L, "saved_tvb");
  if (!state.call(2, 1, r.error)) return r;
  collect(L, r.lines);
  if (!do_lua(L, "kept = {kept_tvb = saved_tvb, kept_range = saved_tvb(0, 4)}", r.error)) return r;
  sl::end_generation(L);
  // Packet 2.
  lua_getglobal(L, "eval");
  lua_getglobal(L, "expired");
  sl::push_tvb(L, strato::Tvb{bytes.data(), uint32_t(bytes.size()), 42}, uint32_t(bytes.size()));
  lua_getglobal(L, "kept");
  if (!state.call(3, 1, r.error)) return r;
  collect(L, r.expired);
  return r;
}

// "EXPR = ERROR: text" compares as "EXPR = ERROR".
std::string comparable(const std::string& line) {
  const auto pos = line.find(" = ERROR");
  return pos == std::string::npos ? line : line.substr(0, pos + 8);
}

TEST(TvbApiOracle, EveryExpressionAsTshark) {
  if (!st::have_program("tshark") || !st::have_program("python3")) GTEST_SKIP() << "tshark or python3 missing";
  const std::string tmp = st::temp_dir();
  const std::string pcap = tmp + "/tvbapi.pcap";
  auto gen = st::run("python3 " + dir() + "/make_payload.py " + pcap);
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  // -Y makes tshark dissect although -q prints nothing of its own.
  auto ts = st::run("tshark -n -r " + pcap + " -X lua_script:" + dir() + "/tshark_oracle.lua -X lua_script1:" + dir() +
                    " -q -Y udp 2>/dev/null");
  ASSERT_EQ(ts.exit_code, 0) << ts.err;
  const std::vector<std::string> want = st::split_lines(ts.out);

  const StratoRun got = run_strato(payload());
  ASSERT_TRUE(got.error.empty()) << got.error;
  std::vector<std::string> all = got.lines;
  all.insert(all.end(), got.expired.begin(), got.expired.end());
  ASSERT_EQ(want.size(), all.size()) << "tshark printed " << want.size() << " lines:\n" << ts.out;
  ASSERT_GT(got.lines.size(), 300u);
  int compared = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(comparable(want[i]), comparable(all[i])) << "line " << i + 1 << "\n  tshark: " << want[i] << "\n  strato: " << all[i];
    ++compared;
  }
  EXPECT_GT(compared, 300);
  // Every expression of packet 2 uses the Tvb of packet 1: all must fail.
  ASSERT_EQ(got.expired.size(), 5u);
  for (const auto& line : got.expired) EXPECT_NE(line.find("= ERROR: "), std::string::npos) << line;
  EXPECT_NE(got.expired[1].find("expired tvb"), std::string::npos) << got.expired[1];
}

}  // namespace
