// UInt64 and Int64: 64-bit values as wslua has them (Lua 5.2 had no 64-bit
// integers). Lua 5.4 integers are accepted wherever a value is; both
// classes share one implementation, T picking the signedness.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>

#include "lua_state.h"
#include "tvb_api_internal.h"

namespace strato::lua {

namespace detail {

namespace {

bool is_class(lua_State* L, int idx, const char* name) { return ::strato::lua::test_udata(L, idx, name) != nullptr; }

// Floats outside int64 range saturate instead of being undefined behaviour.
uint64_t float_bits(lua_Number d) {
  if (d != d) return 0;
  if (d >= 18446744073709551616.0) return UINT64_MAX;
  if (d >= 9223372036854775808.0) return uint64_t(d);
  if (d < -9223372036854775808.0) return uint64_t(INT64_MIN);
  return uint64_t(int64_t(d));
}

// The 64 bits of any accepted value; strings parse as decimal, signed
// for Int64 (strtoll) and unsigned for UInt64 (strtoull), as wslua.
uint64_t value_bits(lua_State* L, int idx, bool is_signed) {
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) return uint64_t(lua_tointeger(L, idx));
      return float_bits(lua_tonumber(L, idx));
    case LUA_TSTRING: {
      const char* s = lua_tostring(L, idx);
      return is_signed ? uint64_t(std::strtoll(s, nullptr, 10)) : std::strtoull(s, nullptr, 10);
    }
    case LUA_TUSERDATA:
      if (is_class(L, idx, kUInt64) || is_class(L, idx, kInt64)) return *static_cast<uint64_t*>(lua_touserdata(L, idx));
      break;
    default:
      break;
  }
  luaL_argerror(L, idx, "must be a number, UInt64, Int64, or string");
  return 0;
}

template <typename T>
struct Traits;
template <>
struct Traits<uint64_t> {
  static constexpr const char* name = "UInt64";
};
template <>
struct Traits<int64_t> {
  static constexpr const char* name = "Int64";
};

template <typename T>
struct Cls {
  static constexpr bool kSigned = std::is_signed_v<T>;
  static const char* name() { return Traits<T>::name; }

  static void push(lua_State* L, T v) {
    *static_cast<T*>(lua_newuserdatauv(L, sizeof(T), 0)) = v;
    ::strato::lua::set_metatable(L, name());
  }
  static T get(lua_State* L, int idx) { return T(value_bits(L, idx, kSigned)); }
  static T self(lua_State* L) { return *static_cast<T*>(::strato::lua::check_udata(L, 1, name())); }

  // new([value[, high]]): `high` gives the upper 32 bits, `value` the lower.
  static int construct(lua_State* L, int base) {
    T v = 0;
    if (!lua_isnoneornil(L, base)) v = get(L, base);
    if (!lua_isnoneornil(L, base + 1)) {
      const uint64_t high = value_bits(L, base + 1, kSigned);
      v = T(high << 32 | (uint64_t(v) & 0xFFFFFFFFu));
    }
    push(L, v);
    return 1;
  }
  static int new_(lua_State* L) { return construct(L, 1); }
  static int call(lua_State* L) { return construct(L, 2); }
  static int max(lua_State* L) {
    push(L, kSigned ? T(INT64_MAX) : T(UINT64_MAX));
    return 1;
  }
  static int min(lua_State* L) {
    push(L, kSigned ? T(INT64_MIN) : T(0));
    return 1;
  }
  static int fromhex(lua_State* L) {
    push(L, T(std::strtoull(luaL_checkstring(L, 1), nullptr, 16)));
    return 1;
  }
  // An 8-byte string; `little` true or nil (host order on the hosts strato
  // runs on) reads little-endian, false big-endian.
  static int decode(lua_State* L) {
    size_t n;
    const auto* s = reinterpret_cast<const uint8_t*>(luaL_checklstring(L, 1, &n));
    if (n != 8) {
      lua_pushnil(L);
      return 1;
    }
    const bool big = !lua_isnoneornil(L, 2) && !lua_toboolean(L, 2);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | s[big ? i : 7 - i];
    push(L, T(v));
    return 1;
  }
  static int encode(lua_State* L) {
    const uint64_t v = uint64_t(self(L));
    const bool big = !lua_isnoneornil(L, 2) && !lua_toboolean(L, 2);
    char out[8];
    for (int i = 0; i < 8; ++i) out[big ? 7 - i : i] = char(v >> (8 * i));
    lua_pushlstring(L, out, 8);
    return 1;
  }
  static int tonumber(lua_State* L) {
    const T v = get(L, 1);
    if (kSigned || uint64_t(v) <= uint64_t(INT64_MAX)) lua_pushinteger(L, lua_Integer(v));
    else lua_pushnumber(L, lua_Number(uint64_t(v)));
    return 1;
  }
  // tohex([n]): the lowest |n| hex digits (default 16), upper case when n < 0.
  static int tohex(lua_State* L) {
    uint64_t v = uint64_t(self(L));
    lua_Integer n = luaL_optinteger(L, 2, 16);
    const char* digits = "0123456789abcdef";
    if (n < 0) {
      digits = "0123456789ABCDEF";
      n = -n;
    }
    if (n > 16) n = 16;
    char buf[16];
    for (lua_Integer i = n - 1; i >= 0; --i, v >>= 4) buf[i] = digits[v & 15];
    lua_pushlstring(L, buf, size_t(n));
    return 1;
  }
  // Int64's halves are of the magnitude, the sign on the higher one, as wslua.
  static int higher(lua_State* L) {
    const T v = self(L);
    if constexpr (kSigned) {
      const uint64_t mag = v < 0 ? 0 - uint64_t(v) : uint64_t(v);
      const lua_Integer h = lua_Integer((mag & 0x7FFFFFFF00000000ull) >> 32);
      lua_pushinteger(L, v < 0 ? -h : h);
    } else {
      lua_pushinteger(L, lua_Integer(v >> 32));
    }
    return 1;
  }
  static int lower(lua_State* L) {
    const T v = self(L);
    const uint64_t mag = (kSigned && v < 0) ? 0 - uint64_t(v) : uint64_t(v);
    lua_pushinteger(L, lua_Integer(mag & 0xFFFFFFFFu));
    return 1;
  }
  static int tostring(lua_State* L) {
    const T v = self(L);
    char buf[32];
    if constexpr (kSigned) snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    else snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(v));
    lua_pushstring(L, buf);
    return 1;
  }

