#pragma once
// Dissector plugin interface, modelled on Wireshark's: a dissector registers
// fields and hand-offs once, then is called per packet with a buffer view
// (Tvb) and a context that collects fields, columns and protocol layers.
//
// Threading: dissect() runs concurrently on different flow shards. A
// dissector keeps no mutable member state; per-flow state lives in
// shard_state<T>(), which is private to the calling shard. Every packet of a
// flow (same addresses and ports, either direction) goes to the same shard in
// capture order, so per-flow state sees exactly what tshark's single pass sees.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "strato/event.h"
#include "strato/field.h"
#include "strato/plugin.h"

namespace strato {

// A view of bytes being dissected. `base` is where data[0] sits in the frame,
// or kDetached for reassembled/decompressed buffers that are not frame bytes.
struct Tvb {
  static constexpr uint32_t kDetached = 0xffffffffu;
  const uint8_t* data = nullptr;
  uint32_t len = 0;
  uint32_t base = 0;

  Tvb sub(uint32_t off) const { return off >= len ? Tvb{data + len, 0, at(len)} : Tvb{data + off, len - off, at(off)}; }
  Tvb sub(uint32_t off, uint32_t n) const {
    if (off > len) off = len;
    if (n > len - off) n = len - off;
    return Tvb{data + off, n, at(off)};
  }
  uint32_t at(uint32_t off) const { return base == kDetached ? kDetached : base + off; }
  bool has(uint32_t off, uint32_t n) const { return off <= len && n <= len - off; }
  uint8_t u8(uint32_t o) const { return data[o]; }
  uint16_t u16(uint32_t o) const { return uint16_t(data[o] << 8 | data[o + 1]); }
  uint16_t u16le(uint32_t o) const { return uint16_t(data[o + 1] << 8 | data[o]); }
  uint32_t u24(uint32_t o) const { return uint32_t(data[o]) << 16 | uint32_t(data[o + 1]) << 8 | data[o + 2]; }
  uint32_t u32(uint32_t o) const { return uint32_t(u16(o)) << 16 | u16(o + 2); }
  uint32_t u32le(uint32_t o) const { return uint32_t(u16le(o + 2)) << 16 | u16le(o); }
  uint64_t u64(uint32_t o) const { return uint64_t(u32(o)) << 32 | u32(o + 4); }
  std::string_view str(uint32_t o, uint32_t n) const { return {reinterpret_cast<const char*>(data + o), n}; }
};

struct Address {
  enum Family : uint8_t { None = 0, IPv4 = 4, IPv6 = 6, Ether = 1 } family = None;
  uint8_t bytes[16] = {};
  bool operator==(const Address& o) const { return family == o.family && std::memcmp(bytes, o.bytes, 16) == 0; }
};

// What lower layers tell upper ones (Wireshark's packet_info).
struct PacketInfo {
  Address dl_src, dl_dst, net_src, net_dst;
  uint16_t srcport = 0, dstport = 0;
  uint8_t ip_proto = 0;        // 6 tcp, 17 udp, ...
  uint64_t stream = ~0ull;     // shard-local transport stream id (see DissectContext::new_stream)
  bool to_server = true;       // set by transport: direction relative to the flow's first packet
  bool in_error_packet = false;  // inside an ICMP error: no state updates
  const void* l4 = nullptr;    // transport-specific details (e.g. TCP segment info)
};

// Per-shard state of one dissector. Subclass and get it with shard_state<T>().
struct ShardState {
  virtual ~ShardState() = default;
};

class DissectorTables;
class DissectContext;

class Dissector : public Plugin {
 public:
  // Short protocol name, also its layer name in frame.protocols ("ip", "tcp").
  virtual const char* name() const = 0;
  virtual void register_fields(FieldRegistry& reg) = 0;
  // Hand-offs: tables.add("ethertype", 0x0800, this), tables.add_heuristic("tcp", this).
  virtual void register_handoffs(DissectorTables& tables) { (void)tables; }
  // Called once after every dissector registered, to look up tables/handles.
  virtual void resolve(DissectorTables& tables) { (void)tables; }
  // Returns the number of bytes it consumed; 0 means "not mine" (the caller
  // then falls back to the data dissector).
  virtual uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) = 0;
  // Heuristic entry point: return true only after dissecting the packet.
  virtual bool heuristic(DissectContext& ctx, Tvb tvb, int parent) {
    (void)ctx, (void)tvb, (void)parent;
    return false;
  }
  virtual std::unique_ptr<ShardState> new_shard_state() const { return nullptr; }
  // Fields this dissector reads back from the packet being dissected (a Lua
  // script's Field.new): the engine records them even when no sink asks.
  virtual void wanted_fields(std::vector<FieldId>& out) const { (void)out; }
  // Dissectors register in increasing order (0: built-ins; Lua scripts
  // later, so their table entries win and Dissector.get finds built-ins).
  virtual int registration_order() const { return 0; }
  // Taps (Wireshark's tap listeners, e.g. a Lua script's Listener): when
  // wants_taps(), the engine calls tap() with every dissected event, from
  // one thread in capture order, whatever the display filter says, before
  // the sinks write it; end_taps() once after the last event, after the
  // sinks finished. Events are dissected even when no sink reads them.
  virtual bool wants_taps() const { return false; }
  virtual void tap(const Event& ev) { (void)ev; }
  virtual void end_taps() {}

