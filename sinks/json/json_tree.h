#pragma once
// What the json and ek writers share: an event's tree as child lists, and
// tshark's value text of one item.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "json_text.h"
#include "strato/dissector.h"
#include "strato/tree_links.h"

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

// The tree's child lists, and per-thread scratch of the writers.
struct Links : TreeLinks {
  std::vector<uint8_t> done;
  std::vector<int32_t> group;
  std::vector<std::string_view> keys;
  std::vector<uint8_t> text_only;
  std::string tmp;

  void build(const std::vector<FieldValue>& f) {
    TreeLinks::build(f);
    done.assign(f.size(), 0);
  }
};

constexpr unsigned kMaxDepth = 100;  // deeper subtrees are cut, not recursed into

}  // namespace strato::json
