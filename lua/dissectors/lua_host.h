#pragma once
// The Lua dissector plugin's shared pieces. Scripts run twice over: once in
// a registration state (at start-up, single-threaded), where Proto,
// ProtoField, ProtoExpert, Pref and DissectorTable:add build the Registry;
// then once per flow shard, lazily, where the same calls bind to what
// registration made (same names: same FieldIds and child dissectors) and
// hand-offs are no-ops. The Registry is read-only once dissection starts.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
}

#include "app_common/pdu_buffer.h"
#include "lua_state.h"
#include "strato/dissector.h"

namespace strato::lua {
class Listeners;
}

namespace strato::luad {

// Wireshark's ftypes numbers (epan/ftypes/ftypes.h, 4.0).
enum Ftype : int {
  FT_NONE = 0, FT_PROTOCOL, FT_BOOLEAN, FT_CHAR, FT_UINT8, FT_UINT16, FT_UINT24, FT_UINT32, FT_UINT40, FT_UINT48,
  FT_UINT56, FT_UINT64, FT_INT8, FT_INT16, FT_INT24, FT_INT32, FT_INT40, FT_INT48, FT_INT56, FT_INT64,
  FT_IEEE_11073_SFLOAT, FT_IEEE_11073_FLOAT, FT_FLOAT, FT_DOUBLE, FT_ABSOLUTE_TIME, FT_RELATIVE_TIME, FT_STRING,
  FT_STRINGZ, FT_UINT_STRING, FT_ETHER, FT_BYTES, FT_UINT_BYTES, FT_IPv4, FT_IPv6, FT_IPXNET, FT_FRAMENUM, FT_GUID,
  FT_OID, FT_EUI64, FT_AX25, FT_VINES, FT_REL_OID, FT_SYSTEM_ID, FT_STRINGZPAD, FT_FCWWN, FT_STRINGZTRUNC,
  FT_NUM_TYPES
};
inline constexpr uint32_t kDesegmentOneMore = 0x0fffffff;  // DESEGMENT_ONE_MORE_SEGMENT

struct FieldDef {
  std::string abbrev, name, desc;
  int ftype = FT_NONE;
  int base = 0;
  uint64_t mask = 0;
  std::vector<ValueName> names;        // valuestring, {0, nullptr}-terminated
  std::deque<std::string> name_text;   // keeps the names' text alive
  FieldId id = kNoField;
  unsigned shift() const {
    unsigned s = 0;
    if (mask)
      while (!((mask >> s) & 1)) ++s;
    return s;
  }
};

struct ExpertDef {
  std::string abbrev, text;
  uint32_t group = 0, severity = 0;
  FieldId id = kNoField;
};

enum class PrefKind { UInt, Bool, String, Enum, Range, StaticText };
struct PrefDef {
  std::string name;
  PrefKind kind = PrefKind::UInt;
  std::vector<std::pair<std::string, lua_Integer>> enums;  // names (and descriptions) → value
};

class ProtoDissector;
class LuaPlugin;

struct ProtoDef {
  size_t index = 0;
  std::string name;     // filter name, lower case ("tlm")
  std::string upper;    // proto.name ("TLM")
  std::string desc;
  FieldId field = kNoField;
  std::unique_ptr<ProtoDissector> dissector;
  std::map<std::string, PrefDef> prefs;
};

struct Handoff {
  std::string table;
  uint32_t key;
  Dissector* target;  // nullptr: remove
};

// Built by the registration state, read by every shard.
struct Registry {
  lua::StateOptions state_opts;
  std::vector<std::string> scripts;
  std::vector<std::vector<std::string>> args;            // per script
  std::vector<std::pair<std::string, std::string>> prefs;  // -o "proto.pref" → value
  std::deque<ProtoDef> protos;
  std::unordered_map<std::string, ProtoDef*> proto_by_name;
  std::deque<FieldDef> fields;
  std::unordered_map<std::string, FieldDef*> field_by_abbrev;
  std::deque<ExpertDef> experts;
  std::unordered_map<std::string, ExpertDef*> expert_by_abbrev;
  std::vector<Handoff> handoffs;
  std::vector<std::pair<std::string, ProtoDef*>> heuristics;
  std::vector<ProtoDef*> postdissectors;
  std::vector<std::string> table_names;  // DissectorTable.new / get: resolved once
  std::unordered_map<std::string, const DissectorTables::Table*> tables;
  std::vector<FieldId> requested;  // Field.new of the registration state
  FieldId lua_error = kNoField, text = kNoField;
  FieldId proto_expert[5] = {kNoField, kNoField, kNoField, kNoField, kNoField};  // comment..error
  app::ReassemblyFields reasm;
  LuaPlugin* plugin = nullptr;
};

// Puts a ProtoField / ProtoExpert into the FieldRegistry under `proto`
// (once; later calls keep the first protocol).
void register_field(FieldDef& f, FieldId proto);
void register_expert(ExpertDef& e, FieldId proto);

// A partial PDU of one TCP direction, waiting for more segments.
struct Pending {
  app::PduBuffer buf;
  uint32_t need = 0;  // total bytes the PDU needs; 0: the whole next segment
};

// One Lua state and what its dissector calls share.
class Host {
 public:
  Host(Registry& reg, bool registering);
  ~Host();
  // Runs every script, applies -o prefs, calls prefs_changed (and init
  // when dissecting). False with `error` set when a script fails.
  bool load(std::string& error);

  Registry& reg;
  const bool registering;
  std::unique_ptr<lua::State> state;
  lua_State* L() const { return state->L(); }
  // The scripts' Listener taps: live in the registration state only (see lua_taps.cpp).
  std::unique_ptr<lua::Listeners> listeners;