  int slot = -1;  // assigned by DissectorTables: index into a shard's states
};

// Named hand-off tables ("ethertype", "ip.proto", "tcp.port", "udp.port",
// "link_type") and heuristic lists ("tcp", "udp").
class DissectorTables {
 public:
  static DissectorTables& instance();

  void add_dissector(Dissector* d);  // assigns d->slot, registers fields
  Dissector* find(std::string_view name) const;
  void add(const std::string& table, uint32_t key, Dissector* d);
  void add_heuristic(const std::string& list, Dissector* d);
  void finish();  // calls resolve() on every dissector

  struct Table {
    std::string name;
    std::unordered_map<uint32_t, Dissector*> entries;
    Dissector* lookup(uint32_t key) const {
      auto it = entries.find(key);
      return it == entries.end() ? nullptr : it->second;
    }
  };
  const Table* table(std::string_view name) const;
  const std::vector<Dissector*>* heuristics(std::string_view list) const;
  const std::vector<Dissector*>& dissectors() const { return all_; }

 private:
  std::vector<Dissector*> all_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::unordered_map<std::string, std::vector<Dissector*>> heur_;
};

// Per-shard dissection state: one per flow shard, owned by the engine.
class Shard {
 public:
  explicit Shard(uint32_t index);
  uint32_t index() const { return index_; }
  ShardState* state(const Dissector* d);
  uint64_t next_stream(uint8_t kind) { return next_local_[kind]++; }
  // What sinks need beyond fields (set by the engine before dissection).
  bool want_labels = true, want_columns = true;
  // By FieldId: record this field? Null: record all. Skipping fields nobody
  // reads is most of the cost of -T fields with a few -e.
  const std::vector<uint8_t>* wanted = nullptr;
  // The source's interfaces as of the batch being dissected.
  const std::vector<InterfaceInfo>* interfaces = nullptr;

 private:
  uint32_t index_;
  std::vector<std::unique_ptr<ShardState>> states_;
  uint64_t next_local_[4] = {0, 0, 0, 0};
};

