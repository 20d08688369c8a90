// The text sink: tshark's default output (summary lines), -V (detail tree)
// and -x (hex dump), in tshark 4.0's layout.
#include "strato/plugin.h"
#include "strato/sink.h"
#include "text_format.h"

namespace strato {
namespace {

const OptionSpec kOptions[] = {
    {"detail", "boolean", "false", "print the packet detail tree (tshark -V)"},
    {"hex", "boolean", "false", "print a hex and ASCII dump of each packet (tshark -x)"},
    // No default: like tshark, the summary line is printed unless -V or -x
    // asked for something else (tshark -P prints it anyway).
    {"summary", "boolean", nullptr, "print the one-line summary (default: true unless detail or hex)"},
};

class TextSink : public Sink {
 public:
  explicit TextSink(const Options& o)
      : detail_(o.boolean("detail")), hex_(o.boolean("hex")),
        summary_(o.has("summary") ? o.boolean("summary") : !(detail_ || hex_)) {}

  uint32_t needs() const override { return (summary_ ? kNeedColumns : 0u) | (detail_ ? kNeedLabels : 0u); }

  void format(const Batch& batch, std::string& out) const override {
    for (size_t i = 0; i < batch.count; ++i) {
      const Event& ev = batch.events[i];
      if (!ev.passed) continue;
      if (summary_) append_line(ev, out);
      if (detail_) text::append_detail_tree(ev, out);
      // tshark: a blank line ends the tree, another one follows the hex
      // dump, and a summary line alone before a dump is followed by one too.
      if (detail_ || (summary_ && hex_)) out.push_back('\n');
      if (hex_) {
        if (ev.data) text::append_hex_dump(ev.data, ev.cap_len, out);
        out.push_back('\n');
      }
    }
  }

 private:
  void append_line(const Event& ev, std::string& out) const {
    text::append_summary_line(ev, text::time_digits(ctx_.interfaces, ev.iface), out);
  }

  bool detail_, hex_, summary_;
};

std::unique_ptr<Plugin> create(const Options& o) { return std::make_unique<TextSink>(o); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN(strato::PluginKind::Sink, "text", "tshark-style text: summary lines, detail tree (-V), hex dump (-x)",
              strato::kOptions, strato::create)
