// The text sink: tshark's default output (summary lines), -V (detail tree)
// and -x (hex dump), in tshark 4.0's layout.
#include "strato/dissector.h"
#include "strato/field.h"
#include "strato/format.h"
#include "strato/plugin.h"
#include "strato/sink.h"
#include "strato/syscall_event.h"
#include "text_format.h"

namespace strato {
namespace {

const OptionSpec kOptions[] = {
    {"detail", "boolean", "false", "print the packet detail tree (tshark -V)"},
    {"hex", "boolean", "false", "print a hex and ASCII dump of each packet (tshark -x)"},
    // No default: like tshark, the summary line is printed unless -V or -x
    // asked for something else (tshark -P prints it anyway).
    {"summary", "boolean", nullptr, "print the one-line summary (default: true unless detail or hex)"},
    {"live", "boolean", "false",
     "live capture lines: syscall events as sysdig prints them (local time, then the event), packets with their "
     "process appended ([curl(4242) container=ID])"},
};

class TextSink : public Sink {
 public:
  explicit TextSink(const Options& o)
      : detail_(o.boolean("detail")), hex_(o.boolean("hex")),
        summary_(o.has("summary") ? o.boolean("summary") : !(detail_ || hex_)), live_(o.boolean("live")) {
    // Buffers tshark lists as extra data sources after the frame, found by
    // the field that carries their bytes.
    static const std::pair<const char*, const char*> kSources[] = {
        {"tcp.reassembled.data", "Reassembled TCP"},
        {"ip.reassembled.data", "Reassembled IPv4"},
        {"ipv6.reassembled.data", "Reassembled IPv6"},
    };
    for (auto& [abbrev, name] : kSources) {
      FieldId id = FieldRegistry::instance().find(abbrev);
      if (id != kNoField) sources_.push_back({id, name});
    }
  }

  // Summary lines read only columns; -V and -x (reassembled data) read fields.
  bool wanted_fields(std::vector<FieldId>&) const override { return !detail_ && !hex_; }
  uint32_t needs() const override { return (summary_ ? kNeedColumns : 0u) | (detail_ ? kNeedLabels : 0u); }

  void format(const Batch& batch, std::string& out) const override {
    for (size_t i = 0; i < batch.count; ++i) {
      const Event& ev = batch.events[i];
      if (!ev.passed) continue;
      if (summary_) append_line(ev, out);
      if (detail_) text::append_detail_tree(ev, out, !hex_);
      // tshark: a blank line ends the tree, another one follows the hex
      // dump, and a summary line alone before a dump is followed by one too.
      if (detail_ || (summary_ && hex_)) out.push_back('\n');
      if (hex_) append_hex(ev, out);
    }
  }

  void write(const Batch& batch, const std::string& formatted) override {
    if (!detail_) return Sink::write(batch, formatted);
    // Fill in "Time delta from previous displayed frame": one marker per
    // displayed frame, in order. Tree text never holds a raw \x01 (labels
    // are escaped), so the markers are ours.
    std::string& o = rewritten_;
    o.clear();
    size_t from = 0;
    for (size_t i = 0; i < batch.count; ++i) {
      const Event& ev = batch.events[i];
      if (!ev.passed) continue;
      size_t m = formatted.find(text::kDisplayedDeltaMarker, from);
      if (m == std::string::npos) break;
      o.append(formatted, from, m - from);
      append_seconds(have_displayed_ ? int64_t(ev.ts_ns - last_displayed_ns_) : 0, o);
      have_displayed_ = true;
      last_displayed_ns_ = ev.ts_ns;
      from = m + 1;
    }
    o.append(formatted, from, std::string::npos);
    Sink::write(batch, o);
  }

 private:
  void append_line(const Event& ev, std::string& out) const {
    if (live_ && ev.link_type == kLinkTypeSyscallEvent) return text::append_live_syscall_line(ev, out);
    text::append_summary_line(ev, text::time_digits(ctx_.interfaces, ev.iface), out);
    if (live_ && ev.process) text::append_process_suffix(*ev.process, out);
  }

  // tshark -x: the frame's bytes; when a packet has other data sources
  // (reassembled buffers), each one under a "Name (N bytes):" heading.
  void append_hex(const Event& ev, std::string& out) const {
    const FieldValue* extra = nullptr;
    for (const FieldValue& fv : ev.dissection.fields)
      if (is_source(fv)) extra = &fv;
    if (extra) append_heading("Frame", ev.cap_len, out);
    if (ev.data) text::append_hex_dump(ev.data, ev.cap_len, out);
    if (extra) {
      for (const FieldValue& fv : ev.dissection.fields) {
        const char* name = is_source(fv);
        if (!name) continue;
        std::string_view b = field_bytes(ev, fv);
        append_heading(name, uint32_t(b.size()), out);
        text::append_hex_dump(reinterpret_cast<const uint8_t*>(b.data()), uint32_t(b.size()), out);
      }
    }
    out.push_back('\n');
  }

  const char* is_source(const FieldValue& fv) const {
    for (auto& s : sources_)
      if (s.id == fv.id) return s.name;
    return nullptr;
  }

  static void append_heading(const char* name, uint32_t len, std::string& out) {
    out.append(name);
    out.append(" (");
    out.append(std::to_string(len));
    out.append(" bytes):\n");
  }

  struct DataSource {
    FieldId id;
    const char* name;
  };
  std::vector<DataSource> sources_;
  bool detail_, hex_, summary_, live_;
  std::string rewritten_;
  bool have_displayed_ = false;
  uint64_t last_displayed_ns_ = 0;
};

std::unique_ptr<Plugin> create(const Options& o) { return std::make_unique<TextSink>(o); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN(strato::PluginKind::Sink, "text", "tshark-style text: summary lines, detail tree (-V), hex dump (-x)",
              strato::kOptions, strato::create)
