// What the tshark comparison cannot show: the C++ contract other Lua
// plugins code against (tvb_api.h), expiry of Tvbs a call handed out,
// Lua 5.4 operators on UInt64/Int64, and misuse that must end in a Lua
// error rather than a crash.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lua_state.h"
#include "tvb_api.h"

namespace sl = strato::lua;

namespace {

class TvbApi : public ::testing::Test {
 protected:
  TvbApi() : state_(sl::StateOptions{}) { sl::open_tvb_api(L()); }
  lua_State* L() const { return state_.L(); }

  // Runs `code` (a chunk, may `return` one value); returns tostring of the
  // result, or "ERROR: message".
  std::string eval(const std::string& code) {
    if (luaL_loadstring(L(), code.c_str()) != LUA_OK) {
      std::string e = lua_tostring(L(), -1);
      lua_pop(L(), 1);
      return "ERROR: " + e;
    }
    std::string err;
    if (!state_.call(0, 1, err)) return "ERROR: " + err;
    std::string out = luaL_tolstring(L(), -1, nullptr);
    lua_pop(L(), 2);
    return out;
  }

  void set_global_tvb(const char* name, const std::vector<uint8_t>& bytes, uint32_t base = 0) {
    sl::push_tvb(L(), strato::Tvb{bytes.data(), uint32_t(bytes.size()), base}, uint32_t(bytes.size()));
    lua_setglobal(L(), name);
  }

  sl::State state_;
};

const std::vector<uint8_t> kBytes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};

TEST_F(TvbApi, TvbOfAnEndedCallIsExpired) {
  set_global_tvb("t", kBytes);
  ASSERT_EQ(eval("r = t(1, 2); return r:uint()"), "515");
  const uint64_t gen = sl::tvb_generation(L());
  sl::end_generation(L());
  EXPECT_EQ(sl::tvb_generation(L()), gen + 1);
  for (const char* code : {"return t:len()", "return r:uint()", "return t(0, 1)", "return tostring(r)"})
    EXPECT_NE(eval(code).find("expired tvb"), std::string::npos) << code;
  // A Tvb pushed now is of the new generation.
  set_global_tvb("t", kBytes);
  EXPECT_EQ(eval("return t(7):uint()"), "8");
}

TEST_F(TvbApi, ByteArrayTvbOwnsItsBytesUntilTheCallEnds) {
  ASSERT_EQ(eval("bt = ByteArray.new('0a0b0c'):tvb('x'); collectgarbage(); collectgarbage(); return bt(1, 2):uint()"),
            "2828");
  EXPECT_EQ(eval("return bt:offset()"), "0");
  sl::end_generation(L());
  EXPECT_NE(eval("return bt:len()").find("expired tvb"), std::string::npos);
}

TEST_F(TvbApi, ErrorsNameTheExpectedClass) {
  set_global_tvb("t", kBytes);
  EXPECT_NE(eval("return t.len(5)").find("Tvb expected"), std::string::npos);
  EXPECT_NE(eval("return t(0, 1).uint(t)").find("TvbRange expected"), std::string::npos);
  EXPECT_NE(eval("return ByteArray.len(t)").find("ByteArray expected"), std::string::npos);
  EXPECT_NE(eval("return t(0, 5):uint()").find("TvbRange:uint() does not handle 5 byte integers"), std::string::npos);
  EXPECT_NE(eval("return t(0, 9)").find("Range is out of bounds"), std::string::npos);
}

TEST_F(TvbApi, RangeHelpersForOtherPlugins) {
  set_global_tvb("t", kBytes, 14);
  lua_getglobal(L(), "t");
  sl::LuaTvb* tvb = sl::check_tvb(L(), -1);
  ASSERT_NE(tvb, nullptr);
  EXPECT_EQ(tvb->len, 8u);
  EXPECT_EQ(tvb->base, 14u);
  // Clamped to the Tvb, never past it.
  sl::LuaTvbRange* r = sl::push_tvbrange(L(), *tvb, 6, 10);
  EXPECT_EQ(r->offset, 6u);
  EXPECT_EQ(r->len, 2u);
  EXPECT_EQ(r->view().base, 20u);
  EXPECT_EQ(r->view().u16(0), 0x0708);
  EXPECT_EQ(sl::test_tvbrange(L(), -1), r);
  EXPECT_EQ(sl::test_tvbrange(L(), -2), nullptr);  // the Tvb itself
  EXPECT_EQ(sl::test_bytearray(L(), -1), nullptr);
  EXPECT_EQ(sl::test_address(L(), -1), nullptr);
  lua_pop(L(), 2);

  sl::push_bytearray(L(), "\x01\x02", 2);
  const std::string* ba = sl::test_bytearray(L(), -1);
  ASSERT_NE(ba, nullptr);
  EXPECT_EQ(*ba, std::string("\x01\x02", 2));
  lua_pop(L(), 1);

  strato::Address a;
  a.family = strato::Address::IPv4;
  a.bytes[0] = 10, a.bytes[3] = 7;
  sl::push_address(L(), a);
  ASSERT_NE(sl::test_address(L(), -1), nullptr);
  EXPECT_TRUE(*sl::test_address(L(), -1) == a);
  EXPECT_STREQ(luaL_tolstring(L(), -1, nullptr), "10.0.0.7");
  lua_pop(L(), 2);
}

