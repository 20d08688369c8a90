// Ethernet Configuration Testing Protocol (ethertype 0x9000, "loopback"):
// a skip count, then functions (little-endian 16-bit) — Forward Data with
// the next hop's address, repeated, until a Reply with its receipt number.
// What follows the functions is handed to data.
#include "netcommon.h"

namespace strato {
namespace {

constexpr unsigned kReply = 1, kForwardData = 2;
const ValueName kFunctions[] = {{kReply, "Reply"}, {kForwardData, "Forward Data"}, {0, nullptr}};

const char* function_name(unsigned f) {
  for (const ValueName* v = kFunctions; v->name; ++v)
    if (v->value == f) return v->name;
  return nullptr;
}

class LoopDissector : public Dissector {
 public:
  const char* name() const override { return "loop"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("loop", "Configuration Test Protocol (loopback)");
    skip_ = reg.add_field(proto_, "loop.skipcount", "skipCount", FieldType::UInt, Base::Dec, 16);
    function_ = reg.add_field(proto_, "loop.function", "Function", FieldType::UInt, Base::Dec, 16, 0, kFunctions);
    relevant_ =
        reg.add_field(proto_, "loop.relevant_function", "Relevant function", FieldType::UInt, Base::Dec, 16, 0, kFunctions);
    receipt_ = reg.add_field(proto_, "loop.receipt_number", "Receipt number", FieldType::UInt, Base::Dec, 16);
    forward_ = reg.add_field(proto_, "loop.forwarding_address", "Forwarding address", FieldType::Ether);
    short_ = net::short_field(reg);
  }

  void register_handoffs(DissectorTables& t) override { t.add("ethertype", 0x9000, this); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    ctx.set_protocol_column("LOOP");
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len, parent, "loop");
    ctx.set_label(top, "Configuration Test Protocol (loopback)");
    if (!tvb.has(0, 2)) {
      net::out_of_bytes(ctx, short_, "LOOP", top, tvb);
      return tvb.len ? tvb.len : 1;
    }
    uint32_t skip = tvb.u16le(0);
    ctx.add_uint(skip_, tvb, 0, 2, skip, top);
    // The function the next station acts on sits skipCount bytes further.
    if (tvb.has(2 + skip, 2)) {
      unsigned rel = tvb.u16le(2 + skip);
      ctx.add_uint(relevant_, tvb, 2 + skip, 2, rel, top);
      const char* n = function_name(rel);
      ctx.info() = n ? n : "Unknown function (" + std::to_string(rel) + ")";
    }
    uint32_t off = 2;
    for (;;) {
      if (!tvb.has(off, 2)) {
        net::out_of_bytes(ctx, short_, "LOOP", top, tvb);
        return tvb.len;
      }
      unsigned f = tvb.u16le(off);
      ctx.add_uint(function_, tvb, off, 2, f, top);
      off += 2;
      if (f == kForwardData) {
        if (!tvb.has(off, 6)) {
          net::out_of_bytes(ctx, short_, "LOOP", top, tvb);
          return tvb.len;
        }
        ctx.add_bytes(forward_, tvb, off, 6, top);
        off += 6;
        continue;
      }
      if (f == kReply) {
        if (!tvb.has(off, 2)) {
          net::out_of_bytes(ctx, short_, "LOOP", top, tvb);
          return tvb.len;
        }
        ctx.add_uint(receipt_, tvb, off, 2, tvb.u16le(off), top);
        off += 2;
      }
      break;
    }
    ctx.set_length(top, off);
    if (off < tvb.len) ctx.call_data(tvb.sub(off), -1);
    return tvb.len;
  }

 private:
  FieldId proto_, skip_, function_, relevant_, receipt_, forward_, short_;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<LoopDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "loop", "Configuration Test Protocol (loopback)", strato::create)
