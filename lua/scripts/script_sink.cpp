// The lua-script sink: a Lua script over events, as sysdig's chisels are
// (on_init, on_event, on_interval, on_end) with Wireshark's Field and
// Listener. One Lua state, driven from write(), which the engine calls
// serially in capture order, so scripts see events in order and need no locks.
#include <memory>

#include "script_host.h"
#include "strato/plugin.h"
#include "strato/sink.h"

namespace strato {
namespace {

const OptionSpec kOptions[] = {
    {"script", "fileselect", nullptr, "the Lua script (on_init, on_event(evt), on_interval, on_end)", true, false},
    {"arg", "string", nullptr, "k=v, seen by the script as strato.args.k (and as ... of the chunk)", false, true},
    {"unsafe", "boolean", "false", "give the script io, os and C modules", false, false},
};

class ScriptSink : public Sink {
 public:
  // The script runs here, before any input is read, so a script that does
  // not load is a usage error.
  explicit ScriptSink(const Options& o)
      : host_(std::make_unique<lua::ScriptHost>(o.str("script"), o.list("arg"), o.boolean("unsafe"))) {}

  void start(const SinkContext& ctx) override {
    Sink::start(ctx);
    host_->start(ctx.out);
  }

  // Scripts read fields only: no Info columns, no tree labels.
  uint32_t needs() const override { return 0; }
  // Field.new and evt:field may name any field at any time.
  bool wanted_fields(std::vector<FieldId>&) const override { return false; }

  void write(const Batch& batch, const std::string&) override {
    for (size_t i = 0; i < batch.count; ++i)
      if (batch.events[i].passed) host_->event(batch.events[i]);
  }

  void finish() override { host_->finish(); }

 private:
  std::unique_ptr<lua::ScriptHost> host_;
};

std::unique_ptr<Plugin> create(const Options& o) { return std::make_unique<ScriptSink>(o); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN(strato::PluginKind::Sink, "lua-script", "Lua script over events (sysdig chisel style, Wireshark Field and Listener)",
              strato::kOptions, strato::create)
