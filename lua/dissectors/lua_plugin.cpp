// The "lua" dissector plugin: runs Wireshark Lua dissectors (see lua_host.h
// for the registration/shard split).
#include <algorithm>
#include <cstdlib>

#include "listener_api.h"
#include "lua_host.h"
#include "strato/error.h"
#include "strato/tcp_info.h"
#include "tvb_api.h"

#if __has_include("field_api.h")
#include "field_api.h"
#define STRATO_LUA_HAVE_FIELD_API 1
#endif

namespace strato::luad {

namespace {
const char kHostKey = 0;

struct LuaShard : ShardState {
  std::unique_ptr<Host> host;
};
}  // namespace

// ---------------------------------------------------------------- Host

Host::Host(Registry& r, bool reg_state) : reg(r), registering(reg_state) {
  state = std::make_unique<lua::State>(reg.state_opts);
  lua_State* L = state->L();
  lua_pushlightuserdata(L, this);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kHostKey);
  lua::open_tvb_api(L);
#ifdef STRATO_LUA_HAVE_FIELD_API
  lua::open_field_api(L);
#endif
  open_proto_api(L);
  open_tree_api(L);
  open_pinfo_api(L);
  open_tables_api(L);
  listeners = std::make_unique<lua::Listeners>(
      *state, lua::Listeners::Order::Tshark,
      [this](const std::string& what, const std::string& error) { reg.plugin->tap_failed(what, error); });
  // Taps run once, in the registration state; the shards' copies of the scripts make inert ones.
  listeners->open(registering);
  open_globals_api(L);  // last: it marks every class table for typeof
  proto_refs.assign(reg.protos.size(), LUA_NOREF);
}

Host::~Host() = default;

Host* Host::of(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kHostKey);
  auto* h = static_cast<Host*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return h;
}

namespace {

// The value of -o text for a pref, pushed; false when it does not parse.
bool push_pref_value(lua_State* L, const PrefDef& p, const std::string& text) {
  switch (p.kind) {
    case PrefKind::UInt: {
      char* end = nullptr;
      unsigned long long v = std::strtoull(text.c_str(), &end, 10);
      if (text.empty() || *end) return false;
      lua_pushinteger(L, static_cast<lua_Integer>(v));
      return true;
    }
    case PrefKind::Bool: {
      std::string t = text;
      for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (t == "true" || t == "1") lua_pushboolean(L, 1);
      else if (t == "false" || t == "0") lua_pushboolean(L, 0);
      else return false;
      return true;
    }
    case PrefKind::Enum: {
      for (auto& [name, v] : p.enums)
        if (strcasecmp(name.c_str(), text.c_str()) == 0) {
          lua_pushinteger(L, v);
          return true;
        }
      char* end = nullptr;
      long long v = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end) return false;
      lua_pushinteger(L, v);
      return true;
    }
    case PrefKind::String:
    case PrefKind::Range:
      lua_pushstring(L, text.c_str());
      return true;
    case PrefKind::StaticText:
      return false;
  }
  return false;
}

// Calls proto[field] (a function) with `nargs` extra args already pushed
// after the proto userdata; used for init and prefs_changed.
bool call_proto_hook(Host& h, ProtoDef& def, const char* field, std::string& error) {
  lua_State* L = h.L();
  push_proto(L, def);
  lua_getfield(L, -1, field);
  lua_remove(L, -2);
  if (!lua_isfunction(L, -1)) {
    lua_pop(L, 1);
    return true;
  }
  return h.state->call(0, 0, error);
}

}  // namespace

