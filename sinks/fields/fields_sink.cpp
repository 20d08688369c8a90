// tshark -T fields: one line per packet, the -e fields in order, several
// occurrences joined by the aggregator.
#include <algorithm>
#include <vector>

#include "columns.h"
#include "field_text.h"
#include "strato/delta_displayed.h"
#include "strato/error.h"
#include "strato/field.h"
#include "strato/plugin.h"
#include "strato/sink.h"

namespace strato {
namespace {

const OptionSpec kOptions[] = {
    {"field", "string", nullptr, "field to print (tshark -e), in order", false, true},
    {"header", "boolean", "false", "print the field names as the first line (-E header=y)"},
    {"separator", "string", "/t", "between fields: /t tab, /s space, or a character (-E separator=)"},
    {"quote", "string", "n", "around values: d double, s single, n none (-E quote=)"},
    {"occurrence", "string", "a", "f first, l last, a all occurrences (-E occurrence=)"},
    {"aggregator", "string", ",", "between occurrences: /s space, /t tab, or text (-E aggregator=)"},
    {"bom", "boolean", "false", "start the output with a UTF-8 byte order mark (-E bom=y)"},
};

std::string unescape(const std::string& v) {
  if (v == "/t") return "\t";
  if (v == "/s") return " ";
  return v;
}

[[noreturn]] void bad_pair(const char* name) {
  throw usage_error(std::string("fields: \"") + name + "\" is not a valid field output option=value pair");
}

class FieldsSink : public Sink {
 public:
  explicit FieldsSink(const Options& o) {
    names_ = o.list("field");
    if (names_.empty()) throw usage_error("fields: no field given (-e FIELD)");
    const FieldRegistry& reg = FieldRegistry::instance();
    std::vector<std::string> bad;
    column_of_.assign(reg.size(), -1);
    special_.assign(names_.size(), fields::Column::None);
    for (size_t c = 0; c < names_.size(); ++c) {
      FieldId id = reg.find(names_[c]);
      if (id == kNoField && (special_[c] = fields::column_by_name(names_[c])) != fields::Column::None) {
        columns_ = true;
        continue;
      }
      if (id == kNoField || id >= reg.size()) {
        if (std::find(bad.begin(), bad.end(), names_[c]) == bad.end()) bad.push_back(names_[c]);
        continue;
      }
      // tshark keeps one column per field name: when a field is given twice
      // only its last column gets values.
      column_of_[id] = int32_t(c);
      FieldType t = reg.info(id).type;
      if (t == FieldType::Protocol || t == FieldType::Label) labels_ = true;
    }
    if (!bad.empty()) {
      std::string msg = "Some fields aren't valid:";
      for (auto& b : bad) msg += " " + b;
      throw usage_error(msg);
    }
    std::string sep = unescape(o.str("separator"));
    if (sep.empty()) bad_pair("separator");
    separator_ = sep[0];  // tshark uses the first character only
    aggregator_ = unescape(o.str("aggregator"));
    const std::string& q = o.str("quote");
    if (q == "d") quote_ = '"';
    else if (q == "s") quote_ = '\'';
    else if (q != "n") bad_pair("quote");
    const std::string& occ = o.str("occurrence");
    if (occ != "f" && occ != "l" && occ != "a") bad_pair("occurrence");
    occurrence_ = occ[0];
    header_ = o.boolean("header");
    bom_ = o.boolean("bom");
  }

  void start(const SinkContext& ctx) override {
    Sink::start(ctx);
    std::string head;
    if (bom_) head += "\xef\xbb\xbf";
    if (header_) {
      for (size_t c = 0; c < names_.size(); ++c) {
        if (c) head.push_back(separator_);
        head += names_[c];
      }
      head.push_back('\n');
    }
    if (!head.empty()) fwrite(head.data(), 1, head.size(), ctx_.out);
  }

  // Protocol and text-only items print their tree text.
  bool wanted_fields(std::vector<FieldId>& out) const override {
    for (FieldId id = 0; id < column_of_.size(); ++id)
      if (column_of_[id] >= 0) out.push_back(id);
    return true;
  }
  uint32_t needs() const override { return (labels_ ? kNeedLabels : 0u) | (columns_ ? kNeedColumns : 0u); }

  void format(const Batch& batch, std::string& out) const override {
    static thread_local std::vector<std::string> cols;
    static thread_local std::vector<uint32_t> counts;
    cols.resize(names_.size());
    counts.resize(names_.size());
    for (size_t i = 0; i < batch.count; ++i) {
      const Event& ev = batch.events[i];
      if (!ev.passed) continue;
      for (auto& c : cols) c.clear();
      std::fill(counts.begin(), counts.end(), 0u);
      for (const FieldValue& fv : ev.dissection.fields) {
        if (fv.id >= column_of_.size()) continue;
        int32_t c = column_of_[fv.id];
        if (c < 0) continue;
        std::string& col = cols[size_t(c)];
        uint32_t& n = counts[size_t(c)];
        if (n && occurrence_ == 'f') continue;
        if (occurrence_ == 'l') col.clear();
        else if (n) col += aggregator_;
        fields::append_occurrence(ev, fv, col);
        ++n;
      }
      if (columns_) {
        for (size_t c = 0; c < special_.size(); ++c) {
          if (special_[c] == fields::Column::None) continue;
          fields::append_column(special_[c], ev, ctx_.interfaces, cols[c]);
          counts[c] = 1;
        }
      }
      for (size_t c = 0; c < cols.size(); ++c) {
        if (c) out.push_back(separator_);
        if (!counts[c]) continue;
        if (quote_) out.push_back(quote_);
        out += cols[c];
        if (quote_) out.push_back(quote_);
      }
      out.push_back('\n');
    }
  }

  void write(const Batch& batch, const std::string& formatted) override { Sink::write(batch, delta_.fill(batch, formatted)); }

 private:
  DeltaDisplayed delta_;
  std::vector<std::string> names_;
  std::vector<int32_t> column_of_;  // by field id: its column, or -1
  std::vector<fields::Column> special_;  // by column: a _ws.col.* pseudo-field
  bool columns_ = false;
  char separator_ = '\t';
  std::string aggregator_;
  char quote_ = 0;
  char occurrence_ = 'a';
  bool header_ = false, bom_ = false, labels_ = false;
};

std::unique_ptr<Plugin> create(const Options& o) { return std::make_unique<FieldsSink>(o); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN(strato::PluginKind::Sink, "fields", "tshark -T fields: chosen fields, one line per packet",
              strato::kOptions, strato::create)