// Wireshark's expert severities and groups (their _ws.expert.* values).
enum class ExpertSeverity : uint32_t { Comment = 0x00100000, Chat = 0x00200000, Note = 0x00400000, Warn = 0x00600000, Error = 0x00800000 };
enum class ExpertGroup : uint32_t {
  Checksum = 0x01000000, Sequence = 0x02000000, ResponseCode = 0x03000000, RequestCode = 0x04000000,
  Undecoded = 0x05000000, Reassemble = 0x06000000, Malformed = 0x07000000, Debug = 0x08000000,
  Protocol = 0x09000000, Security = 0x0a000000, Comments = 0x0b000000, Decryption = 0x0c000000,
  Assumption = 0x0d000000, Deprecated = 0x0e000000
};
// Registers _ws.expert and its fields (done once by the frame dissector).
void register_expert_fields(FieldRegistry& reg);

class DissectContext {
 public:
  DissectContext(Event& ev, Shard& shard) : ev_(ev), d_(ev.dissection), shard_(shard) {}

  Event& event() { return ev_; }
  // Dissectors skip building tree labels / Info text nobody will print.
  bool want_labels() const { return shard_.want_labels; }
  bool want_columns() const { return shard_.want_columns; }
  Dissection& dissection() { return d_; }
  // The event's interface, when the source described it.
  const InterfaceInfo* interface_info() const {
    const auto* v = shard_.interfaces;
    return v && ev_.iface < v->size() ? &(*v)[ev_.iface] : nullptr;
  }
  const InterfaceInfo* interface_at(size_t i) const {
    const auto* v = shard_.interfaces;
    return v && i < v->size() ? &(*v)[i] : nullptr;
  }
  PacketInfo pinfo;
  Tvb frame() const { return Tvb{ev_.data, ev_.cap_len, 0}; }

  template <class T>
  T& shard_state(const Dissector* d) {
    return *static_cast<T*>(shard_.state(d));
  }

  // ---- protocol layers and columns
  // Adds a protocol item (tree node), appends `layer` to frame.protocols and
  // returns the item's index for use as `parent`.
  int add_protocol(FieldId proto, Tvb tvb, uint32_t off, uint32_t len, int parent, std::string_view layer);
  void add_layer(std::string_view layer);  // frame.protocols only (e.g. "ethertype")
  // Inside the datagram an ICMP error quotes, the columns stay the error's,
  // as Wireshark makes them unwritable there: writes land on a scratch line.
  void set_protocol_column(std::string_view p) {
    if (!pinfo.in_error_packet) d_.col_protocol.assign(p);
  }
  std::string& info() {
    if (!pinfo.in_error_packet) return d_.col_info;
    scratch_info_.clear();
    return scratch_info_;
  }
  void set_columns_src_dst(std::string_view s, std::string_view d) {
    if (pinfo.in_error_packet) return;
    d_.col_src.assign(s);
    d_.col_dst.assign(d);
  }

