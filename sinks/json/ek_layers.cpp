#include "ek_layers.h"

#include <ctime>

#include "json_tree.h"
#include "strato/delta_displayed.h"
#include "strato/format.h"

namespace strato::json {

namespace {

std::string underscored(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '.') c = '_';
  return out;
}

// tshark's ek name: a protocol by its abbreviation, a field prefixed by
// its protocol's ("ip_ip_src"), dots made underscores.
std::string ek_key(const FieldInfo& fi) {
  const FieldRegistry& reg = FieldRegistry::instance();
  if (fi.type == FieldType::Protocol || fi.protocol == kNoField || fi.protocol >= reg.size())
    return underscored(fi.abbrev);
  return underscored(reg.info(fi.protocol).abbrev) + "_" + underscored(fi.abbrev);
}

void iso_time(uint64_t ns, std::string& out) {
  time_t secs = static_cast<time_t>(ns / 1000000000ull);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  out.append(buf, n);
  std::snprintf(buf, sizeof buf, ".%09lluZ", static_cast<unsigned long long>(ns % 1000000000ull));
  out.append(buf);
}

class EkWriter {
 public:
  EkWriter(const Event& ev, Writer& w, Links& l) : ev_(ev), f_(ev.dissection.fields), w_(w), l_(l) {}

  void prepare() {
    keys_.resize(f_.size());
    for (size_t i = 0; i < f_.size(); ++i) {
      const FieldInfo* fi = info_of(f_[i]);
      if (!fi) keys_[i] = "_ws_unknown";
      else if (fi->type == FieldType::Label && is_text_only(*fi)) keys_[i] = "text";
      else keys_[i] = ek_key(*fi);
    }
  }

  // The members of one object: `items` and, after each group of same-keyed
  // items, their children (flattened), except protocols, which nest.
  void members(const std::vector<int32_t>& items, unsigned depth) {
    std::vector<uint8_t> done(items.size(), 0);
    for (size_t a = 0; a < items.size(); ++a) {
      if (done[a]) continue;
      std::vector<int32_t> group;
      for (size_t b = a; b < items.size(); ++b) {
        if (!done[b] && keys_[size_t(items[b])] == keys_[size_t(items[a])]) {
          done[b] = 1;
          group.push_back(items[b]);
        }
      }
      const FieldInfo* fi = info_of(f_[size_t(group[0])]);
      w_.key(keys_[size_t(group[0])]);
      if (fi && fi->type == FieldType::Protocol) {
        if (group.size() > 1) w_.open_array();
        for (int32_t i : group) {
          if (group.size() > 1) w_.element();
          w_.open_object();
          if (depth < kMaxDepth) members(children({i}), depth + 1);
          w_.close_object();
        }
        if (group.size() > 1) w_.close_array();
        continue;
      }
      if (group.size() > 1) w_.open_array();
      for (int32_t i : group) {
        if (group.size() > 1) w_.element();
        value(f_[size_t(i)], fi);
      }
      if (group.size() > 1) w_.close_array();
      if (depth < kMaxDepth) members(children(group), depth + 1);
    }
  }

  std::vector<int32_t> children(const std::vector<int32_t>& parents) const {
    std::vector<int32_t> out;
    for (int32_t p : parents)
      for (int32_t c = l_.first[size_t(p)]; c >= 0; c = l_.next[size_t(c)]) out.push_back(c);
    return out;
  }

 private:
  void value(const FieldValue& fv, const FieldInfo* fi) {
    if (!fi) return w_.raw("null");
    if (DeltaDisplayed::is(fv.id)) return marked_value(ev_, w_, tmp_);
    switch (fi->type) {
      case FieldType::Boolean:
        return w_.raw(fv.v.u ? "true" : "false");
      case FieldType::Label:
        if (!is_text_only(*fi)) return w_.raw("null");
        return w_.value(field_label(ev_, fv));
      case FieldType::AbsTime:
        if (fi->base == Base::Calendar) {
          tmp_.clear();
          iso_time(fv.v.u, tmp_);
          return w_.value(tmp_);
        }
        break;
      default:
        break;
    }
    tmp_.clear();
    append_value(ev_, fv, *fi, true, tmp_);
    w_.value(tmp_);
  }

  const Event& ev_;
  const std::vector<FieldValue>& f_;
  Writer& w_;
  Links& l_;
  std::vector<std::string> keys_;
  std::string tmp_;
};

}  // namespace

void write_ek_layers(const Event& ev, Writer& w) {
  static thread_local Links links;
  links.build(ev.dissection.fields);
  EkWriter t(ev, w, links);
  t.prepare();
  std::vector<int32_t> roots;
  for (int32_t i = links.root_first; i >= 0; i = links.next[size_t(i)]) roots.push_back(i);
  w.open_object();
  t.members(roots, 0);
  w.close_object();
}

}  // namespace strato::json
