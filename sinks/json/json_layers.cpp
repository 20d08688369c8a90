#include "json_layers.h"

#include <algorithm>
#include <functional>

#include "json_tree.h"
#include "strato/delta_displayed.h"
#include "strato/dissector.h"
#include "strato/format.h"

namespace strato::json {

const FieldInfo* info_of(const FieldValue& fv) {
  const FieldRegistry& reg = FieldRegistry::instance();
  return fv.id < reg.size() ? &reg.info(fv.id) : nullptr;
}

bool is_text_only(const FieldInfo& fi) { return fi.abbrev.empty() || fi.abbrev == "text"; }

bool has_value(const FieldInfo* fi) {
  return fi && fi->type != FieldType::Protocol && fi->type != FieldType::Label;
}

// frame.time_delta_displayed, known only when the sink writes: its marker,
// quoted but not escaped (escaping would change its bytes, and it keeps
// them apart from any packet's, whose control bytes are escaped).
void marked_value(const Event& ev, Writer& w, std::string& tmp) {
  tmp.assign(1, '"');
  DeltaDisplayed::mark(ev, tmp);
  tmp.push_back('"');
  w.raw(tmp);
}

// tshark's json value: the -T fields text, except that strings are not
// escaped (JSON does that) and -T json (without -e) shows bytes as
// colon-separated hex.
void append_value(const Event& ev, const FieldValue& fv, const FieldInfo& fi, bool colon_bytes, std::string& out) {
  static const char* hex = "0123456789abcdef";
  switch (fi.type) {
    case FieldType::String:
      out.append(field_bytes(ev, fv));
      return;
    case FieldType::Bytes:
      if (colon_bytes) {
        std::string_view b = field_bytes(ev, fv);
        for (size_t i = 0; i < b.size(); ++i) {
          if (i) out.push_back(':');
          out.push_back(hex[static_cast<unsigned char>(b[i]) >> 4]);
          out.push_back(hex[b[i] & 15]);
        }
        return;
      }
      break;
    case FieldType::Protocol: {
      std::string_view label = field_label(ev, fv);
      out.append(label.empty() ? std::string_view(fi.abbrev) : label);
      return;
    }
    case FieldType::Label:
      // As -T fields: text-only items give their text, FT_NONE ones "1".
      if (is_text_only(fi)) out.append(field_label(ev, fv));
      else out.push_back('1');
      return;
    default:
      break;
  }
  append_field_value(ev, fv, out);
}


namespace {

class TreeWriter {
 public:
  TreeWriter(const Event& ev, Writer& w, Links& l) : ev_(ev), f_(ev.dissection.fields), w_(w), l_(l) {}

  // Keys of all items, worked out once per packet: text-only items are
  // keyed by their text in tshark's json, everything else by abbreviation.
  void prepare() {
    keys_.resize(f_.size());
    text_only_.resize(f_.size());
    for (size_t i = 0; i < f_.size(); ++i) {
      const FieldInfo* fi = info_of(f_[i]);
      text_only_[i] = fi && fi->type == FieldType::Label && is_text_only(*fi);
      if (!fi) keys_[i] = "_ws.unknown";
      else if (text_only_[i]) {
        std::string_view label = field_label(ev_, f_[i]);
        keys_[i] = label.empty() ? std::string_view(fi->name) : label;
      } else {
        keys_[i] = fi->abbrev;
      }
    }
  }

  // Abbreviations are unique, so field ids compare keys except for text.
  bool same_key(int32_t a, int32_t b) const {
    if (f_[size_t(a)].id != f_[size_t(b)].id) return false;
    return !text_only_[size_t(a)] || keys_[size_t(a)] == keys_[size_t(b)];
  }

  // Members of the object holding the children starting at `first`.
  void members(int32_t first, unsigned depth, bool top) {
    for (int32_t i = first; i >= 0; i = l_.next[size_t(i)]) {
      if (l_.done[size_t(i)]) continue;
      size_t base = group_.size();
      for (int32_t j = i; j >= 0; j = l_.next[size_t(j)]) {
        if (!l_.done[size_t(j)] && (j == i || same_key(i, j))) {
          l_.done[size_t(j)] = 1;
          group_.push_back(j);
        }
      }
      // Nested calls push past the end and shrink back, so [base, base+n)
      // stays valid by index.
      size_t n = group_.size() - base;
      write_group(keys_[size_t(i)], base, n, depth, top);
      group_.resize(base);
    }
  }

