// ByteArray: a growable byte string owned by Lua (a std::string in the
// userdata, destroyed by __gc), with wslua's constructors and checks.
#include <new>
#include <utility>
#include <string>

#include "lua_state.h"
#include "tvb_api_internal.h"

namespace strato::lua {

namespace detail {

namespace {

// `live` guards against a script calling getmetatable(b).__gc(b) by hand.
struct BaUd {
  std::string s;
  bool live;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Pairs of hex digits, `sep` allowed between them; stops quietly at the
// first thing that is neither, as Wireshark's ByteArray.new does.
void parse_hex(const char* s, size_t n, const std::string& sep, std::string& out) {
  size_t i = 0;
  while (i < n) {
    if (hex_digit(s[i]) < 0) {
      if (!sep.empty() && n - i >= sep.size() && sep.compare(0, sep.size(), s + i, sep.size()) == 0) {
        i += sep.size();
        continue;
      }
      break;
    }
    if (i + 1 >= n || hex_digit(s[i + 1]) < 0) break;
    out += char(hex_digit(s[i]) << 4 | hex_digit(s[i + 1]));
    i += 2;
  }
}

// ByteArray.new([hex[, separator]]) or ByteArray.new(raw, true).
int ba_new(lua_State* L) {
  std::string bytes;
  if (!lua_isnoneornil(L, 1)) {
    size_t n;
    const char* s = luaL_checklstring(L, 1, &n);
    if (lua_type(L, 2) == LUA_TBOOLEAN && lua_toboolean(L, 2)) bytes.assign(s, n);
    else parse_hex(s, n, luaL_optstring(L, 2, " "), bytes);
  }
  push_empty_bytearray(L) = std::move(bytes);
  return 1;
}

int ba_gc(lua_State* L) {
  auto* ud = static_cast<BaUd*>(::strato::lua::check_udata(L, 1, kByteArray));
  if (ud->live) ud->s.~basic_string();
  ud->live = false;
  return 0;
}

int ba_len(lua_State* L) {
  lua_pushinteger(L, lua_Integer(check_bytearray(L, 1)->size()));
  return 1;
}

int ba_set_size(lua_State* L) {
  std::string* b = check_bytearray(L, 1);
  const lua_Integer n = luaL_checkinteger(L, 2);
  if (n < 0) return luaL_error(L, "ByteArray_set_size: ByteArray size must be non-negative");
  if (n > (lua_Integer(1) << 31)) return luaL_error(L, "ByteArray_set_size: size too large");
  b->resize(size_t(n), '\0');
  return 0;
}

lua_Integer check_index(lua_State* L, const std::string& b) {
  const lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 0 || i >= lua_Integer(b.size())) luaL_argerror(L, 1, "index out of range");
  return i;
}

int ba_set_index(lua_State* L) {
  std::string* b = check_bytearray(L, 1);
  const lua_Integer i = check_index(L, *b);
  const lua_Integer v = luaL_checkinteger(L, 3);
  if (v < 0 || v > 255) return luaL_argerror(L, 2, "Byte out of range");
  (*b)[size_t(i)] = char(v);
  return 0;
}

int ba_get_index(lua_State* L) {
  std::string* b = check_bytearray(L, 1);
  lua_pushinteger(L, uint8_t((*b)[size_t(check_index(L, *b))]));
  return 1;
}

int ba_append(lua_State* L) {
  std::string* b = check_bytearray(L, 1);
  b->append(*check_bytearray(L, 2));
  return 0;
}

int ba_prepend(lua_State* L) {
  std::string* b = check_bytearray(L, 1);
  b->insert(0, *check_bytearray(L, 2));
  return 0;
}

int ba_subset(lua_State* L) {
  std::string* b = check_bytearray(L, 1);
  const lua_Integer off = luaL_checkinteger(L, 2), len = luaL_checkinteger(L, 3);
  if (off < 0 || len < 1 || off + len > lua_Integer(b->size())) return luaL_error(L, "Out Of Bounds");
  push_bytearray(L, b->data() + off, size_t(len));
  return 1;
}

std::string to_hex(const std::string& b, bool lower, const std::string& sep) {
  const char* digits = lower ? "0123456789abcdef" : "0123456789ABCDEF";
  std::string s;
  s.reserve(b.size() * (2 + sep.size()));
  for (size_t i = 0; i < b.size(); ++i) {
    if (i) s += sep;
    s += digits[uint8_t(b[i]) >> 4];
    s += digits[uint8_t(b[i]) & 15];
  }
  return s;
}

int ba_tohex(lua_State* L) {
  std::string* b = check_bytearray(L, 1);
  const std::string s = to_hex(*b, lua_toboolean(L, 2), luaL_optstring(L, 3, ""));
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}

int ba_tostring(lua_State* L) {
  const std::string s = to_hex(*check_bytearray(L, 1), false, "");
  lua_pushlstring(L, s.data(), s.size());
  return 1;
}

int ba_raw(lua_State* L) {
  std::string* b = check_bytearray(L, 1);
  const lua_Integer off = luaL_optinteger(L, 2, 0);
  lua_Integer len = luaL_optinteger(L, 3, -1);
  if (off < 0 || off > lua_Integer(b->size())) return luaL_argerror(L, 2, "offset beyond end of byte array");
  if (len < 0) len = lua_Integer(b->size()) - off;
  if (off + len > lua_Integer(b->size())) return luaL_argerror(L, 3, "length beyond end of byte array");
  lua_pushlstring(L, b->data() + off, size_t(len));
  return 1;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Characters outside the alphabet (spaces, newlines, padding) are skipped,
// and a missing '=' padding is tolerated, as GLib's decoder does.
int ba_base64_decode(lua_State* L) {
  const std::string in = *check_bytearray(L, 1);
  std::string& out = push_empty_bytearray(L);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const int v = base64_value(c);
    if (v < 0) continue;
    acc = acc << 6 | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char(acc >> bits & 0xFF);
    }
  }
  return 1;
}

int ba_tvb(lua_State* L) {
  std::string* b = check_bytearray(L, 1);
  push_tvb_copy(L, *b);
  return 1;
}

int ba_concat(lua_State* L) {
  std::string* a = check_bytearray(L, 1);
  std::string* b = check_bytearray(L, 2);
  std::string& out = push_empty_bytearray(L);
  out.reserve(a->size() + b->size());
  out.append(*a).append(*b);
  return 1;
}

int ba_eq(lua_State* L) {
  lua_pushboolean(L, *check_bytearray(L, 1) == *check_bytearray(L, 2));
  return 1;
}

const luaL_Reg kMethods[] = {
    {"len", ba_len},
    {"set_size", ba_set_size},
    {"set_index", ba_set_index},
    {"get_index", ba_get_index},
    {"append", ba_append},
    {"prepend", ba_prepend},
    {"subset", ba_subset},
    {"tohex", ba_tohex},
    {"raw", ba_raw},
    {"base64_decode", ba_base64_decode},
    {"tvb", ba_tvb},
    {"__gc", ba_gc},
    {"__tostring", ba_tostring},
    {"__concat", ba_concat},
    {"__eq", ba_eq},
    {nullptr, nullptr},
};

const luaL_Reg kStatics[] = {{"new", ba_new}, {nullptr, nullptr}};

}  // namespace

std::string* check_bytearray(lua_State* L, int idx) {
  auto* ud = static_cast<BaUd*>(::strato::lua::check_udata(L, idx, kByteArray));
  if (!ud->live) luaL_argerror(L, idx, "ByteArray already collected");
  return &ud->s;
}

std::string& push_empty_bytearray(lua_State* L) {
  auto* ud = static_cast<BaUd*>(lua_newuserdatauv(L, sizeof(BaUd), 0));
  new (&ud->s) std::string();
  ud->live = true;
  ::strato::lua::set_metatable(L, kByteArray);
  return ud->s;
}

void open_bytearray(lua_State* L) { new_class(L, kByteArray, kMethods, kStatics); }

}  // namespace detail

const std::string* test_bytearray(lua_State* L, int idx) {
  if (!::strato::lua::test_udata(L, idx, detail::kByteArray)) return nullptr;
  return detail::check_bytearray(L, idx);
}

void push_bytearray(lua_State* L, const void* data, size_t len) {
  detail::push_empty_bytearray(L).assign(static_cast<const char*>(data), len);
}

}  // namespace strato::lua