  // The call in progress (nested calls save and restore these).
  DissectContext* ctx = nullptr;
  ProtoDef* curr_proto = nullptr;
  uint32_t desegment_len = 0, desegment_offset = 0;
  uint32_t match_uint = 0;
  int depth = 0;
  // lua::tvb_generation() of the outer call in progress, 0 between calls:
  // TreeItems check it without a registry lookup.
  uint64_t generation = 0;
  // Once a reassembled PDU is shown and more of the segment follows, TCP
  // fences the Info column (later texts go after it) and freezes Protocol,
  // as tshark does; reset when the frame's TCP payload is done.
  size_t info_fence = 0;
  bool protocol_locked = false;

  std::vector<int> proto_refs;  // by ProtoDef::index: registry ref of the Proto userdata, or LUA_NOREF
  int pinfo_ref = LUA_NOREF;
  void* pinfo_ud = nullptr;
  int columns_ref = LUA_NOREF;       // the one Columns object (pinfo.cols)
  int column_cache_ref = LUA_NOREF;  // Column objects by name
  int private_ref = LUA_NOREF;
  std::unordered_map<uint64_t, Pending> pending;  // by tcp stream << 1 | direction
  std::deque<FieldDef> local_fields;   // ProtoFields registration never saw (bound to nothing)
  std::deque<ExpertDef> local_experts;

  struct Result {
    bool ok = true;
    bool has_number = false;
    int64_t number = 0;
    bool truthy = false;
    uint32_t desegment_len = 0, desegment_offset = 0;
  };
  // Calls `proto`'s dissector (or heuristic function `heur` when not null)
  // over `tvb`, adding what it adds under `parent`. A Lua error becomes an
  // expert item; the result says ok=false.
  Result call(ProtoDef& proto, Tvb tvb, int parent, const char* heur_list = nullptr);

  static Host* of(lua_State* L);
};

// The child strato::Dissector of one Lua Proto.
class ProtoDissector : public Dissector {
 public:
  ProtoDissector(LuaPlugin& plugin, ProtoDef& def) : plugin_(plugin), def_(def) {}
  const char* name() const override { return def_.name.c_str(); }
  void register_fields(FieldRegistry&) override {}
  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override;
  bool heuristic(DissectContext& ctx, Tvb tvb, int parent) override;
  ProtoDef& def() { return def_; }

 private:
  uint32_t dissect_tcp(Host& h, DissectContext& ctx, Tvb tvb, int parent);
  LuaPlugin& plugin_;
  ProtoDef& def_;
};

class LuaPlugin : public Dissector {
 public:
  explicit LuaPlugin(const Options& opts);
  const char* name() const override { return "lua"; }
  void register_fields(FieldRegistry& reg) override;
  void register_handoffs(DissectorTables& tables) override;
  void resolve(DissectorTables& tables) override;
  uint32_t dissect(DissectContext&, Tvb, int) override { return 0; }
  std::unique_ptr<ShardState> new_shard_state() const override;
  void wanted_fields(std::vector<FieldId>& out) const override;
  int registration_order() const override { return 1; }
  bool wants_taps() const override;
  void tap(const Event& ev) override;
  void end_taps() override;
  // A Listener callback failed: the first failure of each callback is shown.
  void tap_failed(const std::string& what, const std::string& error);

  // This shard's Lua state; nullptr when it failed to load.
  Host* host(DissectContext& ctx);
  Registry& registry() { return reg_; }

 private:
  Registry reg_;
  // Kept after registration only while its scripts made Listeners.
  std::unique_ptr<Host> registration_;
  std::map<std::string, uint64_t> tap_failures_;  // "Listener.packet" → failed calls
};

// The Lua API of this plugin, by area (each opens its globals in L).
void open_proto_api(lua_State* L);   // Proto, ProtoField, ProtoExpert, Pref, base, ftypes, expert, ...
void open_tree_api(lua_State* L);    // TreeItem
void open_pinfo_api(lua_State* L);   // Pinfo, Column, Columns
void open_tables_api(lua_State* L);  // DissectorTable, Dissector, dissect_tcp_pdus, register_postdissector
// Last: Struct, typeof, format_*, all_field_infos, Dir, wtap/ENC_*/MENU_* tables, GUI stubs, class tables.
void open_globals_api(lua_State* L);

// Userdata the areas share.
struct ProtoUd {
  ProtoDef* def;
};
struct FieldUd {
  FieldDef* def;
};
struct ExpertUd {
  ExpertDef* def;
};
struct TreeUd {
  int item;   // index in the dissection's fields, or -1 (top level)
  bool real;  // false: the item was skipped (nobody reads it); text changes go nowhere
  uint64_t generation;  // the dissector call it belongs to (lua::tvb_generation)
};
inline constexpr const char* kProtoMt = "Proto";
inline constexpr const char* kFieldMt = "ProtoField";
inline constexpr const char* kExpertMt = "ProtoExpert";
inline constexpr const char* kTreeMt = "TreeItem";
inline constexpr const char* kPinfoMt = "Pinfo";
inline constexpr const char* kDissectorMt = "Dissector";

void push_tree(lua_State* L, int item, bool real);
// A TreeItem of the current call; one kept from an earlier packet raises
// "expired TreeItem" (its index would point into another packet's items).
TreeUd* check_tree(lua_State* L, int idx);
void push_pinfo(lua_State* L);
void push_proto(lua_State* L, ProtoDef& def);  // the state's Proto userdata
void push_dissector(lua_State* L, Dissector* d);
// A ProtoDef from a Proto userdata or a Dissector userdata of a Lua proto; nullptr otherwise.
Dissector* to_dissector(lua_State* L, int idx);
// The current DissectContext, or a Lua error outside a dissector call.
DissectContext& check_ctx(lua_State* L);

}  // namespace strato::luad