 private:
  void write_group(std::string_view k, size_t base, size_t n, unsigned depth, bool top) {
    Group g{group_, base, n};
    bool any_value = false, any_children = false;
    for (int32_t i : g) {
      if (has_value(info_of(f_[size_t(i)]))) any_value = true;
      if (l_.first[size_t(i)] >= 0) any_children = true;
    }
    if (any_value) {
      w_.key(k);
      list(g, [&](int32_t i) {
        tmp_.clear();
        const FieldValue& fv = f_[size_t(i)];
        if (DeltaDisplayed::is(fv.id)) return marked_value(ev_, w_, tmp_);
        if (const FieldInfo* fi = info_of(fv); has_value(fi)) append_value(ev_, fv, *fi, true, tmp_);
        w_.value(tmp_);
      }, false);
      if (any_children) {
        w_.key(k, "_tree");
        list(g, [&](int32_t i) { object(i, depth); }, true);
      }
      return;
    }
    w_.key(k);
    list(g, [&](int32_t i) {
      if (l_.first[size_t(i)] >= 0 || top) object(i, depth);
      else w_.value("");
    }, false);
  }

  // One value, or an array of them when the key repeats. With
  // `only_parents`, items without children are left out of the array.
  // A range of group_ by index (group_ may reallocate while it is in use).
  struct Group {
    const std::vector<int32_t>& v;
    size_t base, n;
    struct It {
      const std::vector<int32_t>& v;
      size_t i;
      int32_t operator*() const { return v[i]; }
      It& operator++() { return ++i, *this; }
      bool operator!=(const It& o) const { return i != o.i; }
    };
    It begin() const { return {v, base}; }
    It end() const { return {v, base + n}; }
  };

  template <class F>
  void list(const Group& g, F&& one, bool only_parents) {
    size_t n = 0;
    for (int32_t i : g) n += !only_parents || l_.first[size_t(i)] >= 0;
    if (n == 1) {
      for (int32_t i : g)
        if (!only_parents || l_.first[size_t(i)] >= 0) one(i);
      return;
    }
    w_.open_array();
    for (int32_t i : g) {
      if (only_parents && l_.first[size_t(i)] < 0) continue;
      w_.element();
      one(i);
    }
    w_.close_array();
  }

  void object(int32_t i, unsigned depth) {
    w_.open_object();
    if (depth < kMaxDepth) members(l_.first[size_t(i)], depth + 1, false);
    w_.close_object();
  }

  const Event& ev_;
  const std::vector<FieldValue>& f_;
  Writer& w_;
  Links& l_;
  // Per-thread scratch, kept in Links so it keeps its capacity.
  std::vector<int32_t>& group_ = l_.group;
  std::vector<std::string_view>& keys_ = l_.keys;
  std::vector<uint8_t>& text_only_ = l_.text_only;
  std::string& tmp_ = l_.tmp;
};

}  // namespace

void write_layers(const Event& ev, Writer& w) {
  static thread_local Links links;
  links.build(ev.dissection.fields);
  TreeWriter t(ev, w, links);
  t.prepare();
  w.open_object();
  t.members(links.root_first, 0, true);
  w.close_object();
}

void write_selected(const Event& ev, const std::vector<FieldId>& ids, const std::vector<std::string>& names,
                    Writer& w) {
  static thread_local std::string tmp;
  const auto& f = ev.dissection.fields;
  w.open_object();
  for (size_t c = 0; c < ids.size(); ++c) {
    bool opened = false;
    for (const FieldValue& fv : f) {
      if (fv.id != ids[c]) continue;
      if (!opened) {
        w.key(names[c]);
        w.open_array();
        opened = true;
      }
      tmp.clear();
      w.element();
      if (DeltaDisplayed::is(fv.id)) {
        marked_value(ev, w, tmp);
        continue;
      }
      append_value(ev, fv, FieldRegistry::instance().info(fv.id), false, tmp);
      w.value(tmp);
    }
    if (opened) w.close_array();
  }
  w.close_object();
}

}  // namespace strato::json
