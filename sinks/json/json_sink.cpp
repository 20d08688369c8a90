// tshark -T json (a pretty-printed array), tshark -T ek (Elasticsearch bulk
// lines: an index line, then the packet's flattened layers) and ndjson (one
// compact object per line, with json's layers).
#include <algorithm>
#include <ctime>

#include "ek_layers.h"
#include "json_layers.h"
#include "strato/delta_displayed.h"
#include "strato/error.h"
#include "strato/format.h"
#include "strato/plugin.h"
#include "strato/sink.h"

namespace strato {
namespace {

const OptionSpec kOptions[] = {
    {"format", "selector", "json", "json: tshark -T json array; ek: tshark -T ek bulk lines; ndjson: one object per line"},
    {"field", "string", nullptr, "only these fields (tshark -T json -e), each as an array of values", false, true},
};

class JsonSink : public Sink {
 public:
  explicit JsonSink(const Options& o) {
    const std::string& f = o.str("format");
    if (f == "ndjson" || f == "ek") pretty_ = false;
    else if (f != "json") throw usage_error("json: option 'format' must be json, ek or ndjson, got '" + f + "'");
    ek_ = f == "ek";
    const FieldRegistry& reg = FieldRegistry::instance();
    std::vector<std::string> bad;
    for (auto& name : o.list("field")) {
      FieldId id = reg.find(name);
      if (id == kNoField || id >= reg.size()) {
        bad.push_back(name);
      } else if (std::find(ids_.begin(), ids_.end(), id) == ids_.end()) {
        ids_.push_back(id);
        names_.push_back(name);
        FieldType t = reg.info(id).type;
        if (t == FieldType::Protocol || t == FieldType::Label) labels_ = true;
      }
    }
    if (!bad.empty()) {
      std::string msg = "Some fields aren't valid:";
      for (auto& b : bad) msg += " " + b;
      throw usage_error(msg);
    }
    // tshark -T ek -e keys each field by its name with dots made underscores.
    if (ek_)
      for (std::string& n : names_) std::replace(n.begin(), n.end(), '.', '_');
  }

  // Text-only items are keyed by their text; protocols given with -e print it.
  bool wanted_fields(std::vector<FieldId>& out) const override {
    if (ids_.empty() || labels_) return false;
    out.insert(out.end(), ids_.begin(), ids_.end());
    return true;
  }
  uint32_t needs() const override { return ids_.empty() || labels_ ? kNeedLabels : 0u; }

  void start(const SinkContext& ctx) override {
    Sink::start(ctx);
    if (pretty_) fputc('[', ctx_.out);
  }

  void format(const Batch& batch, std::string& out) const override {
    for (size_t i = 0; i < batch.count; ++i) {
      const Event& ev = batch.events[i];
      if (!ev.passed) continue;
      if (pretty_) format_pretty(ev, out);
      else format_line(ev, out);
    }
  }

  void write(const Batch& batch, const std::string& text) override {
    const std::string& formatted = delta_.fill(batch, text);
    if (formatted.empty()) return;
    // Every packet starts with the "," that separates it from the previous
    // one; the very first has none.
    size_t skip = pretty_ && !any_ ? 1 : 0;
    any_ = true;
    fwrite(formatted.data() + skip, 1, formatted.size() - skip, ctx_.out);
  }

  void finish() override {
    if (pretty_) fputs(any_ ? "\n]\n" : "]\n", ctx_.out);
    fflush(ctx_.out);
  }

 private:
  DeltaDisplayed delta_;
  // tshark names the Elasticsearch index after the packet's local date.
  static std::string index_name(const Event& ev) {
    char idx[32];
    time_t secs = static_cast<time_t>(ev.ts_ns / 1000000000ull);
    struct tm tm;
    localtime_r(&secs, &tm);
    return std::string(idx, std::strftime(idx, sizeof idx, "packets-%Y-%m-%d", &tm));
  }

  void layers(const Event& ev, json::Writer& w) const {
    if (ek_ && ids_.empty()) return json::write_ek_layers(ev, w);
    if (ids_.empty()) json::write_layers(ev, w);
    else json::write_selected(ev, ids_, names_, w);
  }

  void format_pretty(const Event& ev, std::string& out) const {
    out.append(",\n  ");
    json::Writer w(out, true, 1);
    w.open_object();
    w.key("_index");
    w.value(index_name(ev));
    w.key("_type");
    w.value("doc");
    w.key("_score");
    w.raw("null");
    w.key("_source");
    w.open_object();
    w.key("layers");
    layers(ev, w);
    w.close_object();
    w.close_object();
  }

  void format_line(const Event& ev, std::string& out) const {
    if (ek_) {
      out.append("{\"index\":{\"_index\":\"");
      out.append(index_name(ev));
      out.append("\",\"_type\":\"doc\"}}\n");
    }
    json::Writer w(out, false, 0);
    w.open_object();
    w.key("timestamp");
    std::string ms;
    append_uint(ev.ts_ns / 1000000ull, ms);
    w.value(ms);
    w.key("layers");
    layers(ev, w);
    w.close_object();
    out.push_back('\n');
  }

  bool pretty_ = true, ek_ = false;
  bool any_ = false, labels_ = false;
  std::vector<FieldId> ids_;
  std::vector<std::string> names_;
};

std::unique_ptr<Plugin> create(const Options& o) { return std::make_unique<JsonSink>(o); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN(strato::PluginKind::Sink, "json", "tshark -T json (array) or ndjson (one object per line)",
              strato::kOptions, strato::create)
