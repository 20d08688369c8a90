// The statistics sink: tshark's -z. Each `z` option value is one -z
// argument; statistics are updated serially in capture order and printed at
// the end, last argument first as tshark does.
#include <vector>

#include "strato/display_filter.h"
#include "strato/plugin.h"
#include "strato/sink.h"
#include "zarg.h"

namespace strato {
namespace {

const OptionSpec kOptions[] = {
    {"z", "string", nullptr,
     "one tshark -z argument: io,phs, conv,TYPE, endpoints,TYPE (eth, ip, ipv6, tcp, udp), dns,tree, "
     "http,tree; each may end with ,FILTER",
     true, true},
};

class StatsSink : public Sink {
 public:
  explicit StatsSink(const Options& o) {
    // Parsed here so an unknown argument is a usage error before any input is read.
    for (const std::string& z : o.list("z")) args_.push_back(stats::parse_zarg(z));
  }

  void start(const SinkContext& ctx) override {
    Sink::start(ctx);
    stats_.clear();
    for (const stats::ZArg& z : args_) {
      Entry e;
      if (!z.filter.empty()) e.filter = DisplayFilter::compile(z.filter);
      e.stat = stats::make_statistic(z);
      stats_.push_back(std::move(e));
    }
  }

  // The fields the statistics read (protocol items are always there).
  bool wanted_fields(std::vector<FieldId>& out) const override {
    const FieldRegistry& r = FieldRegistry::instance();
    for (const char* name :
         {"frame.len", "frame.cap_len", "frame.protocols", "eth.src", "eth.dst", "ip.src", "ip.dst", "ipv6.src",
          "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.stream", "udp.srcport", "udp.dstport", "udp.stream",
          "dns.flags", "dns.flags.response", "dns.flags.rcode", "dns.flags.opcode", "dns.qry.type", "dns.qry.class",
          "dns.qry.name", "dns.time", "http.request.method", "http.response.code", "http.response.phrase",
          "http.host", "http.time"})
      if (FieldId id = r.find(name); id != kNoField) out.push_back(id);
    for (const Entry& e : stats_)
      if (e.filter)
        for (FieldId id : e.filter->fields()) out.push_back(id);
    return true;
  }

  // Statistics read fields only: no Info columns or tree labels.
  uint32_t needs() const override { return 0; }

  // tshark feeds -z taps every packet it reads, whatever -Y says.
  bool wants_all_events() const override { return true; }

  void write(const Batch& batch, const std::string&) override {
    for (size_t i = 0; i < batch.count; ++i) {
      const Event& ev = batch.events[i];
      if (!ev.passed) continue;
      for (Entry& e : stats_)
        if (!e.filter || e.filter->match(ev)) e.stat->add(ev);
    }
  }

  void finish() override {
    std::string out;
    for (auto it = stats_.rbegin(); it != stats_.rend(); ++it) it->stat->print(out);
    if (!out.empty()) fwrite(out.data(), 1, out.size(), ctx_.out);
    fflush(ctx_.out);
  }

 private:
  struct Entry {
    std::unique_ptr<DisplayFilter> filter;
    std::unique_ptr<stats::Statistic> stat;
  };
  std::vector<stats::ZArg> args_;
  std::vector<Entry> stats_;
};

std::unique_ptr<Plugin> create(const Options& o) { return std::make_unique<StatsSink>(o); }

}  // namespace
}  // namespace strato

STRATO_PLUGIN(strato::PluginKind::Sink, "stats", "tshark -z statistics: io,phs, conv, endpoints, dns,tree, http,tree",
              strato::kOptions, strato::create)
