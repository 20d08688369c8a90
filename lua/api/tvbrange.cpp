// TvbRange: the typed readers of a slice of a Tvb, with wslua's checks and
// error texts (a wrong length names the method, as Wireshark does).
#include <cstring>
#include <string>

#include "lua_state.h"
#include "tvb_api_internal.h"

namespace strato::lua::detail {

namespace {

constexpr uint32_t kLittleEndian = 0x80000000u;  // ENC_LITTLE_ENDIAN
constexpr uint32_t kCharEncodingMask = 0x0000FFFEu;
constexpr uint32_t kUtf8 = 0x02, kUtf16 = 0x04, kUcs2 = 0x06, kIso8859_1 = 0x0A;
constexpr uint32_t kStrHex = 0x02000000u;  // ENC_STR_HEX
constexpr uint32_t kSepColon = 0x00020000u, kSepDash = 0x00040000u, kSepDot = 0x00080000u,
                   kSepSpace = 0x00100000u;

const uint8_t* bytes_of(const LuaTvbRange& r) { return r.tvb.data + r.offset; }

uint64_t read_be(const uint8_t* p, uint32_t n) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < n; ++i) v = v << 8 | p[i];
  return v;
}

uint64_t read_le(const uint8_t* p, uint32_t n) {
  uint64_t v = 0;
  for (uint32_t i = n; i > 0; --i) v = v << 8 | p[i - 1];
  return v;
}

int64_t sign_extend(uint64_t v, uint32_t n) {
  if (n >= 8) return int64_t(v);
  const uint64_t sign = uint64_t(1) << (8 * n - 1);
  return int64_t((v ^ sign) - sign);
}

uint64_t read(const LuaTvbRange& r, bool le) { return le ? read_le(bytes_of(r), r.len) : read_be(bytes_of(r), r.len); }

int get_uint(lua_State* L, bool le, const char* name) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  if (r.len < 1 || r.len > 4) return luaL_error(L, "TvbRange:%s() does not handle %d byte integers", name, int(r.len));
  lua_pushinteger(L, lua_Integer(read(r, le)));
  return 1;
}
int r_uint(lua_State* L) { return get_uint(L, false, "uint"); }
int r_le_uint(lua_State* L) { return get_uint(L, true, "le_uint"); }

int get_int(lua_State* L, bool le, const char* name) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  if (r.len < 1 || r.len > 4) return luaL_error(L, "TvbRange:%s() does not handle %d byte integers", name, int(r.len));
  lua_pushinteger(L, sign_extend(read(r, le), r.len));
  return 1;
}
int r_int(lua_State* L) { return get_int(L, false, "int"); }
int r_le_int(lua_State* L) { return get_int(L, true, "le_int"); }

int get_64(lua_State* L, bool le, bool is_signed, const char* name) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  if (r.len < 1 || r.len > 8) return luaL_error(L, "TvbRange:%s() does not handle %d byte integers", name, int(r.len));
  const uint64_t v = read(r, le);
  if (is_signed) push_int64(L, sign_extend(v, r.len)); else push_uint64(L, v);
  return 1;
}
int r_uint64(lua_State* L) { return get_64(L, false, false, "uint64"); }
int r_le_uint64(lua_State* L) { return get_64(L, true, false, "le_uint64"); }
int r_int64(lua_State* L) { return get_64(L, false, true, "int64"); }
int r_le_int64(lua_State* L) { return get_64(L, true, true, "le_int64"); }

int get_float(lua_State* L, bool le, const char* name) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  const uint64_t v = read(r, le);
  if (r.len == 4) {
    const auto u = uint32_t(v);
    float f;
    std::memcpy(&f, &u, 4);
    lua_pushnumber(L, f);
  } else if (r.len == 8) {
    double d;
    std::memcpy(&d, &v, 8);
    lua_pushnumber(L, d);
  } else {
    return luaL_error(L, "TvbRange:%s() does not handle %d byte floating numbers", name, int(r.len));
  }
  return 1;
}
int r_float(lua_State* L) { return get_float(L, false, "float"); }
int r_le_float(lua_State* L) { return get_float(L, true, "le_float"); }

