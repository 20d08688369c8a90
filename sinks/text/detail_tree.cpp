#include <algorithm>
#include <vector>

#include "strato/dissector.h"
#include "strato/format.h"
#include "strato/tree_links.h"
#include "text_format.h"

namespace strato::text {

namespace {

void append_line(const Event& ev, const FieldValue& fv, unsigned depth, std::string& out, bool one_line) {
  out.append(size_t(depth) * 4, ' ');
  size_t s = out.size();
  if (fv.id < FieldRegistry::instance().size()) {
    append_tree_line(ev, fv, out);
  } else {
    out.append(field_label(ev, fv));
  }
  // A tree line is one line whatever a dissector put in its label, but for
  // packet comments, which tshark prints as they were written.
  for (size_t i = s; i < out.size(); ++i) {
    if (out[i] == '\n' && one_line) out.replace(i, 1, "\\n"), ++i;
    else if (out[i] == '\r' && one_line) out.replace(i, 1, "\\r"), ++i;
    else if (out[i] == kDisplayedDeltaMarker) out.replace(i, 1, "\\001"), i += 3;
  }
  out.push_back('\n');
}

}  // namespace

void append_detail_tree(const Event& ev, std::string& out, bool hex_for_data) {
  // tshark -V without -x dumps the bytes of uninterpreted data under the
  // "Data (N bytes)" line, between blank lines, before its children.
  static const FieldId data_proto = FieldRegistry::instance().find("data");
  static const FieldId data_bytes = FieldRegistry::instance().find("data.data");
  static const FieldId delta_displayed = FieldRegistry::instance().find("frame.time_delta_displayed");
  static const FieldId comments = FieldRegistry::instance().find("pkt_comment");
  bool in_comments = false;  // the item's top-level ancestor is "Packet comments"
  static thread_local strato::TreeLinks links;
  static thread_local std::vector<std::pair<int32_t, unsigned>> stack;
  const auto& f = ev.dissection.fields;
  links.build(f);
  stack.clear();
  // Depth-first, in field order: push siblings in reverse.
  auto push_children = [&](int32_t first_child, unsigned depth) {
    size_t base = stack.size();
    for (int32_t c = first_child; c >= 0; c = links.next[c]) stack.emplace_back(c, depth);
    std::reverse(stack.begin() + long(base), stack.end());
  };
  push_children(links.root_first, 0);
  while (!stack.empty()) {
    auto [i, depth] = stack.back();
    stack.pop_back();
    const FieldValue& fv = f[size_t(i)];
    if (depth == 0) in_comments = fv.id == comments && comments != kNoField;
    if (fv.flags & FieldValue::Hidden) continue;  // and its subtree, as tshark
    if (fv.id == delta_displayed && delta_displayed != kNoField) {
      // Which frame was displayed before this one is known only in order:
      // TextSink::write() puts the value in place of the marker.
      out.append(size_t(depth) * 4, ' ');
      out.append("[Time delta from previous displayed frame: ");
      out.push_back(kDisplayedDeltaMarker);
      out.append(" seconds]\n");
      continue;
    }
    append_line(ev, fv, depth, out, !in_comments);
    if (hex_for_data && fv.id == data_proto && data_proto != kNoField) {
      for (int32_t c = links.first[size_t(i)]; c >= 0; c = links.next[size_t(c)]) {
        if (f[size_t(c)].id != data_bytes) continue;
        std::string_view b = field_bytes(ev, f[size_t(c)]);
        out.push_back('\n');
        append_hex_dump(reinterpret_cast<const uint8_t*>(b.data()), uint32_t(b.size()), out);
        break;
      }
    }
    push_children(links.first[size_t(i)], depth + 1);
  }
}

}  // namespace strato::text
