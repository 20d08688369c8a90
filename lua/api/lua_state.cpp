#include "lua_state.h"

#include <cmath>
#include <cstring>

namespace strato::lua {

namespace {

constexpr int kHookEvery = 1000;  // instructions between budget checks

// load() and loadfile() that refuse precompiled chunks: bytecode is not
// verified by Lua 5.4 and can crash the host.
int safe_load(lua_State* L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  if (n >= 2) lua_pushvalue(L, 2); else lua_pushnil(L);
  lua_pushliteral(L, "t");
  if (n >= 4) lua_pushvalue(L, 4);
  lua_call(L, n >= 4 ? 4 : 3, LUA_MULTRET);
  return lua_gettop(L) - n;
}

int safe_loadfile(lua_State* L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushliteral(L, "t");
  if (n >= 3) lua_pushvalue(L, 3);
  lua_call(L, n >= 3 ? 3 : 2, LUA_MULTRET);
  return lua_gettop(L) - n;
}

int safe_dofile(lua_State* L) {
  const char* fname = luaL_optstring(L, 1, nullptr);
  lua_settop(L, 1);
  if (luaL_loadfilex(L, fname, "t") != LUA_OK) return lua_error(L);
  lua_call(L, 0, LUA_MULTRET);
  return lua_gettop(L) - 1;
}

void wrap_global(lua_State* L, const char* name, lua_CFunction fn) {
  lua_getglobal(L, name);
  lua_pushcclosure(L, fn, 1);
  lua_setglobal(L, name);
}

// Lua 5.2 and 5.1 names Wireshark scripts still use.
constexpr const char* kCompat = R"(
unpack = unpack or table.unpack
loadstring = loadstring or load
math.pow = math.pow or function(x, y) return x ^ y end
math.ldexp = math.ldexp or function(m, e) return m * 2.0 ^ e end
math.mod = math.mod or math.fmod
table.getn = table.getn or function(t) return #t end
)";

}  // namespace

State::State(const StateOptions& opts) : opts_(opts) {
  L_ = lua_newstate(&SmallAlloc::lua_alloc, &alloc_);
  if (!L_) throw std::bad_alloc();
  *static_cast<State**>(lua_getextraspace(L_)) = this;
  static const luaL_Reg kSafe[] = {{LUA_GNAME, luaopen_base},        {LUA_LOADLIBNAME, luaopen_package},
                                   {LUA_COLIBNAME, luaopen_coroutine}, {LUA_TABLIBNAME, luaopen_table},
                                   {LUA_STRLIBNAME, luaopen_string},  {LUA_MATHLIBNAME, luaopen_math},
                                   {LUA_UTF8LIBNAME, luaopen_utf8}};
  for (const auto& lib : kSafe) {
    luaL_requiref(L_, lib.name, lib.func, 1);
    lua_pop(L_, 1);
  }
  if (opts_.unsafe) {
    for (const auto& lib : std::initializer_list<luaL_Reg>{
             {LUA_IOLIBNAME, luaopen_io}, {LUA_OSLIBNAME, luaopen_os}, {LUA_DBLIBNAME, luaopen_debug}}) {
      luaL_requiref(L_, lib.name, lib.func, 1);
      lua_pop(L_, 1);
    }
  } else {
    // os with the clock only; not in package.loaded, so require "os" fails too.
    luaopen_os(L_);
    lua_newtable(L_);
    for (const char* f : {"clock", "date", "difftime", "time"}) {
      lua_getfield(L_, -2, f);
      lua_setfield(L_, -2, f);
    }
    lua_setglobal(L_, LUA_OSLIBNAME);
    lua_pop(L_, 1);
    // package: Lua modules only (preload and the Lua-file searcher).
    lua_getglobal(L_, LUA_LOADLIBNAME);
    lua_pushnil(L_);
    lua_setfield(L_, -2, "loadlib");
    lua_pushliteral(L_, "");
    lua_setfield(L_, -2, "cpath");
    lua_getfield(L_, -1, "searchers");
    for (lua_Integer i = luaL_len(L_, -1); i > 2; --i) {
      lua_pushnil(L_);
      lua_rawseti(L_, -2, i);
    }
    lua_pop(L_, 2);
    wrap_global(L_, "load", safe_load);
    wrap_global(L_, "loadfile", safe_loadfile);
    lua_pushcfunction(L_, safe_dofile);
    lua_setglobal(L_, "dofile");
  }
  open_bit_libraries(L_);
  if (luaL_dostring(L_, kCompat) != LUA_OK) lua_pop(L_, 1);
  if (opts_.max_instructions) lua_sethook(L_, &State::hook, LUA_MASKCOUNT, kHookEvery);
  budget_ = INT64_MAX;
}

State::~State() {
  if (L_) lua_close(L_);
}

State* State::of(lua_State* L) { return *static_cast<State**>(lua_getextraspace(L)); }