bool Host::load(std::string& error) {
  lua_State* L = state->L();
  // tshark runs a script once: what its chunk prints shows once, from the
  // registration state, not again from every shard's copy.
  int saved_print = LUA_NOREF;
  if (!registering) {
    lua_getglobal(L, "print");
    saved_print = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushcfunction(L, [](lua_State*) { return 0; });
    lua_setglobal(L, "print");
  }
  for (size_t i = 0; i < reg.scripts.size(); ++i) {
    if (!state->run_file(reg.scripts[i], reg.args[i], error)) return false;
    lua_settop(L, 0);
  }
  if (saved_print != LUA_NOREF) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, saved_print);
    lua_setglobal(L, "print");
    luaL_unref(L, LUA_REGISTRYINDEX, saved_print);
  }
  // -o values come after registration, as in Wireshark (prefs are read once
  // every protocol exists): a script sees its defaults while it loads.
  std::vector<ProtoDef*> changed;
  for (auto& [key, text] : reg.prefs) {
    size_t dot = key.find('.');
    auto it = reg.proto_by_name.find(key.substr(0, dot));
    if (it == reg.proto_by_name.end()) continue;  // a built-in's pref (validated at registration)
    ProtoDef& def = *it->second;
    auto p = def.prefs.find(key.substr(dot + 1));
    if (p == def.prefs.end()) continue;
    if (!push_pref_value(L, p->second, text)) {
      error = "invalid value '" + text + "' for preference " + key;
      return false;
    }
    int value = lua_gettop(L);
    push_proto(L, def);
    lua_getfield(L, -1, "prefs");
    lua_getiuservalue(L, -1, 1);  // the prefs' value table
    lua_pushvalue(L, value);
    lua_setfield(L, -2, p->first.c_str());
    lua_settop(L, value - 1);
    if (std::find(changed.begin(), changed.end(), &def) == changed.end()) changed.push_back(&def);
  }
  for (ProtoDef* def : changed)
    if (!call_proto_hook(*this, *def, "prefs_changed", error)) return false;
  if (!registering)
    for (auto& def : reg.protos)
      if (!call_proto_hook(*this, def, "init", error)) return false;
  return true;
}

Host::Result Host::call(ProtoDef& proto, Tvb tvb, int parent, const char* heur_list) {
  Result r;
  lua_State* L = state->L();
  DissectContext* saved_ctx = ctx;
  ProtoDef* saved_proto = curr_proto;
  uint32_t saved_len = desegment_len, saved_off = desegment_offset;
  desegment_len = desegment_offset = 0;
  curr_proto = &proto;
  ++depth;
  if (depth == 1) generation = lua::tvb_generation(L);
#ifdef STRATO_LUA_HAVE_FIELD_API
  if (depth == 1) lua::set_field_event(L, &ctx->event());
#endif
  int top = lua_gettop(L);
  push_proto(L, proto);
  if (heur_list) {
    lua_getiuservalue(L, -1, 1);
    lua_getfield(L, -1, (std::string("heuristic:") + heur_list).c_str());
    lua_remove(L, -2);
  } else {
    lua_getiuservalue(L, -1, 1);
    lua_getfield(L, -1, "dissector");
    lua_remove(L, -2);
  }
  lua_remove(L, -2);
  if (lua_isfunction(L, -1)) {
    lua::push_tvb(L, tvb, tvb.len);
    push_pinfo(L);
    push_tree(L, parent, true);
    std::string err;
    if (!state->call(3, 1, err)) {
      r.ok = false;
      ctx->add_expert(reg.lua_error, Tvb{}, 0, 0, parent, ExpertSeverity::Error, ExpertGroup::Undecoded,
                      "Lua error: " + err);
    } else if (lua_isinteger(L, -1) || lua_type(L, -1) == LUA_TNUMBER) {
      r.has_number = true;
      r.number = static_cast<int64_t>(lua_tonumber(L, -1));
      r.truthy = r.number > 0;
    } else {
      r.truthy = lua_toboolean(L, -1);
    }
  }
  lua_settop(L, top);
  r.desegment_len = desegment_len;
  r.desegment_offset = desegment_offset;
  --depth;
  if (depth == 0) {
    lua::end_generation(L);
    generation = 0;
#ifdef STRATO_LUA_HAVE_FIELD_API
    lua::set_field_event(L, nullptr);
#endif
  }
  ctx = saved_ctx;
  curr_proto = saved_proto;
  desegment_len = saved_len;
  desegment_offset = saved_off;
  return r;
}

// ---------------------------------------------------------------- ProtoDissector

namespace {

// The dissector's port for pinfo.match_uint: the lower port it is registered on.
uint32_t match_port(const Registry& reg, const Dissector* d, const PacketInfo& pi) {
  const char* table = pi.ip_proto == 6 ? "tcp.port" : pi.ip_proto == 17 ? "udp.port" : nullptr;
  if (!table) return 0;
  uint16_t lo = std::min(pi.srcport, pi.dstport), hi = std::max(pi.srcport, pi.dstport);
  auto it = reg.tables.find(table);
  if (it != reg.tables.end() && it->second) {
    if (it->second->lookup(lo) == d) return lo;
    if (it->second->lookup(hi) == d) return hi;
  }
  return lo;
}

}  // namespace

