// Struct: Wireshark 4.0's binary packing class. Its format language and its
// quirks (an 'X' element is 8 aligned padding bytes, integers up to 32
// bytes wrap to their low 64 bits, c0 takes its length from the value
// unpacked just before) are reproduced as tshark 4.0 shows them, so a
// dissector written against tshark reads the same values here.
#include "struct_api.h"

#include <cctype>
#include <cmath>
#include <cstring>
#include <string>

extern "C" {
#include <lauxlib.h>
}

#include "tvb_api.h"

namespace strato::lua {

namespace {

constexpr int kMaxIntSize = 32;
constexpr int kMaxAlign = 8;

struct Header {
  bool little = true;  // native order of the hosts strato runs on
  int align = 1;
  bool noassign = false;
};

// wslua names a missing argument "nil", as Lua 5.2's type errors did.
const char* type_name(lua_State* L, int arg) { return lua_isnone(L, arg) ? "nil" : luaL_typename(L, arg); }

[[noreturn]] void arg_error(lua_State* L, const char* fname, int arg, const std::string& msg) {
  luaL_error(L, "bad argument #%d to '%s' (%s)", arg, fname, msg.c_str());
  __builtin_unreachable();
}

const char* check_format(lua_State* L, const char* fname) {
  if (lua_type(L, 1) != LUA_TSTRING) arg_error(L, fname, 1, "must be a Lua string");
  return lua_tostring(L, 1);
}

int get_num(lua_State* L, const char** fmt, int dflt) {
  if (!std::isdigit(static_cast<unsigned char>(**fmt))) return dflt;
  long a = 0;
  do {
    if (a > (INT32_MAX - 9) / 10) luaL_error(L, "integral size overflow");
    a = a * 10 + (*((*fmt)++) - '0');
  } while (std::isdigit(static_cast<unsigned char>(**fmt)));
  return static_cast<int>(a);
}

bool is_value_option(int opt) {
  return std::strchr("bBhHlLTiIeEfdcs", opt) != nullptr;
}

// Bytes an option takes (0: variable or none), reading its count.
size_t opt_size(lua_State* L, const char* fname, int opt, const char** fmt) {
  switch (opt) {
    case 'b': case 'B': case 'x': return 1;
    case 'h': case 'H': return 2;
    case 'f': return 4;
    case 'l': case 'L': case 'T': case 'e': case 'E': case 'd': case 'X': return 8;
    case 'c': return static_cast<size_t>(get_num(L, fmt, 1));
    case 'i': case 'I': {
      int n = get_num(L, fmt, 4);
      if (n > kMaxIntSize) luaL_error(L, "integral size %d is larger than limit of %d", n, kMaxIntSize);
      return static_cast<size_t>(n);
    }
    case 's': return 0;
    default:
      if (std::isalnum(opt)) arg_error(L, fname, 1, std::string("invalid format option [") + char(opt) + "]");
      return 0;
  }
}

size_t to_align(size_t len, const Header& h, int opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  if (size > static_cast<size_t>(h.align)) size = static_cast<size_t>(h.align);
  return (size - (len & (size - 1))) & (size - 1);
}

void control(lua_State* L, const char* fname, int opt, const char** fmt, Header& h) {
  switch (opt) {
    case ' ': return;
    case '>': h.little = false; return;
    case '<': h.little = true; return;
    case '(': h.noassign = true; return;
    case ')': h.noassign = false; return;
    case '!': {
      int a = get_num(L, fmt, kMaxAlign);
      if (a <= 0 || (a & (a - 1))) luaL_error(L, "alignment %d is not a power of 2", a);
      h.align = a;
      return;
    }
    default:
      arg_error(L, fname, 1, std::string("invalid format option '") + char(opt) + "'");
  }
}

// A Lua number's bits as C's casts give them on x86-64 (what tshark shows
// for out-of-range values).
uint64_t number_bits(double n) {
  if (n < 0) return n >= -9223372036854775808.0 ? static_cast<uint64_t>(static_cast<int64_t>(n)) : 0x8000000000000000u;
  if (n < 18446744073709551616.0) return static_cast<uint64_t>(n);
  return 0;
}

void put_integer(std::string& out, double n, bool little, size_t size) {
  const uint64_t v = number_bits(n);
  std::string b(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    uint8_t byte = i < 8 ? static_cast<uint8_t>(v >> (8 * i)) : (n < 0 ? 0xff : 0);
    b[little ? i : size - 1 - i] = static_cast<char>(byte);
  }
  out += b;
}

uint64_t get_integer(const char* p, bool little, bool is_signed, size_t size) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i) {
    const auto byte = static_cast<uint8_t>(p[little ? size - 1 - i : i]);
    v = (size > 8 && i + 8 < size ? 0 : v << 8) | byte;
  }
  if (is_signed && size > 0 && size < 8) {
    const uint64_t sign = uint64_t(1) << (size * 8 - 1);
    if (v & sign) v |= ~((sign << 1) - 1);
  }
  return v;
}

