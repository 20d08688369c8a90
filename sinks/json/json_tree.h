#pragma once
// What the json and ek writers share: an event's tree as child lists, and
// tshark's value text of one item.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "json_text.h"
#include "strato/dissector.h"

namespace strato::json {

const FieldInfo* info_of(const FieldValue& fv);
// Wireshark's text-only items share the abbreviation "text"; other Label
// fields are named FT_NONE items (e.g. dns.opt).
bool is_text_only(const FieldInfo& fi);
bool has_value(const FieldInfo* fi);
// frame.time_delta_displayed's marker (strato/delta_displayed.h) as a
// quoted value, written as it is.
void marked_value(const Event& ev, Writer& w, std::string& tmp);
// tshark's json value: the -T fields text, except that strings are not
// escaped (JSON does that) and bytes may be colon-separated hex.
void append_value(const Event& ev, const FieldValue& fv, const FieldInfo& fi, bool colon_bytes, std::string& out);

// Children lists as first-child/next-sibling links, per thread.
struct Links {
  std::vector<int32_t> first, next, last;
  std::vector<uint8_t> done;
  int32_t root_first = -1;
  std::vector<int32_t> group;
  std::vector<std::string_view> keys;
  std::vector<uint8_t> text_only;
  std::string tmp;

  void build(const std::vector<FieldValue>& f) {
    size_t n = f.size();
    first.assign(n, -1);
    next.assign(n, -1);
    last.assign(n, -1);
    done.assign(n, 0);
    root_first = -1;
    int32_t root_last = -1;
    for (size_t i = 0; i < n; ++i) {
      int32_t p = f[i].parent;
      // Parents come first; anything else is a root, so no index makes a cycle.
      if (p >= 0 && size_t(p) < i) {
        if (last[p] < 0) first[p] = int32_t(i); else next[last[p]] = int32_t(i);
        last[p] = int32_t(i);
      } else {
        if (root_last < 0) root_first = int32_t(i); else next[root_last] = int32_t(i);
        root_last = int32_t(i);
      }
    }
  }
};

constexpr unsigned kMaxDepth = 100;  // deeper subtrees are cut, not recursed into

}  // namespace strato::json