  // ---- fields. Each returns the new item's index (usable as parent).
  // Fields nobody reads are skipped here, inline: most calls end at this test.
  bool skipped(FieldId f) const {
    const std::vector<uint8_t>* w = shard_.wanted;
    return w && f < w->size() && !(*w)[f];
  }
  int add_uint(FieldId f, Tvb tvb, uint32_t off, uint32_t len, uint64_t v, int parent, uint8_t flags = 0) {
    return skipped(f) ? parent : record_uint(f, tvb, off, len, v, parent, flags);
  }
  int add_int(FieldId f, Tvb tvb, uint32_t off, uint32_t len, int64_t v, int parent, uint8_t flags = 0) {
    return skipped(f) ? parent : record_uint(f, tvb, off, len, static_cast<uint64_t>(v), parent, flags);
  }
  int add_bool(FieldId f, Tvb tvb, uint32_t off, uint32_t len, bool v, int parent, uint8_t flags = 0) {
    return add_uint(f, tvb, off, len, v ? 1 : 0, parent, flags);
  }
  int add_double(FieldId f, Tvb tvb, uint32_t off, uint32_t len, double v, int parent, uint8_t flags = 0);
  int add_ipv4(FieldId f, Tvb tvb, uint32_t off, uint32_t v_host_order, int parent, uint8_t flags = 0) {
    return add_uint(f, tvb, off, 4, v_host_order, parent, flags);
  }
  // String/bytes/IPv6/Ether: references the bytes when tvb is frame data, else copies them.
  int add_bytes(FieldId f, Tvb tvb, uint32_t off, uint32_t len, int parent, uint8_t flags = 0) {
    return skipped(f) ? parent : record_bytes(f, tvb, off, len, parent, flags);
  }
  // A value that is not in the packet (decoded names, generated text).
  int add_string(FieldId f, Tvb tvb, uint32_t off, uint32_t len, std::string_view value, int parent,
                 uint8_t flags = 0);
  int add_abs_time(FieldId f, uint64_t ns, int parent, uint8_t flags = FieldValue::Generated);
  int add_rel_time(FieldId f, int64_t ns, int parent, uint8_t flags = FieldValue::Generated);
  int add_label(FieldId f, Tvb tvb, uint32_t off, uint32_t len, std::string_view text, int parent);
  // Replaces the tree text of an item (e.g. "Internet Protocol Version 4, Src: ..").
  void set_label(int item, std::string_view text);
  // Expert information as tshark adds it: an "Expert Info (Severity/Group):
  // message" node under `parent` holding the dissector's own expert field
  // (`specific`, e.g. http.chat) and the _ws.expert.* fields.
  int add_expert(FieldId specific, Tvb tvb, uint32_t off, uint32_t len, int parent, ExpertSeverity severity,
                 ExpertGroup group, std::string_view message);
  void set_length(int item, uint32_t len) { d_.fields[item].length = len; }

  // Transport stream numbers (tcp.stream, udp.stream) must count streams in
  // global capture order, but each shard only sees its own flows. A shard
  // hands out local ids; the engine renumbers them in order after dissection.
  enum StreamKind : uint8_t { TcpStream = 0, UdpStream = 1 };
  uint64_t new_stream(StreamKind k) {
    return uint64_t(k) << 56 | uint64_t(shard_.index()) << 40 | shard_.next_stream(k);
  }
  int add_stream(FieldId f, Tvb tvb, uint64_t local_stream, int parent) {
    int i = add_uint(f, tvb, 0, 0, local_stream, parent, FieldValue::StreamId | FieldValue::Generated);
    if (i >= 0 && d_.fields[i].id == f) d_.stream_items.push_back(static_cast<uint32_t>(i));
    return i;
  }

  // ---- sub-dissectors
  bool call(Dissector* d, Tvb tvb, int parent);
  // Tries table[key]; returns false (having done nothing) if there is no entry
  // or the entry declined.
  bool call_table(const DissectorTables::Table* t, uint32_t key, Tvb tvb, int parent);
  bool try_heuristics(const std::vector<Dissector*>* list, Tvb tvb, int parent);
  // The data dissector, for payload nobody claimed.
  void call_data(Tvb tvb, int parent);

  void mark_malformed(std::string_view proto_layer, int parent);
  uint32_t depth = 0;  // guards against runaway recursion in tunnels

 private:
  int record_uint(FieldId f, Tvb tvb, uint32_t off, uint32_t len, uint64_t v, int parent, uint8_t flags);
  int record_bytes(FieldId f, Tvb tvb, uint32_t off, uint32_t len, int parent, uint8_t flags);
  int push(FieldId f, Tvb tvb, uint32_t off, uint32_t len, int parent, uint8_t flags);
  Event& ev_;
  Dissection& d_;
  Shard& shard_;
  std::string scratch_info_;  // info() while the columns are the ICMP error's
};

// Accessors used by sinks and the filter engine.
std::string_view field_bytes(const Event& ev, const FieldValue& fv);  // String/Bytes/IPv6/Ether
std::string_view field_label(const Event& ev, const FieldValue& fv);  // custom tree text or ""

// Runs the whole dissection of one event (frame dissector and below).
void dissect_event(Event& ev, Shard& shard);

}  // namespace strato