TEST_F(TvbApi, ToUint64TakesIntegersIntegralFloatsAnd64BitUserdata) {
  struct Case {
    const char* expr;
    bool ok;
    uint64_t want;
  };
  const Case cases[] = {
      {"return 5", true, 5},
      {"return -1", true, UINT64_MAX},
      {"return 3.0", true, 3},
      {"return 3.5", false, 0},
      {"return 2^63", true, uint64_t(1) << 63},
      {"return 2^64", false, 0},
      {"return UInt64.max()", true, UINT64_MAX},
      {"return Int64(-2)", true, uint64_t(-2)},
      {"return '5'", false, 0},
      {"return nil", false, 0},
      {"return ByteArray.new('05')", false, 0},
  };
  for (const Case& c : cases) {
    ASSERT_EQ(luaL_dostring(L(), c.expr), LUA_OK) << c.expr;
    uint64_t v = 12345;
    EXPECT_EQ(sl::to_uint64(L(), -1, v), c.ok) << c.expr;
    if (c.ok) EXPECT_EQ(v, c.want) << c.expr;
    lua_pop(L(), 1);
  }
  sl::push_uint64(L(), 7);
  sl::push_int64(L(), -7);
  uint64_t a = 0, b = 0;
  EXPECT_TRUE(sl::to_uint64(L(), -2, a));
  EXPECT_TRUE(sl::to_uint64(L(), -1, b));
  EXPECT_EQ(a, 7u);
  EXPECT_EQ(int64_t(b), -7);
  lua_pop(L(), 2);
}

TEST_F(TvbApi, Lua54OperatorsOn64BitValues) {
  EXPECT_EQ(eval("return UInt64(1) << 40"), "1099511627776");
  EXPECT_EQ(eval("return UInt64.max() >> 60"), "15");
  EXPECT_EQ(eval("return UInt64(12) & 10"), "8");
  EXPECT_EQ(eval("return UInt64(12) | 3"), "15");
  EXPECT_EQ(eval("return UInt64(12) ~ 10"), "6");
  EXPECT_EQ(eval("return ~Int64(0)"), "-1");
  EXPECT_EQ(eval("return Int64(-7) // 2"), "-3");
  EXPECT_EQ(eval("return math.type(UInt64(9):tonumber())"), "integer");
  EXPECT_EQ(eval("return UInt64.max():tonumber()"), "1.844674407371e+19");
  EXPECT_EQ(eval("return Int64.min() // -1"), "-9223372036854775808");
  EXPECT_EQ(eval("return Int64.min() % -1"), "0");
  EXPECT_NE(eval("return Int64(1) // 0").find("divide Int64 by zero"), std::string::npos);
}

TEST_F(TvbApi, MisuseIsALuaErrorNotACrash) {
  set_global_tvb("t", kBytes);
  // Finalising by hand, then using: an error, and the later real __gc is harmless.
  EXPECT_NE(eval("local b = ByteArray.new('01'); getmetatable(b).__gc(b); getmetatable(b).__gc(b); return b:len()")
                .find("ByteArray"),
            std::string::npos);
  EXPECT_NE(eval("return t(0, 1):bitfield(0, 65)").find("ERROR"), std::string::npos);
  EXPECT_NE(eval("return t(0, 8):bitfield(-1, 2)").find("ERROR"), std::string::npos);
  EXPECT_NE(eval("return UInt64(1):lshift(-1)").find("ERROR"), std::string::npos);
  EXPECT_EQ(eval("return UInt64(1):lshift(64)"), "0");
  EXPECT_EQ(eval("return Int64(-8):arshift(100)"), "-1");
  EXPECT_NE(eval("return ByteArray.new('01'):set_size(1 << 40)").find("ERROR"), std::string::npos);
  EXPECT_EQ(eval("return Address.ip('not an address')"), "0.0.0.0");
  EXPECT_NE(eval("return t(0, 2):nstime()").find("ERROR"), std::string::npos);
  EXPECT_EQ(eval("return tostring(t(8))"), "<EMPTY>");
  EXPECT_NE(eval("return t(8):stringz()").find("out of bounds"), std::string::npos);
  EXPECT_EQ(eval("return NSTime.new(1, 5) + NSTime(0, 999999999)"), "2.000000004");
  EXPECT_EQ(eval("return -NSTime(1, 5)"), "-1.000000005");
}

}  // namespace
