// The root dissector: frame.* fields, then the link layer through the
// "link_type" table. It finishes frame.protocols once everything below ran.
#include <string>

#include "strato/dissector.h"
#include "strato/format.h"

namespace strato {
namespace {

class FrameDissector : public Dissector {
 public:
  const char* name() const override { return "frame"; }

  void register_fields(FieldRegistry& reg) override {
    proto_ = reg.add_protocol("frame", "Frame");
    iface_ = reg.add_field(proto_, "frame.interface_id", "Interface id", FieldType::UInt);
    iface_name_ = reg.add_field(proto_, "frame.interface_name", "Interface name", FieldType::String);
    encap_ = reg.add_field(proto_, "frame.encap_type", "Encapsulation type", FieldType::Int);
    time_ = reg.add_field(proto_, "frame.time", "Arrival Time", FieldType::AbsTime, Base::Calendar);
    epoch_ = reg.add_field(proto_, "frame.time_epoch", "Epoch Time", FieldType::AbsTime);
    delta_ = reg.add_field(proto_, "frame.time_delta", "Time delta from previous captured frame", FieldType::RelTime);
    relative_ = reg.add_field(proto_, "frame.time_relative", "Time since reference or first frame", FieldType::RelTime);
    number_ = reg.add_field(proto_, "frame.number", "Frame Number", FieldType::UInt);
    len_ = reg.add_field(proto_, "frame.len", "Frame Length", FieldType::UInt);
    cap_len_ = reg.add_field(proto_, "frame.cap_len", "Capture Length", FieldType::UInt);
    marked_ = reg.add_field(proto_, "frame.marked", "Frame is marked", FieldType::Boolean);
    ignored_ = reg.add_field(proto_, "frame.ignored", "Frame is ignored", FieldType::Boolean);
    protocols_ = reg.add_field(proto_, "frame.protocols", "Protocols in frame", FieldType::String);
    comment_ = reg.add_field(proto_, "frame.comment", "Comment", FieldType::String);
    reg.add_protocol("_ws.malformed", "Malformed Packet");
    register_expert_fields(reg);
  }

  void resolve(DissectorTables& tables) override { link_ = tables.table("link_type"); }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    Event& ev = ctx.event();
    Dissection& d = ctx.dissection();
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len, parent, "");
    if (ctx.want_labels()) {
      std::string label = "Frame " + std::to_string(ev.number) + ": " + std::to_string(ev.orig_len) +
                          " bytes on wire (" + std::to_string(uint64_t(ev.orig_len) * 8) + " bits), " +
                          std::to_string(ev.cap_len) + " bytes captured (" +
                          std::to_string(uint64_t(ev.cap_len) * 8) + " bits) on interface " + std::to_string(ev.iface);
      ctx.set_label(top, label);
    }
    if (!ev.comment.empty()) ctx.add_string(comment_, Tvb{}, 0, 0, ev.comment, top);
    ctx.add_uint(iface_, Tvb{}, 0, 0, ev.iface, top);
    ctx.add_int(encap_, Tvb{}, 0, 0, ev.link_type, top);
    ctx.add_abs_time(time_, ev.ts_ns, top, 0);
    ctx.add_abs_time(epoch_, ev.ts_ns, top, 0);
    ctx.add_rel_time(delta_, static_cast<int64_t>(ev.delta_ns), top, 0);
    ctx.add_rel_time(relative_, static_cast<int64_t>(ev.rel_ns), top, 0);
    ctx.add_uint(number_, Tvb{}, 0, 0, ev.number, top);
    ctx.add_uint(len_, Tvb{}, 0, 0, ev.orig_len, top);
    ctx.add_uint(cap_len_, Tvb{}, 0, 0, ev.cap_len, top);
    ctx.add_bool(marked_, Tvb{}, 0, 0, false, top);
    ctx.add_bool(ignored_, Tvb{}, 0, 0, false, top);
    int protocols_item = ctx.add_string(protocols_, Tvb{}, 0, 0, "", top);

    if (!ctx.call_table(link_, ev.link_type, tvb, -1)) {
      ctx.call_data(tvb, -1);
      if (d.col_protocol.empty()) {
        d.col_protocol = "WTAP_ENCAP = " + std::to_string(ev.link_type);
      }
    }
    // frame.protocols is known only now; point the item at the final text.
    if (protocols_item < 0 || d.fields[protocols_item].id != protocols_) return tvb.len ? tvb.len : 1;
    FieldValue& fv = d.fields[protocols_item];
    fv.v.ref.off = static_cast<uint32_t>(d.arena.size());
    fv.v.ref.len = static_cast<uint32_t>(d.protocols.size());
    d.arena.append(d.protocols);
    return tvb.len ? tvb.len : 1;
  }

 private:
  FieldId proto_, iface_, iface_name_, encap_, time_, epoch_, delta_, relative_, number_, len_, cap_len_, marked_,
      ignored_, protocols_, comment_;
  const DissectorTables::Table* link_ = nullptr;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<FrameDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "frame", "Frame: the root of every packet's dissection",
                         strato::create)