int get_address(lua_State* L, strato::Address::Family fam, uint32_t n, bool reversed, const char* err) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  if (r.len != n) return luaL_error(L, "%s", err);
  strato::Address a;
  a.family = fam;
  for (uint32_t i = 0; i < n; ++i) a.bytes[i] = bytes_of(r)[reversed ? n - 1 - i : i];
  push_address(L, a);
  return 1;
}
int r_ipv4(lua_State* L) {
  return get_address(L, strato::Address::IPv4, 4, false, "TvbRange_ipv4: The range must be 4 octets long");
}
int r_le_ipv4(lua_State* L) {
  return get_address(L, strato::Address::IPv4, 4, true, "TvbRange_le_ipv4: The range must be 4 octets long");
}
int r_ipv6(lua_State* L) {
  return get_address(L, strato::Address::IPv6, 16, false, "TvbRange_ipv6: The range must be 16 octets long");
}
int r_ether(lua_State* L) {
  return get_address(L, strato::Address::Ether, 6, false, "TvbRange_ether: The range must be 6 bytes long");
}

// Seconds and nanoseconds, 4 bytes each (the nanoseconds optional); only
// the binary form: wslua's string time encodings are not supported.
int get_nstime(lua_State* L, bool le, const char* name) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  if (luaL_optinteger(L, 2, 0) != 0) return luaL_error(L, "TvbRange_%s: invalid encoding value", name);
  if (r.len != 4 && r.len != 8) return luaL_error(L, "TvbRange_%s: The range must be 4 or 8 bytes long", name);
  const uint8_t* p = bytes_of(r);
  const auto secs = uint32_t(le ? read_le(p, 4) : read_be(p, 4));
  const auto nsecs = r.len == 8 ? uint32_t(le ? read_le(p + 4, 4) : read_be(p + 4, 4)) : 0u;
  // nstime_t holds both as signed (time_t, int): a high bit turns negative.
  push_nstime(L, int64_t(int32_t(secs)), int32_t(nsecs));
  lua_pushinteger(L, r.len);
  return 2;
}
int r_nstime(lua_State* L) { return get_nstime(L, false, "nstime"); }
int r_le_nstime(lua_State* L) { return get_nstime(L, true, "le_nstime"); }