void State::hook(lua_State* L, lua_Debug* ar) {
  State* s = of(L);
  s->budget_ -= kHookEvery;
  if (s->budget_ < 0) {
    s->budget_ = INT64_MAX;  // let the error unwind without re-triggering
    // luaL_error cannot see the looping function from inside a hook: name it here.
    lua_getinfo(L, "Sl", ar);
    if (ar->currentline > 0)
      lua_pushfstring(L, "%s:%d: ", ar->short_src, ar->currentline);
    else
      lua_pushliteral(L, "");
    lua_pushfstring(L, "instruction limit of %I exceeded (runaway loop?)",
                    static_cast<lua_Integer>(s->opts_.max_instructions));
    lua_concat(L, 2);
    lua_error(L);
  }
}

bool State::call(int nargs, int nresults, std::string& error) {
  budget_ = opts_.max_instructions ? static_cast<int64_t>(opts_.max_instructions) : INT64_MAX;
  int rc = lua_pcall(L_, nargs, nresults, 0);
  budget_ = INT64_MAX;
  if (rc == LUA_OK) return true;
  error = error_text(L_, -1);
  lua_pop(L_, 1);
  return false;
}

bool State::run_file(const std::string& path, const std::vector<std::string>& args, std::string& error) {
  if (luaL_loadfilex(L_, path.c_str(), "t") != LUA_OK) {
    error = error_text(L_, -1);
    lua_pop(L_, 1);
    // "cannot open FILE" from the loader has no line: say why plainly.
    return false;
  }
  for (const auto& a : args) lua_pushlstring(L_, a.data(), a.size());
  return call(static_cast<int>(args.size()), 0, error);
}

void get_metatable(lua_State* L, const char* tname) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, tname) != LUA_TNIL) return;
  lua_pop(L, 1);
  luaL_getmetatable(L, tname);
  if (lua_isnil(L, -1)) return;  // not created yet: do not cache the miss
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, tname);
}

void* test_udata(lua_State* L, int idx, const char* tname) {
  void* p = lua_touserdata(L, idx);
  if (!p || !lua_getmetatable(L, idx)) return nullptr;
  get_metatable(L, tname);
  bool same = lua_rawequal(L, -1, -2);
  lua_pop(L, 2);
  return same ? p : nullptr;
}

void* check_udata(lua_State* L, int idx, const char* tname) {
  void* p = test_udata(L, idx, tname);
  if (!p) {
    const char* got = luaL_typename(L, idx);
    if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) got = lua_tostring(L, -1);
    luaL_argerror(L, idx, lua_pushfstring(L, "%s expected, got %s", tname, got));
  }
  return p;
}

void set_metatable(lua_State* L, const char* tname) {
  get_metatable(L, tname);
  lua_setmetatable(L, -2);
}

