// The root dissector: frame.* fields, then the link layer through the
// "link_type" table. It finishes frame.protocols once everything below ran.
// An event that carries process metadata gets the process dissector's tree
// right after the frame's, whatever its link type.
#include <cstdio>
#include <string>
#include <vector>

#include "netcommon.h"
#include "strato/dissector.h"
#include "strato/format.h"
#include "strato/syscall_event.h"

namespace strato {
namespace {

// tshark shows Wiretap's encapsulation numbers and names, not LINKTYPE
// values (checked against tshark 4.0 on the tcpdump test captures).
struct Encap {
  uint32_t linktype;
  int wtap;
  const char* name;
};
const Encap kEncaps[] = {
    {0, 15, "NULL/Loopback"},        {1, 1, "Ethernet"},
    {8, 3, "SLIP"},                  {9, 4, "PPP"},
    {50, 4, "PPP"},                  {100, 10, "RFC 1483 ATM"},
    {101, 7, "Raw IP"},              {12, 7, "Raw IP"},
    {14, 7, "Raw IP"},               {104, 28, "Cisco HDLC"},
    {105, 20, "IEEE 802.11 Wireless LAN"}, {106, 11, "Linux ATM CLIP"},
    {107, 26, "Frame Relay"},        {113, 25, "Linux cooked-mode capture v1"},
    {123, 13, "ATM PDUs"},           {127, 23, "IEEE 802.11 plus radiotap radio header"},
    {129, 9, "Linux ARCNET"},        {195, 104, "IEEE 802.15.4 Wireless PAN"},
    {226, 124, "Solaris IPNET"},     {228, 129, "Raw IPv4"},
    {229, 130, "Raw IPv6"},          {231, 146, "D-Bus"},
    {242, 180, "IP over IB"},        {276, 210, "Linux cooked-mode capture v2"},
};

const Encap* encap_of(uint32_t linktype) {
  for (const Encap& e : kEncaps)
    if (e.linktype == linktype) return &e;
  return nullptr;
}

// tshark calls an interface without if_name "unknown".
std::string iface_name(const InterfaceInfo& i) { return i.name.empty() ? "unknown" : i.name; }

enum PacketFlagValues { kBool = 0, kDirections, kReceptions, kNumber };
struct PacketFlag {
  const char* abbrev;
  const char* name;
  uint32_t mask;
  int values;
};
// tshark 4.0's frame.packet_flags_* (pcapng epb_flags).
const PacketFlag kPacketFlags[] = {
    {"frame.packet_flags_direction", "Direction", 0x3, kDirections},
    {"frame.packet_flags_reception_type", "Reception type", 0x1c, kReceptions},
    {"frame.packet_flags_fcs_length", "FCS length", 0x1e0, kNumber},
    {"frame.packet_flags_reserved", "Reserved", 0xfe00, kNumber},
    {"frame.packet_flags_crc_error", "CRC error", 0x1000000, kBool},
    {"frame.packet_flags_packet_too_error", "Packet too long error", 0x2000000, kBool},
    {"frame.packet_flags_packet_too_short_error", "Packet too short error", 0x4000000, kBool},
    {"frame.packet_flags_wrong_inter_frame_gap_error", "Wrong interframe gap error", 0x8000000, kBool},
    {"frame.packet_flags_unaligned_frame_error", "Unaligned frame error", 0x10000000, kBool},
    {"frame.packet_flags_start_frame_delimiter_error", "Start frame delimiter error", 0x20000000, kBool},
    {"frame.packet_flags_preamble_error", "Preamble error", 0x40000000, kBool},
    {"frame.packet_flags_symbol_error", "Symbol error", 0x80000000, kBool},
};

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
    p2p_dir_ = reg.add_field(proto_, "frame.p2p_dir", "Point-to-Point Direction", FieldType::Int);
    protocols_ = reg.add_field(proto_, "frame.protocols", "Protocols in frame", FieldType::String);
    comment_ = reg.add_field(proto_, "frame.comment", "Comment", FieldType::String);
    comment_expert_ = reg.add_field(proto_, "frame.comment.expert", "Formatted comment", FieldType::Label);
    // tshark 4.0 shows a frame's comments first, in a tree of their own.
    pkt_comment_ = reg.add_protocol("pkt_comment", "Packet comments");
    section_ = reg.add_field(proto_, "frame.section_number", "Section number", FieldType::UInt);
    iface_descr_ = reg.add_field(proto_, "frame.interface_description", "Interface description", FieldType::String);
    pflags_ = reg.add_field(proto_, "frame.packet_flags", "Packet flags", FieldType::UInt, Base::Hex, 32);
    for (const PacketFlag& f : kPacketFlags)
      pflag_ids_.push_back(reg.add_field(proto_, f.abbrev, f.name, f.values ? FieldType::UInt : FieldType::Boolean,
                                         f.values == kDirections ? Base::Hex : Base::Dec, 32, f.mask));
    shift_ = reg.add_field(proto_, "frame.offset_shift", "Time shift for this packet", FieldType::RelTime);
    delta_displayed_ = reg.add_field(proto_, "frame.time_delta_displayed", "Time delta from previous displayed frame",
                                     FieldType::RelTime);
    reg.add_protocol("_ws.malformed", "Malformed Packet");
    register_expert_fields(reg);
  }