  static int add(lua_State* L) {
    push(L, T(uint64_t(get(L, 1)) + uint64_t(get(L, 2))));
    return 1;
  }
  static int sub(lua_State* L) {
    push(L, T(uint64_t(get(L, 1)) - uint64_t(get(L, 2))));
    return 1;
  }
  static int mul(lua_State* L) {
    push(L, T(uint64_t(get(L, 1)) * uint64_t(get(L, 2))));
    return 1;
  }
  static int div(lua_State* L) {
    const T a = get(L, 1), b = get(L, 2);
    if (b == 0) return luaL_error(L, "Trying to divide %s by zero", name());
    if (kSigned && b == T(-1)) push(L, T(0 - uint64_t(a)));  // INT64_MIN / -1 wraps
    else push(L, T(a / b));
    return 1;
  }
  static int mod(lua_State* L) {
    const T a = get(L, 1), b = get(L, 2);
    if (b == 0) return luaL_error(L, "Trying to modulo %s by zero", name());
    push(L, (kSigned && b == T(-1)) ? T(0) : T(a % b));
    return 1;
  }
  static int pow(lua_State* L) {
    const T base = get(L, 1), exp = get(L, 2);
    if (kSigned && exp < 0) {
      push(L, base == 1 ? T(1) : base == T(-1) ? T((exp & 1) ? -1 : 1) : T(0));
      return 1;
    }
    uint64_t r = 1, b = uint64_t(base);
    for (uint64_t e = uint64_t(exp); e; e >>= 1, b *= b) {
      if (e & 1) r *= b;
    }
    push(L, T(r));
    return 1;
  }
  // wslua's UInt64 negation gives the value back unchanged.
  static int unm(lua_State* L) {
    const T v = get(L, 1);
    push(L, kSigned ? T(0 - uint64_t(v)) : v);
    return 1;
  }
  static int eq(lua_State* L) {
    lua_pushboolean(L, get(L, 1) == get(L, 2));
    return 1;
  }
  static int lt(lua_State* L) {
    lua_pushboolean(L, get(L, 1) < get(L, 2));
    return 1;
  }
  static int le(lua_State* L) {
    lua_pushboolean(L, get(L, 1) <= get(L, 2));
    return 1;
  }