std::string error_text(lua_State* L, int idx) {
  size_t n = 0;
  const char* s = luaL_tolstring(L, idx, &n);
  std::string out(s, n);
  lua_pop(L, 1);
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

// ---- bit (LuaBitOp semantics: signed 32-bit results) and bit32 (Lua 5.2:
// unsigned 32-bit results). Both take any number and wrap it modulo 2^32.
namespace {

uint32_t to_u32(lua_State* L, int idx) {
  lua_Integer i;
  int isint = 0;
  i = lua_tointegerx(L, idx, &isint);
  if (isint) return static_cast<uint32_t>(i);
  double d = luaL_checknumber(L, idx);
  d = std::fmod(std::floor(d), 4294967296.0);
  if (d < 0) d += 4294967296.0;
  return static_cast<uint32_t>(d);
}

int push_signed(lua_State* L, uint32_t v) {
  lua_pushinteger(L, static_cast<int32_t>(v));
  return 1;
}
int push_unsigned(lua_State* L, uint32_t v) {
  lua_pushinteger(L, v);
  return 1;
}

template <uint32_t (*Op)(uint32_t, uint32_t), uint32_t Init, int (*Push)(lua_State*, uint32_t)>
int fold(lua_State* L) {
  int n = lua_gettop(L);
  uint32_t v = n ? to_u32(L, 1) : Init;
  for (int i = 2; i <= n; ++i) v = Op(v, to_u32(L, i));
  return Push(L, v);
}
uint32_t op_and(uint32_t a, uint32_t b) { return a & b; }
uint32_t op_or(uint32_t a, uint32_t b) { return a | b; }
uint32_t op_xor(uint32_t a, uint32_t b) { return a ^ b; }

uint32_t shl(uint32_t v, lua_Integer n) { return n <= -32 || n >= 32 ? 0 : n >= 0 ? v << n : v >> -n; }
uint32_t shr(uint32_t v, lua_Integer n) { return shl(v, -n); }
uint32_t sar(uint32_t v, lua_Integer n) {
  if (n < 0) return shl(v, -n);
  if (n >= 31) return (v & 0x80000000u) ? 0xffffffffu : 0;
  return static_cast<uint32_t>(static_cast<int32_t>(v) >> n);
}
uint32_t rol(uint32_t v, lua_Integer n) {
  n &= 31;
  return n ? (v << n) | (v >> (32 - n)) : v;
}

template <int (*Push)(lua_State*, uint32_t)>
int b_not(lua_State* L) { return Push(L, ~to_u32(L, 1)); }
template <uint32_t (*Op)(uint32_t, lua_Integer), int (*Push)(lua_State*, uint32_t), bool Mask>
int b_shift(lua_State* L) {
  lua_Integer n = static_cast<lua_Integer>(to_u32(L, 2));
  if (!Mask) n = luaL_checkinteger(L, 2);
  else n = static_cast<int32_t>(n) & 31;  // LuaBitOp uses the low 5 bits of the count
  return Push(L, Op(to_u32(L, 1), n));
}
uint32_t ror(uint32_t v, lua_Integer n) { return rol(v, -n); }

int bit_tobit(lua_State* L) { return push_signed(L, to_u32(L, 1)); }
int bit_bswap(lua_State* L) { return push_signed(L, __builtin_bswap32(to_u32(L, 1))); }
int bit_tohex(lua_State* L) {
  uint32_t v = to_u32(L, 1);
  lua_Integer n = luaL_optinteger(L, 2, 8);
  const char* digits = "0123456789abcdef";
  if (n < 0) {
    n = -n;
    digits = "0123456789ABCDEF";
  }
  if (n > 8) n = 8;
  char buf[8];
  for (lua_Integer i = n - 1; i >= 0; --i) {
    buf[i] = digits[v & 15];
    v >>= 4;
  }
  lua_pushlstring(L, buf, static_cast<size_t>(n));
  return 1;
}

int b32_btest(lua_State* L) {
  int n = lua_gettop(L);
  uint32_t v = n ? to_u32(L, 1) : 0xffffffffu;
  for (int i = 2; i <= n; ++i) v &= to_u32(L, i);
  lua_pushboolean(L, v != 0);
  return 1;
}
void field_args(lua_State* L, int fi, lua_Integer& f, lua_Integer& w) {
  f = luaL_checkinteger(L, fi);
  w = luaL_optinteger(L, fi + 1, 1);
  luaL_argcheck(L, f >= 0, fi, "field cannot be negative");
  luaL_argcheck(L, w > 0, fi + 1, "width must be positive");
  if (f + w > 32) luaL_error(L, "trying to access non-existent bits");
}
uint32_t mask_of(lua_Integer w) { return w >= 32 ? 0xffffffffu : ((1u << w) - 1); }
int b32_extract(lua_State* L) {
  lua_Integer f, w;
  uint32_t v = to_u32(L, 1);
  field_args(L, 2, f, w);
  return push_unsigned(L, (v >> f) & mask_of(w));
}
int b32_replace(lua_State* L) {
  lua_Integer f, w;
  uint32_t v = to_u32(L, 1), r = to_u32(L, 2);
  field_args(L, 3, f, w);
  uint32_t m = mask_of(w);
  return push_unsigned(L, (v & ~(m << f)) | ((r & m) << f));
}

}  // namespace

void open_bit_libraries(lua_State* L) {
  static const luaL_Reg kBit[] = {
      {"tobit", bit_tobit},
      {"tohex", bit_tohex},
      {"bnot", b_not<push_signed>},
      {"band", fold<op_and, 0xffffffffu, push_signed>},
      {"bor", fold<op_or, 0, push_signed>},
      {"bxor", fold<op_xor, 0, push_signed>},
      {"lshift", b_shift<shl, push_signed, true>},
      {"rshift", b_shift<shr, push_signed, true>},
      {"arshift", b_shift<sar, push_signed, true>},
      {"rol", b_shift<rol, push_signed, true>},
      {"ror", b_shift<ror, push_signed, true>},
      {"bswap", bit_bswap},
      {nullptr, nullptr}};
  static const luaL_Reg kBit32[] = {
      {"bnot", b_not<push_unsigned>},
      {"band", fold<op_and, 0xffffffffu, push_unsigned>},
      {"bor", fold<op_or, 0, push_unsigned>},
      {"bxor", fold<op_xor, 0, push_unsigned>},
      {"btest", b32_btest},
      {"lshift", b_shift<shl, push_unsigned, false>},
      {"rshift", b_shift<shr, push_unsigned, false>},
      {"arshift", b_shift<sar, push_unsigned, false>},
      {"lrotate", b_shift<rol, push_unsigned, false>},
      {"rrotate", b_shift<ror, push_unsigned, false>},
      {"extract", b32_extract},
      {"replace", b32_replace},
      {nullptr, nullptr}};
  luaL_newlib(L, kBit);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "bit");
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "bit");
  lua_pop(L, 2);
  luaL_newlib(L, kBit32);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "bit32");
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "bit32");
  lua_pop(L, 2);
}

}  // namespace strato::lua