uint32_t ProtoDissector::dissect(DissectContext& ctx, Tvb tvb, int parent) {
  Host* h = plugin_.host(ctx);
  if (!h) return 0;
  DissectContext* saved = h->ctx;
  h->ctx = &ctx;
  if (h->depth == 0) h->match_uint = match_port(h->reg, this, ctx.pinfo);
  // The layer goes into frame.protocols as a dissector handle call adds it,
  // and comes out again when the dissector declines.
  std::string& layers = ctx.dissection().protocols;
  size_t mark = layers.size();
  uint32_t used;
  const TcpSegment* seg = tcp_segment(ctx.pinfo);
  if (seg && h->depth == 0 && tvb.len == seg->payload_len) {
    // tshark lists the protocol once per call: a frame that completes a PDU
    // and starts the next shows it twice.
    used = dissect_tcp(*h, ctx, tvb, parent);
  } else {
    ctx.add_layer(def_.name);
    Host::Result r = h->call(def_, tvb, parent);
    used = !r.ok || !r.has_number || r.number < 0 ? tvb.len : static_cast<uint32_t>(std::min<int64_t>(r.number, tvb.len));
  }
  if (used == 0) layers.resize(mark);
  h->ctx = saved;
  return used;
}

bool ProtoDissector::heuristic(DissectContext& ctx, Tvb tvb, int parent) {
  Host* h = plugin_.host(ctx);
  if (!h) return false;
  DissectContext* saved = h->ctx;
  h->ctx = &ctx;
  std::string& layers = ctx.dissection().protocols;
  size_t mark = layers.size();
  ctx.add_layer(def_.name);
  const char* list = ctx.pinfo.ip_proto == 6 ? "tcp" : "udp";
  Host::Result r = h->call(def_, tvb, parent, list);
  bool taken = r.ok && r.truthy;
  if (!taken) layers.resize(mark);
  h->ctx = saved;
  return taken;
}

// ---------------------------------------------------------------- LuaPlugin

namespace {

std::vector<std::string> split_lines(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t nl = v.find('\n', start);
      if (nl == std::string::npos) nl = v.size();
      if (nl > start) out.push_back(v.substr(start, nl - start));
      start = nl + 1;
    }
  }
  return out;
}

}  // namespace

LuaPlugin::LuaPlugin(const Options& opts) {
  reg_.plugin = this;
  reg_.scripts = split_lines(opts.list("script"));
  reg_.args.resize(reg_.scripts.size());
  for (const std::string& a : split_lines(opts.list("arg"))) {
    // "N:ARG": an argument of the Nth script (1-based), as -X lua_scriptN:ARG.
    size_t colon = a.find(':');
    char* end = nullptr;
    unsigned long n = colon == std::string::npos ? 0 : std::strtoul(a.substr(0, colon).c_str(), &end, 10);
    if (n == 0 || (end && *end))
      throw usage_error("lua: bad script argument '" + a + "' (expected N:ARG, N the script's number from 1)");
    if (n > reg_.scripts.size())
      throw usage_error("lua: argument '" + a + "' is for script " + std::to_string(n) + " but only " +
                        std::to_string(reg_.scripts.size()) + " script(s) are given");
    reg_.args[n - 1].push_back(a.substr(colon + 1));
  }
  for (const std::string& p : split_lines(opts.list("pref"))) {
    size_t colon = p.find(':');
    size_t dot = p.find('.');
    if (colon == std::string::npos || dot == std::string::npos || dot > colon)
      throw usage_error("lua: bad preference '" + p + "' (expected proto.pref:value)");
    reg_.prefs.emplace_back(p.substr(0, colon), p.substr(colon + 1));
  }
  reg_.state_opts.unsafe = opts.has("unsafe") && opts.boolean("unsafe");
  if (opts.has("max-instructions")) reg_.state_opts.max_instructions = static_cast<uint64_t>(opts.integer("max-instructions"));
}

