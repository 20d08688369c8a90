// The "pcapng" sink: writes events that passed the display filter to a
// pcapng file, reproducing the source's interfaces (IDBs) as they appear.
// Packets become EPBs, syscall events Sysdig Event Blocks (pcapng_encode.h);
// the syscall interface keeps its IDB so packet interface ids stay the
// source's (tshark ignores an IDB no packet refers to).
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "pcapng_encode.h"
#include "strato/error.h"
#include "strato/sink.h"
#include "strato/syscall_event.h"

namespace strato::pcapng {

namespace {

class PcapngSink : public Sink {
 public:
  explicit PcapngSink(std::string path) : path_(std::move(path)) {}
  ~PcapngSink() override {
    if (f_ && own_) std::fclose(f_);
  }

  bool wanted_fields(std::vector<FieldId>&) const override { return true; }  // bytes only
  uint32_t needs() const override { return 0; }

  void start(const SinkContext& ctx) override {
    Sink::start(ctx);
    if (path_ == "-") {
      f_ = ctx.out ? ctx.out : stdout;
    } else {
      f_ = std::fopen(path_.c_str(), "wb");
      if (!f_) throw Error(path_ + ": cannot create: " + std::strerror(errno));
      own_ = true;
    }
    std::string shb;
    append_shb(shb);
    put(shb);
    flush();
  }

  void format(const Batch& batch, std::string& out) const override {
    const auto* ifs = batch.interfaces ? batch.interfaces.get() : ctx_.interfaces;
    ProcessLinesCache cache;
    for (size_t i = 0; i < batch.count; ++i) {
      const Event& e = batch.events[i];
      if (!e.passed) continue;
      uint8_t res = ifs && e.iface < ifs->size() ? output_tsresol((*ifs)[e.iface].tsresol) : 9;
      if (e.link_type == kLinkTypeSyscallEvent) append_syscall(out, e, res, &cache);
      else append_epb(out, e, res, &cache);
    }
  }

  void write(const Batch& batch, const std::string& formatted) override {
    const auto* ifs = batch.interfaces ? batch.interfaces.get() : ctx_.interfaces;
    size_t need = ifs ? ifs->size() : 0;
    for (size_t i = 0; i < batch.count; ++i) {
      const Event& e = batch.events[i];
      if (e.passed && e.iface >= need) need = size_t{e.iface} + 1;
    }
    if (need > written_) write_interfaces(ifs, need, &batch);
    put(formatted);
    flush();
  }

  void finish() override {
    if (!f_) return;
    // A file with no packets still gets its interfaces.
    if (ctx_.interfaces && ctx_.interfaces->size() > written_)
      write_interfaces(ctx_.interfaces, ctx_.interfaces->size(), nullptr);
    flush();
    if (own_) {
      bool bad = std::fclose(f_) != 0;
      f_ = nullptr;
      if (bad) throw Error(path_ + ": write error: " + std::strerror(errno));
    }
  }

 private:
  void write_interfaces(const std::vector<InterfaceInfo>* ifs, size_t need, const Batch* batch) {
    std::string out;
    for (size_t i = written_; i < need; ++i) {
      if (ifs && i < ifs->size()) {
        append_idb(out, (*ifs)[i]);
        continue;
      }
      // An interface the source did not describe: take the link type from
      // the first event that uses it, with ns timestamps.
      InterfaceInfo info;
      info.tsresol = 9;
      if (batch)
        for (size_t k = 0; k < batch->count; ++k)
          if (batch->events[k].iface == i) {
            info.link_type = batch->events[k].link_type;
            break;
          }
      append_idb(out, info);
    }
    written_ = need;
    put(out);
  }

  void put(const std::string& s) {
    if (!s.empty() && std::fwrite(s.data(), 1, s.size(), f_) != s.size())
      throw Error(path_ + ": write error: " + std::strerror(errno));
  }
  void flush() {
    // Each batch ends on a block boundary: a killed run leaves whole blocks.
    if (std::fflush(f_) != 0) throw Error(path_ + ": write error: " + std::strerror(errno));
  }

  std::string path_;
  FILE* f_ = nullptr;
  bool own_ = false;
  size_t written_ = 0;  // IDBs written so far
};

const OptionSpec kOptions[] = {
    {"file", "fileselect", nullptr, "pcapng file to write (\"-\" for standard output)", true, false},
};

std::unique_ptr<Plugin> create(const Options& opts) { return std::make_unique<PcapngSink>(opts.str("file")); }

}  // namespace

}  // namespace strato::pcapng

STRATO_PLUGIN(strato::PluginKind::Sink, "pcapng", "Writes pcapng files", strato::pcapng::kOptions,
              strato::pcapng::create)
