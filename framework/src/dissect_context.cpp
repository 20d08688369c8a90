#include <cstring>

#include "strato/dissector.h"

namespace strato {

namespace {
// A packet can legitimately hold a few thousand items (big DNS answers); a
// fuzzed one must not grow without bound.
constexpr size_t kMaxItemsPerPacket = 1 << 16;
constexpr uint32_t kMaxDepth = 48;

FieldId malformed_field() {
  static FieldId id = FieldRegistry::instance().add_protocol("_ws.malformed", "Malformed Packet");
  return id;
}
}  // namespace

int DissectContext::push(FieldId f, Tvb tvb, uint32_t off, uint32_t len, int parent, uint8_t flags) {
  if (d_.fields.size() >= kMaxItemsPerPacket) return parent;
  // A skipped field returns its parent, as if it had been added there:
  // children attach to the nearest recorded ancestor and add_* see another
  // id in that slot and write nothing.
  if (shard_.wanted && f < shard_.wanted->size() && !(*shard_.wanted)[f]) return parent;
  FieldValue& fv = d_.fields.emplace_back();
  fv.id = f;
  fv.parent = parent;
  uint32_t at = tvb.at(off);
  if (at == Tvb::kDetached) {
    fv.start = 0;
    fv.length = 0;
  } else {
    fv.start = at;
    fv.length = len;
  }
  fv.flags = flags;
  return static_cast<int>(d_.fields.size() - 1);
}

int DissectContext::add_protocol(FieldId proto, Tvb tvb, uint32_t off, uint32_t len, int parent,
                                 std::string_view layer) {
  if (!layer.empty()) add_layer(layer);
  return push(proto, tvb, off, len, parent, 0);
}

void DissectContext::add_layer(std::string_view layer) {
  if (!d_.protocols.empty()) d_.protocols.push_back(':');
  d_.protocols.append(layer);
}

int DissectContext::record_uint(FieldId f, Tvb tvb, uint32_t off, uint32_t len, uint64_t v, int parent,
                                uint8_t flags) {
  int i = push(f, tvb, off, len, parent, flags);
  if (i >= 0 && d_.fields[i].id == f) d_.fields[i].v.u = v;
  return i;
}

int DissectContext::add_double(FieldId f, Tvb tvb, uint32_t off, uint32_t len, double v, int parent,
                               uint8_t flags) {
  int i = push(f, tvb, off, len, parent, flags);
  if (i >= 0 && d_.fields[i].id == f) d_.fields[i].v.d = v;
  return i;
}

int DissectContext::record_bytes(FieldId f, Tvb tvb, uint32_t off, uint32_t len, int parent, uint8_t flags) {
  if (off > tvb.len) off = tvb.len;
  if (len > tvb.len - off) len = tvb.len - off;
  if (tvb.base == Tvb::kDetached)
    return add_string(f, tvb, off, len, tvb.str(off, len), parent, flags);
  int i = push(f, tvb, off, len, parent, flags);
  if (i >= 0 && d_.fields[i].id == f) {
    FieldValue& fv = d_.fields[i];
    fv.storage = FieldValue::Packet;
    fv.v.ref.off = tvb.base + off;
    fv.v.ref.len = len;
  }
  return i;
}

int DissectContext::add_string(FieldId f, Tvb tvb, uint32_t off, uint32_t len, std::string_view value, int parent,
                               uint8_t flags) {
  int i = push(f, tvb, off, len, parent, flags);
  if (i >= 0 && d_.fields[i].id == f) {
    FieldValue& fv = d_.fields[i];
    fv.storage = FieldValue::Arena;
    fv.v.ref.off = static_cast<uint32_t>(d_.arena.size());
    fv.v.ref.len = static_cast<uint32_t>(value.size());
    d_.arena.append(value);
  }
  return i;
}

int DissectContext::add_abs_time(FieldId f, uint64_t ns, int parent, uint8_t flags) {
  return add_uint(f, Tvb{}, 0, 0, ns, parent, flags);
}

int DissectContext::add_rel_time(FieldId f, int64_t ns, int parent, uint8_t flags) {
  return add_int(f, Tvb{}, 0, 0, ns, parent, flags);
}

int DissectContext::add_label(FieldId f, Tvb tvb, uint32_t off, uint32_t len, std::string_view text, int parent) {
  int i = push(f, tvb, off, len, parent, 0);
  if (i >= 0 && d_.fields[i].id == f) set_label(i, text);
  return i;
}

void DissectContext::set_label(int item, std::string_view text) {
  if (!shard_.want_labels || item < 0 || static_cast<size_t>(item) >= d_.fields.size()) return;
  FieldValue& fv = d_.fields[item];
  fv.label_off = static_cast<uint32_t>(d_.arena.size());
  fv.label_len = static_cast<uint32_t>(text.size());
  d_.arena.append(text);
}

namespace {

struct ExpertFields {
  FieldId proto = kNoField, message = kNoField, severity = kNoField, group = kNoField;
};
ExpertFields& expert_fields() {
  static ExpertFields f;
  return f;
}

const ValueName kSeverityNames[] = {{0x00100000, "Comment"}, {0x00200000, "Chat"}, {0x00400000, "Note"},
                                    {0x00600000, "Warning"}, {0x00800000, "Error"}, {0, nullptr}};
const ValueName kGroupNames[] = {{0x01000000, "Checksum"},    {0x02000000, "Sequence"},   {0x03000000, "Response"},
                                 {0x04000000, "Request"},     {0x05000000, "Undecoded"},  {0x06000000, "Reassemble"},
                                 {0x07000000, "Malformed"},   {0x08000000, "Debug"},      {0x09000000, "Protocol"},
                                 {0x0a000000, "Security"},    {0x0b000000, "Comment"},    {0x0c000000, "Decryption"},
                                 {0x0d000000, "Assumption"},  {0x0e000000, "Deprecated"}, {0, nullptr}};

const char* name_of(const ValueName* t, uint32_t v) {
  for (; t->name; ++t)
    if (t->value == v) return t->name;
  return "Unknown";
}

}  // namespace

void register_expert_fields(FieldRegistry& reg) {
  ExpertFields& f = expert_fields();
  f.proto = reg.add_protocol("_ws.expert", "Expert Info");
  f.message = reg.add_field(f.proto, "_ws.expert.message", "Message", FieldType::String, Base::Text);
  f.group = reg.add_field(f.proto, "_ws.expert.group", "Group", FieldType::UInt);
  f.severity = reg.add_field(f.proto, "_ws.expert.severity", "Severity level", FieldType::UInt);
}

int DissectContext::add_expert(FieldId specific, Tvb tvb, uint32_t off, uint32_t len, int parent,
                               ExpertSeverity severity, ExpertGroup group, std::string_view message) {
  const ExpertFields& f = expert_fields();
  if (f.proto == kNoField) return parent;
  const char* sev = name_of(kSeverityNames, uint32_t(severity));
  const char* grp = name_of(kGroupNames, uint32_t(group));
  int top = push(f.proto, tvb, off, len, parent, FieldValue::Generated);
  int own = top >= 0 && top != parent && d_.fields[size_t(top)].id == f.proto ? top : parent;
  if (own == top && want_labels())
    set_label(top, std::string("Expert Info (") + sev + "/" + grp + "): " + std::string(message));
  int item = add_label(specific, tvb, off, len, message, own);
  if (item >= 0 && item != own && d_.fields[size_t(item)].id == specific)
    d_.fields[size_t(item)].flags |= FieldValue::Generated;
  add_string(f.message, tvb, off, len, message, own, FieldValue::Hidden | FieldValue::Generated);
  int s = add_uint(f.severity, tvb, off, len, uint32_t(severity), own, FieldValue::Generated);
  if (s >= 0 && s != own && d_.fields[size_t(s)].id == f.severity) set_label(s, std::string("Severity level: ") + sev);
  int g = add_uint(f.group, tvb, off, len, uint32_t(group), own, FieldValue::Generated);
  if (g >= 0 && g != own && d_.fields[size_t(g)].id == f.group) set_label(g, std::string("Group: ") + grp);
  return top;
}

bool DissectContext::call(Dissector* d, Tvb tvb, int parent) {
  if (!d || depth >= kMaxDepth) return false;
  ++depth;
  uint32_t used = d->dissect(*this, tvb, parent);
  --depth;
  return used > 0;
}

bool DissectContext::call_table(const DissectorTables::Table* t, uint32_t key, Tvb tvb, int parent) {
  if (!t) return false;
  Dissector* d = t->lookup(key);
  return d ? call(d, tvb, parent) : false;
}

bool DissectContext::try_heuristics(const std::vector<Dissector*>* list, Tvb tvb, int parent) {
  if (!list || depth >= kMaxDepth) return false;
  for (Dissector* d : *list) {
    ++depth;
    bool ok = d->heuristic(*this, tvb, parent);
    --depth;
    if (ok) return true;
  }
  return false;
}

void DissectContext::call_data(Tvb tvb, int parent) {
  static Dissector* data = DissectorTables::instance().find("data");
  if (data && tvb.len > 0) call(data, tvb, parent);
}

void DissectContext::mark_malformed(std::string_view proto_layer, int parent) {
  if (d_.malformed) return;
  d_.malformed = true;
  // tshark shows the item but does not list it in frame.protocols.
  int i = add_protocol(malformed_field(), Tvb{}, 0, 0, -1, "");
  std::string text = "[Malformed Packet: ";
  text.append(proto_layer);
  text.push_back(']');
  set_label(i, text);
  (void)parent;
  d_.col_info.append("[Malformed Packet]");  // tshark appends it without a space
}

std::string_view field_bytes(const Event& ev, const FieldValue& fv) {
  switch (fv.storage) {
    case FieldValue::Packet:
      if (fv.v.ref.off > ev.cap_len || fv.v.ref.len > ev.cap_len - fv.v.ref.off) return {};
      return {reinterpret_cast<const char*>(ev.data) + fv.v.ref.off, fv.v.ref.len};
    case FieldValue::Arena:
      return std::string_view(ev.dissection.arena).substr(fv.v.ref.off, fv.v.ref.len);
    default:
      return {};
  }
}

std::string_view field_label(const Event& ev, const FieldValue& fv) {
  if (fv.label_len == 0) return {};
  return std::string_view(ev.dissection.arena).substr(fv.label_off, fv.label_len);
}

void dissect_event(Event& ev, Shard& shard) {
  static Dissector* frame = DissectorTables::instance().find("frame");
  // Postdissectors (a Lua register_postdissector) see the whole frame after
  // every other dissector; the list is fixed once registration is done.
  static const std::vector<Dissector*>* post = DissectorTables::instance().heuristics("postdissector");
  DissectContext ctx(ev, shard);
  if (frame) ctx.call(frame, ctx.frame(), -1);
  if (!post->empty()) {
    ctx.pinfo.l4 = nullptr;
    for (Dissector* d : *post) ctx.call(d, ctx.frame(), -1);
  }
}

}  // namespace strato