void put_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | cp >> 6);
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | cp >> 12);
    out += char(0x80 | (cp >> 6 & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | cp >> 18);
    out += char(0x80 | (cp >> 12 & 0x3F));
    out += char(0x80 | (cp >> 6 & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

constexpr uint32_t kReplacement = 0xFFFD;

// Valid UTF-8 passes through; each byte of a bad sequence becomes U+FFFD.
void utf8_clean(const uint8_t* p, size_t n, std::string& out) {
  size_t i = 0;
  while (i < n) {
    const uint8_t c = p[i];
    size_t need = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 99;
    if (need == 0) {
      out += char(c);
      ++i;
      continue;
    }
    bool ok = need != 99 && i + need < n;
    for (size_t k = 1; ok && k <= need; ++k) ok = (p[i + k] & 0xC0) == 0x80;
    if (ok && ((need == 1 && c < 0xC2) || (need == 3 && c > 0xF4))) ok = false;
    if (ok) {
      out.append(reinterpret_cast<const char*>(p + i), need + 1);
      i += need + 1;
    } else {
      put_utf8(out, kReplacement);
      ++i;
    }
  }
}

void utf16(const uint8_t* p, size_t n, bool le, bool surrogates, std::string& out) {
  for (size_t i = 0; i + 1 < n; i += 2) {
    uint32_t u = le ? uint32_t(p[i] | p[i + 1] << 8) : uint32_t(p[i] << 8 | p[i + 1]);
    if (surrogates && u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
      const uint32_t lo = le ? uint32_t(p[i + 2] | p[i + 3] << 8) : uint32_t(p[i + 2] << 8 | p[i + 3]);
      if (lo >= 0xDC00 && lo < 0xE000) {
        put_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    put_utf8(out, (u >= 0xD800 && u < 0xE000) ? kReplacement : u);
  }
  if (n % 2) put_utf8(out, kReplacement);
}

bool two_byte_units(uint32_t enc) {
  const uint32_t cs = enc & kCharEncodingMask;
  return cs == kUtf16 || cs == kUcs2;
}

// Bytes in `enc` to UTF-8 as tvb_get_string_enc does: ASCII turns every
// byte above 0x7f into U+FFFD; unknown encodings are read as ASCII.
std::string decode(const uint8_t* p, size_t n, uint32_t enc) {
  std::string out;
  out.reserve(n);
  const bool le = enc & kLittleEndian;
  switch (enc & kCharEncodingMask) {
    case kUtf8: utf8_clean(p, n, out); break;
    case kUtf16: utf16(p, n, le, true, out); break;
    case kUcs2: utf16(p, n, le, false, out); break;
    case kIso8859_1:
      for (size_t i = 0; i < n; ++i) put_utf8(out, p[i]);
      break;
    default:
      for (size_t i = 0; i < n; ++i) {
        if (p[i] < 0x80) out += char(p[i]); else put_utf8(out, kReplacement);
      }
  }
  return out;
}

uint32_t opt_encoding(lua_State* L, int idx, uint32_t def) { return uint32_t(luaL_optinteger(L, idx, def)); }

// wslua hands Lua as many bytes of the converted text as the range is long.
int r_string(lua_State* L) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  std::string s = decode(bytes_of(r), r.len, opt_encoding(L, 2, 0));
  if (s.size() > r.len) s.resize(r.len);
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}

int unicode_string(lua_State* L, bool le) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  std::string s = decode(bytes_of(r), r.len, kUtf16 | (le ? kLittleEndian : 0));
  s.resize(std::strlen(s.c_str()));
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}
int r_ustring(lua_State* L) { return unicode_string(L, false); }
int r_le_ustring(lua_State* L) { return unicode_string(L, true); }

// Size of the NUL-terminated string at the range's offset, terminator
// included; as Wireshark, the search runs to the end of the Tvb, not the range.
size_t strsize(lua_State* L, const LuaTvbRange& r, uint32_t enc) {
  const uint8_t* p = bytes_of(r);
  const size_t avail = r.tvb.len - r.offset;
  const size_t unit = two_byte_units(enc) ? 2 : 1;
  for (size_t i = 0; i + unit <= avail; i += unit) {
    if (p[i] == 0 && (unit == 1 || p[i + 1] == 0)) return i + unit;
  }
  luaL_error(L, "out of bounds");
  return 0;
}

int stringz_as(lua_State* L, uint32_t enc) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  const size_t n = strsize(L, r, enc);
  const size_t unit = two_byte_units(enc) ? 2 : 1;
  std::string s = decode(bytes_of(r), n - unit, enc);
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}
int r_stringz(lua_State* L) { return stringz_as(L, opt_encoding(L, 2, 0)); }
int r_ustringz(lua_State* L) { return stringz_as(L, kUtf16); }
int r_le_ustringz(lua_State* L) { return stringz_as(L, kUtf16 | kLittleEndian); }

int r_strsize(lua_State* L) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  lua_pushinteger(L, lua_Integer(strsize(L, r, opt_encoding(L, 2, 0))));
  return 1;
}

int hex_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Without an encoding: the range's bytes. With ENC_STR_HEX: the range is
// hex text (separators per ENC_SEP_*); returns the ByteArray and how many
// bytes of text it read.
int r_bytes(lua_State* L) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  const uint32_t enc = opt_encoding(L, 2, 0);
  if (enc == 0) {
    push_bytearray(L, bytes_of(r), r.len);
    return 1;
  }
  if (!(enc & kStrHex)) return luaL_error(L, "TvbRange_bytes: invalid encoding value");
  std::string seps;
  if (enc & kSepColon) seps += ':';
  if (enc & kSepDash) seps += '-';
  if (enc & kSepDot) seps += '.';
  if (enc & kSepSpace) seps += ' ';
  const uint8_t* p = bytes_of(r);
  std::string& out = push_empty_bytearray(L);
  size_t i = 0;
  while (i < r.len) {
    size_t j = i;
    if (!out.empty() && !seps.empty()) {
      if (seps.find(char(p[j])) == std::string::npos) break;
      ++j;
    }
    if (j + 1 >= r.len) break;
    const int hi = hex_value(p[j]), lo = hex_value(p[j + 1]);
    if (hi < 0 || lo < 0) break;
    out += char(hi << 4 | lo);
    i = j + 2;
  }
  lua_pushinteger(L, lua_Integer(i));
  return 2;
}