// Integers exactly representable as doubles stay Lua integers (what 5.2's
// numbers print as); larger ones become floats as in tshark.
void push_integer_value(lua_State* L, uint64_t v, bool is_signed) {
  constexpr uint64_t kExact = uint64_t(1) << 53;
  if (is_signed) {
    const auto s = static_cast<int64_t>(v);
    if (s >= -static_cast<int64_t>(kExact) && s <= static_cast<int64_t>(kExact)) lua_pushinteger(L, s);
    else lua_pushnumber(L, static_cast<double>(s));
  } else if (v <= kExact) {
    lua_pushinteger(L, static_cast<lua_Integer>(v));
  } else {
    lua_pushnumber(L, static_cast<double>(v));
  }
}

double check_number(lua_State* L, const char* fname, int arg) {
  int ok = 0;
  double n = lua_tonumberx(L, arg, &ok);
  if (!ok) arg_error(L, fname, arg, std::string("number expected, got ") + type_name(L, arg));
  return n;
}

std::string check_string(lua_State* L, const char* fname, int arg) {
  size_t len = 0;
  const char* s = lua_type(L, arg) == LUA_TNUMBER || lua_type(L, arg) == LUA_TSTRING ? lua_tolstring(L, arg, &len) : nullptr;
  if (!s) arg_error(L, fname, arg, std::string("string expected, got ") + type_name(L, arg));
  return std::string(s, len);
}

void put_float(std::string& out, const void* p, size_t size, bool little) {
  std::string b(static_cast<const char*>(p), size);
  if (!little) std::string(b.rbegin(), b.rend()).swap(b);
  out += b;
}

int struct_pack(lua_State* L) {
  constexpr const char* kName = "Struct.pack";
  const char* fmt = check_format(L, kName);
  Header h;
  std::string out;
  int arg = 2;
  while (*fmt) {
    const int opt = *fmt++;
    size_t size = opt_size(L, kName, opt, &fmt);
    out.append(to_align(out.size(), h, opt, size), '\0');
    if (h.noassign && is_value_option(opt)) {
      out.append(size, '\0');
      continue;
    }
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        put_integer(out, check_number(L, kName, arg), h.little, size);
        ++arg;
        break;
      case 'e': case 'E': {
        const char* cls = opt == 'e' ? "Int64" : "UInt64";
        void* ud = luaL_testudata(L, arg, cls);
        if (!ud) {
          if (lua_type(L, arg) == LUA_TUSERDATA) arg_error(L, kName, arg, std::string(cls) + " expected, got userdata");
          arg_error(L, kName, arg, std::string("userdata expected, got ") + type_name(L, arg));
        }
        uint64_t v;
        std::memcpy(&v, ud, sizeof v);
        for (size_t i = 0; i < 8; ++i) out += static_cast<char>(v >> (8 * (h.little ? i : 7 - i)));
        ++arg;
        break;
      }
      case 'x': out += '\0'; break;
      case 'X': out.append(8, '\0'); break;
      case 'f': {
        const auto f = static_cast<float>(check_number(L, kName, arg++));
        put_float(out, &f, sizeof f, h.little);
        break;
      }
      case 'd': {
        const double d = check_number(L, kName, arg++);
        put_float(out, &d, sizeof d, h.little);
        break;
      }
      case 'c': {
        std::string s = check_string(L, kName, arg);
        if (size == 0) size = s.size();
        if (s.size() < size) arg_error(L, kName, arg + 1, "string too short");
        out.append(s, 0, size);
        ++arg;
        break;
      }
      case 's': {
        out += check_string(L, kName, arg++);
        out += '\0';
        break;
      }
      default: control(L, kName, opt, &fmt, h);
    }
  }
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