  template <typename Op>
  static int fold(lua_State* L, Op op) {
    uint64_t v = uint64_t(get(L, 1));
    for (int i = 2, n = lua_gettop(L); i <= n; ++i) v = op(v, uint64_t(get(L, i)));
    push(L, T(v));
    return 1;
  }
  static int band(lua_State* L) { return fold(L, [](uint64_t a, uint64_t b) { return a & b; }); }
  static int bor(lua_State* L) { return fold(L, [](uint64_t a, uint64_t b) { return a | b; }); }
  static int bxor(lua_State* L) { return fold(L, [](uint64_t a, uint64_t b) { return a ^ b; }); }
  static int bnot(lua_State* L) {
    push(L, T(~uint64_t(get(L, 1))));
    return 1;
  }
  static lua_Integer shift_count(lua_State* L) {
    const lua_Integer n = luaL_checkinteger(L, 2);
    if (n < 0) luaL_argerror(L, 2, "negative shift");
    return n;
  }
  static int lshift(lua_State* L) {
    const uint64_t v = uint64_t(get(L, 1));
    const lua_Integer n = shift_count(L);
    push(L, T(n >= 64 ? 0 : v << n));
    return 1;
  }
  // rshift is logical for both classes; arshift is arithmetic for Int64
  // only (wslua's UInt64 arshift shifts in zeros).
  static int rshift(lua_State* L) {
    const uint64_t v = uint64_t(get(L, 1));
    const lua_Integer n = shift_count(L);
    push(L, T(n >= 64 ? 0 : v >> n));
    return 1;
  }
  static int arshift(lua_State* L) {
    if constexpr (!kSigned) return rshift(L);
    const int64_t v = int64_t(get(L, 1));
    const lua_Integer n = shift_count(L);
    push(L, T(n >= 64 ? (v < 0 ? -1 : 0) : v >> n));
    return 1;
  }
  static int rol(lua_State* L) {
    const uint64_t v = uint64_t(get(L, 1));
    const unsigned n = unsigned(shift_count(L) & 63);
    push(L, T(n ? (v << n | v >> (64 - n)) : v));
    return 1;
  }
  static int ror(lua_State* L) {
    const uint64_t v = uint64_t(get(L, 1));
    const unsigned n = unsigned(shift_count(L) & 63);
    push(L, T(n ? (v >> n | v << (64 - n)) : v));
    return 1;
  }
  static int bswap(lua_State* L) {
    push(L, T(__builtin_bswap64(uint64_t(get(L, 1)))));
    return 1;
  }

  static void open(lua_State* L) {
    static const luaL_Reg methods[] = {
        {"tonumber", tonumber}, {"tohex", tohex},   {"higher", higher},   {"lower", lower},   {"encode", encode},
        {"band", band},         {"bor", bor},       {"bxor", bxor},       {"bnot", bnot},     {"lshift", lshift},
        {"rshift", rshift},     {"arshift", arshift}, {"rol", rol},       {"ror", ror},       {"bswap", bswap},
        {"__tostring", tostring}, {"__concat", concat_as_strings},
        {"__add", add},         {"__sub", sub},     {"__mul", mul},       {"__div", div},     {"__idiv", div},
        {"__mod", mod},         {"__pow", pow},     {"__unm", unm},       {"__eq", eq},       {"__lt", lt},
        {"__le", le},
        // Lua 5.4's operators for what 5.2 scripts spell as methods.
        {"__band", band},       {"__bor", bor},     {"__bxor", bxor},     {"__bnot", bnot},   {"__shl", lshift},
        {"__shr", rshift},      {nullptr, nullptr},
    };
    static const luaL_Reg statics[] = {
        {"new", new_}, {"max", max}, {"min", min}, {"fromhex", fromhex}, {"decode", decode}, {nullptr, nullptr},
    };
    new_class(L, name(), methods, statics);
    lua_getglobal(L, name());
    lua_newtable(L);
    lua_pushcfunction(L, call);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
  }
};

}  // namespace

uint64_t check_u64(lua_State* L, int idx) { return value_bits(L, idx, false); }

void open_int64(lua_State* L) {
  Cls<uint64_t>::open(L);
  Cls<int64_t>::open(L);
}

}  // namespace detail

bool to_uint64(lua_State* L, int idx, uint64_t& out) {
  switch (lua_type(L, idx)) {
    case LUA_TNUMBER: {
      if (lua_isinteger(L, idx)) {
        out = uint64_t(lua_tointeger(L, idx));
        return true;
      }
      const lua_Number d = lua_tonumber(L, idx);
      if (!(d >= -9223372036854775808.0 && d < 18446744073709551616.0) || d != std::floor(d)) return false;
      out = detail::float_bits(d);
      return true;
    }
    case LUA_TUSERDATA:
      if (detail::is_class(L, idx, detail::kUInt64) || detail::is_class(L, idx, detail::kInt64)) {
        out = *static_cast<uint64_t*>(lua_touserdata(L, idx));
        return true;
      }
      return false;
    default:
      return false;
  }
}

void push_uint64(lua_State* L, uint64_t v) { detail::Cls<uint64_t>::push(L, v); }
void push_int64(lua_State* L, int64_t v) { detail::Cls<int64_t>::push(L, v); }

}  // namespace strato::lua