// Bits counted from the most significant bit of the range's first byte.
int r_bitfield(lua_State* L) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  const lua_Integer pos = luaL_optinteger(L, 2, 0);
  const lua_Integer len = luaL_optinteger(L, 3, 1);
  if (pos < 0 || len < 0 || pos + len > lua_Integer(r.len) * 8) return luaL_error(L, "Requested bitfield out of range");
  if (len > 64) return luaL_error(L, "TvbRange:bitfield() does not handle %d bits", int(len));
  const uint8_t* p = bytes_of(r);
  uint64_t v = 0;
  for (lua_Integer b = pos; b < pos + len; ++b) v = v << 1 | ((p[b >> 3] >> (7 - (b & 7))) & 1);
  if (len <= 32) lua_pushinteger(L, lua_Integer(v)); else push_uint64(L, v);
  return 1;
}

// Sub-range; offset and length relative to this range, -1: to its end.
int r_range(lua_State* L) {
  RangeUd* ud = self_range_ud(L);
  const LuaTvbRange& r = ud->r;
  const lua_Integer off = luaL_optinteger(L, 2, 0);
  lua_Integer len = luaL_optinteger(L, 3, -1);
  if (len == -1) len = lua_Integer(r.len) - off;
  if (off < 0 || len < 0 || off >= lua_Integer(r.len) || off + len > lua_Integer(r.len))
    return luaL_error(L, "Range is out of bounds");
  push_range(L, r.tvb, r.offset + uint32_t(off), uint32_t(len), ud->gen);
  return 1;
}

int r_tvb(lua_State* L) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  push_tvb(L, r.view(), r.len);
  return 1;
}

int r_offset(lua_State* L) {
  lua_pushinteger(L, self_range_ud(L)->r.offset);
  return 1;
}

int r_len(lua_State* L) {
  lua_pushinteger(L, self_range_ud(L)->r.len);
  return 1;
}

int r_raw(lua_State* L) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  const lua_Integer off = luaL_optinteger(L, 2, 0);
  lua_Integer len = luaL_optinteger(L, 3, -1);
  if (off < 0 || off > lua_Integer(r.len)) return luaL_argerror(L, 1, "TvbRange_raw: offset beyond end of TvbRange");
  if (len == -1) len = lua_Integer(r.len) - off;
  if (len < 0 || off + len > lua_Integer(r.len)) return luaL_error(L, "Range is out of bounds");
  lua_pushlstring(L, reinterpret_cast<const char*>(bytes_of(r)) + off, size_t(len));
  return 1;
}

// Lower-case hex, cut after 36 bytes with an ellipsis, "<EMPTY>" when empty.
int r_tostring(lua_State* L) {
  const LuaTvbRange& r = self_range_ud(L)->r;
  if (r.len == 0) {
    lua_pushliteral(L, "<EMPTY>");
    return 1;
  }
  static const char kHex[] = "0123456789abcdef";
  constexpr uint32_t kMaxBytes = 36;
  const uint32_t n = r.len > kMaxBytes ? kMaxBytes : r.len;
  std::string s;
  s.reserve(2 * n + 3);
  const uint8_t* p = bytes_of(r);
  for (uint32_t i = 0; i < n; ++i) {
    s += kHex[p[i] >> 4];
    s += kHex[p[i] & 15];
  }
  if (r.len > kMaxBytes) s += "\xE2\x80\xA6";
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}

const luaL_Reg kRangeMethods[] = {
    {"uint", r_uint},
    {"le_uint", r_le_uint},
    {"int", r_int},
    {"le_int", r_le_int},
    {"uint64", r_uint64},
    {"le_uint64", r_le_uint64},
    {"int64", r_int64},
    {"le_int64", r_le_int64},
    {"float", r_float},
    {"le_float", r_le_float},
    {"ipv4", r_ipv4},
    {"le_ipv4", r_le_ipv4},
    {"ipv6", r_ipv6},
    {"ether", r_ether},
    {"nstime", r_nstime},
    {"le_nstime", r_le_nstime},
    {"string", r_string},
    {"ustring", r_ustring},
    {"le_ustring", r_le_ustring},
    {"stringz", r_stringz},
    {"ustringz", r_ustringz},
    {"le_ustringz", r_le_ustringz},
    {"strsize", r_strsize},
    {"bytes", r_bytes},
    {"bitfield", r_bitfield},
    {"range", r_range},
    {"tvb", r_tvb},
    {"offset", r_offset},
    {"len", r_len},
    {"raw", r_raw},
    {"__call", r_range},
    {"__tostring", r_tostring},
    {"__concat", concat_as_strings},
    {nullptr, nullptr},
};

}  // namespace

void open_tvbrange(lua_State* L) { new_class(L, kTvbRange, kRangeMethods, nullptr); }

}  // namespace strato::lua::detail