int struct_unpack(lua_State* L) {
  constexpr const char* kName = "Struct.unpack";
  const char* fmt = check_format(L, kName);
  if (lua_type(L, 2) != LUA_TSTRING) arg_error(L, kName, 2, "must be a Lua string");
  size_t ld = 0;
  const char* data = lua_tolstring(L, 2, &ld);
  const lua_Integer start = luaL_optinteger(L, 3, 1);
  if (start < 1) arg_error(L, kName, 2, "data string too short");
  size_t pos = static_cast<size_t>(start - 1);
  Header h;
  int n = 0;
  while (*fmt) {
    const int opt = *fmt++;
    size_t size = opt_size(L, kName, opt, &fmt);
    pos += to_align(pos, h, opt, size);
    if (pos > ld || size > ld - pos) arg_error(L, kName, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");
    bool pushed = true;
    switch (opt) {
      case 'b': case 'h': case 'l': case 'i':
        push_integer_value(L, get_integer(data + pos, h.little, true, size), true);
        break;
      case 'B': case 'H': case 'L': case 'T': case 'I':
        push_integer_value(L, get_integer(data + pos, h.little, false, size), false);
        break;
      case 'e': push_int64(L, static_cast<int64_t>(get_integer(data + pos, h.little, true, 8))); break;
      case 'E': push_uint64(L, get_integer(data + pos, h.little, false, 8)); break;
      case 'f': case 'd': {
        char b[8];
        for (size_t i = 0; i < size; ++i) b[i] = data[pos + (h.little ? i : size - 1 - i)];
        if (opt == 'f') {
          float f;
          std::memcpy(&f, b, sizeof f);
          lua_pushnumber(L, f);
        } else {
          double d;
          std::memcpy(&d, b, sizeof d);
          lua_pushnumber(L, d);
        }
        break;
      }
      case 'c': {
        if (size == 0) {
          if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format `c0' needs a previous size");
          const lua_Integer want = lua_tointeger(L, -1);
          lua_pop(L, 1);
          --n;
          if (want < 0 || static_cast<size_t>(want) > ld - pos) arg_error(L, kName, 2, "data string too short");
          size = static_cast<size_t>(want);
        }
        lua_pushlstring(L, data + pos, size);
        break;
      }
      case 's': {
        const void* end = std::memchr(data + pos, '\0', ld - pos);
        if (!end) luaL_error(L, "unfinished string in data");
        size = static_cast<size_t>(static_cast<const char*>(end) - (data + pos)) + 1;
        lua_pushlstring(L, data + pos, size - 1);
        break;
      }
      case 'x': case 'X': pushed = false; break;
      default:
        control(L, kName, opt, &fmt, h);
        pushed = false;
    }
    if (pushed) {
      if (h.noassign) lua_pop(L, 1);
      else ++n;
    }
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos + 1));
  return n + 1;
}

int struct_size(lua_State* L) {
  constexpr const char* kName = "Struct.size";
  const char* fmt = check_format(L, kName);
  Header h;
  size_t pos = 0;
  while (*fmt) {
    const int opt = *fmt++;
    size_t size = opt_size(L, kName, opt, &fmt);
    pos += to_align(pos, h, opt, size);
    if (opt == 's') arg_error(L, kName, 1, "option 's' has no fixed size");
    if (opt == 'c' && size == 0) arg_error(L, kName, 1, "option 'c0' has no fixed size");
    if (!std::isalnum(opt)) control(L, kName, opt, &fmt, h);
    pos += size;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(pos));
  return 1;
}

int struct_values(lua_State* L) {
  constexpr const char* kName = "Struct.values";
  const char* fmt = check_format(L, kName);
  Header h;
  lua_Integer n = 0;
  while (*fmt) {
    const int opt = *fmt++;
    size_t size = opt_size(L, kName, opt, &fmt);
    if (!std::isalnum(opt)) control(L, kName, opt, &fmt, h);
    else if (is_value_option(opt) && !h.noassign && (size > 0 || opt == 's' || opt == 'c')) ++n;
  }
  lua_pushinteger(L, n);
  return 1;
}

int struct_tohex(lua_State* L) {
  constexpr const char* kName = "Struct.tohex";
  const std::string s = check_string(L, kName, 1);
  if (!lua_isnoneornil(L, 2) && !lua_isboolean(L, 2)) arg_error(L, kName, 2, "must be a boolean");
  const bool lower = lua_toboolean(L, 2);
  const char* sep = luaL_optstring(L, 3, "");
  const char* digits = lower ? "0123456789abcdef" : "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += sep;
    out += digits[static_cast<uint8_t>(s[i]) >> 4];
    out += digits[static_cast<uint8_t>(s[i]) & 15];
  }
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Pairs of hex digits; any run of whole `sep` strings before a pair is
// skipped; stops at the first thing that is neither (as tshark does, without
// an error).
int struct_fromhex(lua_State* L) {
  constexpr const char* kName = "Struct.fromhex";
  if (lua_type(L, 1) != LUA_TSTRING) arg_error(L, kName, 1, "must be a Lua string");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  size_t seplen = 0;
  const char* sep = luaL_optlstring(L, 2, "", &seplen);
  std::string out;
  size_t i = 0;
  while (i < len) {
    while (seplen && len - i >= seplen && std::memcmp(s + i, sep, seplen) == 0) i += seplen;
    if (len - i < 2) break;
    const int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
    if (hi < 0 || lo < 0) break;
    out += static_cast<char>(hi << 4 | lo);
    i += 2;
  }
  lua_pushlstring(L, out.data(), out.size());
  return 1;
}

}  // namespace

void open_struct_api(lua_State* L) {
  static const luaL_Reg kStruct[] = {{"pack", struct_pack},   {"unpack", struct_unpack}, {"size", struct_size},
                                     {"values", struct_values}, {"tohex", struct_tohex},  {"fromhex", struct_fromhex},
                                     {nullptr, nullptr}};
  luaL_newlib(L, kStruct);
  lua_pushliteral(L, "Struct");
  lua_setfield(L, -2, "__typeof");
  lua_setglobal(L, "Struct");
}

}  // namespace strato::lua
