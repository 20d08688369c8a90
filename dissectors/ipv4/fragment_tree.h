#pragma once
// tshark's fragment tree (show_fragment_tree in its reassembly code) for a
// datagram the engine reassembled: "[3 IPv4 Fragments (66 bytes): #45(24),
// ...]" with one item per fragment, the count, the length and the data.
// Shared by the ip and ipv6 plugins (header-only).
#include <string>

#include "netcommon.h"
#include "strato/ip_reassembly.h"

namespace strato::net {

struct FragmentFields {
  FieldId fragments = kNoField, fragment = kNoField, overlap = kNoField, conflict = kNoField, tails = kNoField,
          too_long = kNoField, error = kNoField, count = kNoField, reassembled_in = kNoField, length = kNoField,
          data = kNoField;
  const char* tag = "";   // "IPv4" / "IPv6"
  bool fragments_are_bytes = false;

  // `p` is "ip" or "ipv6"; tshark names a few of them differently per version.
  void register_all(FieldRegistry& reg, FieldId proto, const std::string& p, const char* version) {
    tag = version;
    std::string v = version;
    fragments_are_bytes = p == "ip";
    fragments = reg.add_field(proto, p + ".fragments", v + " Fragments", fragments_are_bytes ? FieldType::Bytes : FieldType::Label);
    fragment = reg.add_field(proto, p + ".fragment", v + " Fragment", FieldType::FrameNum);
    overlap = reg.add_field(proto, p + ".fragment.overlap", "Fragment overlap", FieldType::Boolean, Base::Dec, 0);
    conflict = reg.add_field(proto, p + ".fragment.overlap.conflict", "Conflicting data in fragment overlap",
                             FieldType::Boolean, Base::Dec, 0);
    tails = reg.add_field(proto, p + ".fragment.multipletails", "Multiple tail fragments found", FieldType::Boolean,
                          Base::Dec, 0);
    too_long = reg.add_field(proto, p + ".fragment.toolongfragment", "Fragment too long", FieldType::Boolean, Base::Dec, 0);
    error = reg.add_field(proto, p + ".fragment.error", "Defragmentation error", FieldType::FrameNum);
    count = reg.add_field(proto, p + ".fragment.count", "Fragment count", FieldType::UInt);
    reassembled_in = reg.add_field(proto, p + (p == "ip" ? ".reassembled_in" : ".reassembled.in"),
                                   "Reassembled " + v + " in frame", FieldType::FrameNum);
    length = reg.add_field(proto, p + ".reassembled.length", "Reassembled " + v + " length", FieldType::UInt);
    data = reg.add_field(proto, p + ".reassembled.data", "Reassembled " + v + " data", FieldType::Bytes);
  }

  // Adds the tree under `parent`; returns true when tshark calls the
  // fragments illegal (its Info then says "[Illegal IPv4 fragments]").
  bool add(DissectContext& ctx, const IpReassembly& r, Tvb whole, int parent) const {
    const uint8_t g = FieldValue::Generated;
    int top = fragments_are_bytes ? ctx.add_bytes(fragments, whole, 0, whole.len, parent, g)
                                  : ctx.add_uint(fragments, whole, 0, 0, 0, parent, g);
    const size_t n = r.fragments.size();
    label(ctx, top, [&] {
      std::string t = std::to_string(n) + " " + tag + (n == 1 ? " Fragment (" : " Fragments (") +
                      std::to_string(whole.len) + (whole.len == 1 ? " byte): " : " bytes): ");
      for (size_t i = 0; i < n; ++i) {
        if (i) t += ", ";
        t += "#" + std::to_string(r.fragments[i].frame) + "(" + std::to_string(r.fragments[i].len) + ")";
      }
      return t;
    });
    for (const IpReassembly::Fragment& f : r.fragments) {
      FieldId id = (f.flags & IpReassembly::kIllegal) ? error : fragment;
      int item = ctx.add_uint(id, Tvb{}, 0, 0, f.frame, top, g);
      label(ctx, item, [&] {
        if (f.len == 0) return "Frame: " + std::to_string(f.frame) + " (no data)";
        return "Frame: " + std::to_string(f.frame) + ", payload: " + std::to_string(f.offset) + "-" +
               std::to_string(uint64_t(f.offset) + f.len - 1) + " (" + std::to_string(f.len) +
               (f.len == 1 ? " byte)" : " bytes)");
      });
      auto flag = [&](uint8_t bit, FieldId fid, const char* text) {
        if (!(f.flags & bit)) return;
        label(ctx, ctx.add_bool(fid, Tvb{}, 0, 0, true, item, g), [&] { return std::string(text) + ": True"; });
      };
      flag(IpReassembly::Overlap, overlap, "Fragment overlap");
      flag(IpReassembly::OverlapConflict, conflict, "Conflicting data in fragment overlap");
      flag(IpReassembly::MultipleTails, tails, "Multiple tail fragments found");
      flag(IpReassembly::TooLong, too_long, "Fragment too long");
    }
    ctx.add_uint(count, Tvb{}, 0, 0, n, top, g);
    label(ctx, ctx.add_uint(length, Tvb{}, 0, 0, whole.len, top, g),
          [&] { return "Reassembled " + std::string(tag) + " length: " + std::to_string(whole.len); });
    label(ctx, ctx.add_bytes(data, whole, 0, whole.len, top, g), [&] {
      // tshark abbreviates long byte strings in the tree with an ellipsis.
      static const char* hex = "0123456789abcdef";
      std::string t = "Reassembled " + std::string(tag) + " data: ";
      uint32_t n = whole.len > 36 ? 36 : whole.len;
      for (uint32_t i = 0; i < n; ++i) {
        t.push_back(hex[whole.data[i] >> 4]);
        t.push_back(hex[whole.data[i] & 15]);
      }
      if (n < whole.len) t.append("\xe2\x80\xa6");
      return t;
    });
    return r.flags & IpReassembly::kIllegal;
  }
};

}  // namespace strato::net