void LuaPlugin::register_fields(FieldRegistry& fr) {
  if (reg_.scripts.empty()) {
    // No script: nothing to do, but a -o for a Lua protocol cannot be right.
    for (auto& [key, v] : reg_.prefs) {
      std::string proto = key.substr(0, key.find('.'));
      if (!DissectorTables::instance().find(proto)) throw usage_error("lua: unknown preference '" + key + "'");
    }
    return;
  }
  FieldId lua = fr.add_protocol("_ws.lua", "Lua");
  reg_.lua_error = fr.add_field(lua, "_ws.lua.error", "Lua error", FieldType::Label);
  static const char* const kLevels[] = {"comment", "chat", "note", "warning", "error"};
  for (int i = 0; i < 5; ++i)
    reg_.proto_expert[i] = fr.add_field(lua, std::string("_ws.lua.proto.") + kLevels[i], "Lua expert", FieldType::Label);
  reg_.text = fr.add_field(kNoField, "text", "Text", FieldType::Label);
  reg_.reasm.register_all(fr);

  registration_ = std::make_unique<Host>(reg_, true);
  std::string error;
  if (!registration_->load(error)) throw usage_error("lua: " + error);
  // ProtoFields and experts no proto.fields took: registered on their own.
  for (auto& f : reg_.fields) register_field(f, kNoField);
  for (auto& e : reg_.experts) register_expert(e, kNoField);
  for (auto& [key, v] : reg_.prefs) {
    size_t dot = key.find('.');
    std::string proto = key.substr(0, dot), pref = key.substr(dot + 1);
    auto it = reg_.proto_by_name.find(proto);
    if (it == reg_.proto_by_name.end()) {
      if (!DissectorTables::instance().find(proto)) throw usage_error("lua: unknown preference '" + key + "'");
    } else if (!it->second->prefs.count(pref)) {
      throw usage_error("lua: unknown preference '" + key + "'");
    }
  }
#ifdef STRATO_LUA_HAVE_FIELD_API
  reg_.requested = lua::requested_fields(registration_->L());
#endif
}

void LuaPlugin::register_handoffs(DissectorTables& tables) {
  // Later entries win, and a remove drops what an earlier add put.
  std::map<std::pair<std::string, uint32_t>, Dissector*> final;
  for (auto& h : reg_.handoffs) final[{h.table, h.key}] = h.target;
  for (auto& [k, d] : final)
    if (d) tables.add(k.first, k.second, d);
  for (auto& [list, def] : reg_.heuristics) tables.add_heuristic(list, def->dissector.get());
  for (ProtoDef* def : reg_.postdissectors) tables.add_heuristic("postdissector", def->dissector.get());
}

void LuaPlugin::resolve(DissectorTables& tables) {
  std::vector<std::string> names = {"tcp.port", "udp.port", "ethertype", "ip.proto", "link_type"};
  names.insert(names.end(), reg_.table_names.begin(), reg_.table_names.end());
  for (auto& h : reg_.handoffs) names.push_back(h.table);
  for (auto& n : names) reg_.tables[n] = tables.table(n);
  // The shards' states are made lazily, while dissecting: the registration
  // state is needed only to run its scripts' taps.
  if (registration_ && registration_->listeners->empty()) registration_.reset();
}

std::unique_ptr<ShardState> LuaPlugin::new_shard_state() const {
  if (reg_.scripts.empty()) return nullptr;
  auto s = std::make_unique<LuaShard>();
  auto* self = const_cast<LuaPlugin*>(this);
  s->host = std::make_unique<Host>(self->reg_, false);
  std::string error;
  if (!s->host->load(error)) {
    warn("lua: " + error);
    s->host.reset();
  }
  return s;
}

Host* LuaPlugin::host(DissectContext& ctx) {
  auto* s = &ctx.shard_state<LuaShard>(this);
  return s ? s->host.get() : nullptr;
}

void LuaPlugin::wanted_fields(std::vector<FieldId>& out) const {
  out.insert(out.end(), reg_.requested.begin(), reg_.requested.end());
  if (registration_) registration_->listeners->wanted_fields(out);
}

DissectContext& check_ctx(lua_State* L) {
  Host* h = Host::of(L);
  if (!h || !h->ctx) luaL_error(L, "only available while a packet is being dissected");
  return *h->ctx;
}

}  // namespace strato::luad

namespace {

const strato::OptionSpec kOptions[] = {
    {"script", "fileselect", nullptr, "Wireshark Lua dissector script to load (tshark's -X lua_script:FILE)", false, true},
    {"arg", "string", nullptr, "N:ARG: an argument for the Nth script, as tshark's -X lua_scriptN:ARG", false, true},
    {"pref", "string", nullptr, "proto.pref:value: a Lua protocol preference, as tshark's -o", false, true},
    {"unsafe", "boolean", "false", "give scripts io, os.execute, package.loadlib and C modules", false, false},
    {"max-instructions", "unsigned", "100000000", "Lua instructions one dissector call may run (0: no limit)", false,
     false},
};

std::unique_ptr<strato::Plugin> create(const strato::Options& opts) {
  return std::make_unique<strato::luad::LuaPlugin>(opts);
}

}  // namespace

STRATO_PLUGIN(strato::PluginKind::Dissector, "lua", "Wireshark Lua dissectors (Lua 5.4)", kOptions, create)