  void resolve(DissectorTables& tables) override {
    link_ = tables.table("link_type");
    process_ = tables.find("process");
  }

  uint32_t dissect(DissectContext& ctx, Tvb tvb, int parent) override {
    Event& ev = ctx.event();
    Dissection& d = ctx.dissection();
    // A syscall event's comment is strato's own metadata (latency, fd
    // names), kept outside the pcapng comment: it stays in the frame tree.
    const bool metadata = ev.link_type == kLinkTypeSyscallEvent;
    if (!ev.comment.empty() && !metadata) {
      int comments = ctx.add_protocol(pkt_comment_, Tvb{}, 0, 0, parent, "");
      int c = ctx.add_string(comment_, Tvb{}, 0, 0, ev.comment, comments);
      if (ctx.want_labels()) ctx.set_label(c, ev.comment);
      ctx.add_expert(comment_expert_, Tvb{}, 0, 0, c, ExpertSeverity::Comment, ExpertGroup::Comments, ev.comment);
    }
    int top = ctx.add_protocol(proto_, tvb, 0, tvb.len, parent, "");
    const InterfaceInfo* ifi = ctx.interface_info();
    const bool has_id = ifi && ifi->has_id;
    // tshark 4.0 looks the name and description up with the section's own
    // interface id in the file-wide list: in a later section they come from
    // the first sections' interfaces. Matched on purpose.
    const InterfaceInfo* named = has_id ? ctx.interface_at(ifi->id_in_section) : nullptr;
    if (!named) named = ifi;
    const bool L = ctx.want_labels();
    if (!ev.comment.empty() && metadata) ctx.add_string(comment_, Tvb{}, 0, 0, ev.comment, top);
    if (L) {
      std::string label = "Frame " + std::to_string(ev.number) + ": " + std::to_string(ev.orig_len) +
                          " bytes on wire (" + std::to_string(uint64_t(ev.orig_len) * 8) + " bits), " +
                          std::to_string(ev.cap_len) + " bytes captured (" +
                          std::to_string(uint64_t(ev.cap_len) * 8) + " bits)";
      if (has_id) label += " on interface " + iface_name(*named) + ", id " + std::to_string(ifi->id_in_section);
      if ((ev.epb_flags & 3) == 1) label += " (inbound)";
      if ((ev.epb_flags & 3) == 2) label += " (outbound)";
      ctx.set_label(top, label);
    }
    if (has_id) {
      ctx.add_uint(section_, Tvb{}, 0, 0, ifi->section, top);
      int ii = ctx.add_uint(iface_, Tvb{}, 0, 0, ifi->id_in_section, top);
      if (L) ctx.set_label(ii, "Interface id: " + std::to_string(ifi->id_in_section) + " (" + iface_name(*named) + ")");
      ctx.add_string(iface_name_, Tvb{}, 0, 0, iface_name(*named), ii);
      if (!named->description.empty()) ctx.add_string(iface_descr_, Tvb{}, 0, 0, named->description, ii);
    }
    if (ev.epb_flags) add_packet_flags(ctx, ev.epb_flags, top);
    const Encap* enc = encap_of(ev.link_type);
    int ei = ctx.add_int(encap_, Tvb{}, 0, 0, enc ? enc->wtap : int(ev.link_type), top);
    if (L && enc) ctx.set_label(ei, std::string("Encapsulation type: ") + enc->name + " (" + std::to_string(enc->wtap) + ")");
    ctx.add_abs_time(time_, ev.ts_ns, top, 0);
    ctx.add_rel_time(shift_, 0, top);
    int ep = ctx.add_abs_time(epoch_, ev.ts_ns, top, 0);
    if (L) {
      std::string t = "Epoch Time: ";
      append_uint(ev.ts_ns / 1000000000ull, t);
      char frac[32];
      std::snprintf(frac, sizeof frac, ".%09llu seconds", static_cast<unsigned long long>(ev.ts_ns % 1000000000ull));
      ctx.set_label(ep, t + frac);
    }
    ctx.add_rel_time(delta_, static_cast<int64_t>(ev.delta_ns), top);
    // Until a sink knows which frames it displays this is the captured delta;
    // the text sink rewrites it in order (see text_sink.cpp).
    ctx.add_rel_time(delta_displayed_, static_cast<int64_t>(ev.delta_ns), top);
    ctx.add_rel_time(relative_, static_cast<int64_t>(ev.rel_ns), top);
    ctx.add_uint(number_, Tvb{}, 0, 0, ev.number, top);
    int fl = ctx.add_uint(len_, Tvb{}, 0, 0, ev.orig_len, top);
    if (L) ctx.set_label(fl, "Frame Length: " + std::to_string(ev.orig_len) + " bytes (" + std::to_string(uint64_t(ev.orig_len) * 8) + " bits)");
    int cl = ctx.add_uint(cap_len_, Tvb{}, 0, 0, ev.cap_len, top);
    if (L) ctx.set_label(cl, "Capture Length: " + std::to_string(ev.cap_len) + " bytes (" + std::to_string(uint64_t(ev.cap_len) * 8) + " bits)");
    ctx.add_bool(marked_, Tvb{}, 0, 0, false, top, FieldValue::Generated);
    ctx.add_bool(ignored_, Tvb{}, 0, 0, false, top, FieldValue::Generated);
    // tshark 4.0 takes a point-to-point direction from a pcapng packet's
    // direction flags: outbound is sent (0), inbound received (1).
    if (const uint32_t dir = ev.epb_flags & 3; dir == 1 || dir == 2) {
      const int p2p = dir == 2 ? 0 : 1;
      int item = ctx.add_int(p2p_dir_, Tvb{}, 0, 0, p2p, top);
      if (ctx.want_labels())
        ctx.set_label(item, p2p == 0 ? "Point-to-Point Direction: Sent (0)" : "Point-to-Point Direction: Received (1)");
    }
    int protocols_item = ctx.add_string(protocols_, Tvb{}, 0, 0, "", top, FieldValue::Generated);

    if (ev.process) ctx.call(process_, tvb, -1);

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
  FieldId section_ = kNoField, iface_descr_ = kNoField, shift_ = kNoField, delta_displayed_ = kNoField;
  FieldId pflags_ = kNoField;
  std::vector<FieldId> pflag_ids_;  // parallel to kPacketFlags

  // pcapng epb_flags, as tshark shows them: the word, then each part.
  void add_packet_flags(DissectContext& ctx, uint32_t flags, int top) {
    char hx[16];
    std::snprintf(hx, sizeof hx, "0x%08x", flags);
    int pi = ctx.add_uint(pflags_, Tvb{}, 0, 0, flags, top);
    if (ctx.want_labels()) ctx.set_label(pi, std::string("Packet flags: ") + hx);
    for (size_t i = 0; i < pflag_ids_.size(); ++i) {
      const PacketFlag& f = kPacketFlags[i];
      uint32_t v = (flags & f.mask) >> __builtin_ctz(f.mask);
      int fi = f.values ? ctx.add_uint(pflag_ids_[i], Tvb{}, 0, 0, v, pi) : ctx.add_bool(pflag_ids_[i], Tvb{}, 0, 0, v != 0, pi);
      if (!ctx.want_labels()) continue;
      std::string text = f.name;
      text += ": ";
      if (f.values == kDirections) {
        static const char* const names[] = {"Information not available", "Inbound", "Outbound", "Unknown"};
        char b[8];
        std::snprintf(b, sizeof b, "0x%x", v);
        text += std::string(names[v & 3]) + " (" + b + ")";
      } else if (f.values == kReceptions) {
        static const char* const names[] = {"Not specified", "Unicast", "Multicast", "Broadcast", "Promiscuous"};
        text += std::string(v < 5 ? names[v] : "Unknown") + " (" + std::to_string(v) + ")";
      } else if (f.values == kNumber) {
        text += std::to_string(v);
      } else {
        text += v ? "Set" : "Not set";
      }
      ctx.set_label(fi, net::bits_label(flags, 32, f.mask, text));
    }
  }
  FieldId proto_, iface_, iface_name_, encap_, time_, epoch_, delta_, relative_, number_, len_, cap_len_, marked_,
      ignored_, protocols_, comment_, comment_expert_, pkt_comment_, p2p_dir_;
  const DissectorTables::Table* link_ = nullptr;
  Dissector* process_ = nullptr;
};

std::unique_ptr<Plugin> create(const Options&) { return std::make_unique<FrameDissector>(); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN_NO_OPTIONS(strato::PluginKind::Dissector, "frame", "Frame: the root of every packet's dissection",
                         strato::create)
