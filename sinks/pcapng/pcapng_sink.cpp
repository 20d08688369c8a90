// The "pcapng" sink: writes events that passed the display filter to a
// pcapng file or a ring of archive files (archive_writer.h), reproducing the
// source's interfaces (IDBs) as they appear. Packets become EPBs, syscall
// events Sysdig Event Blocks (pcapng_encode.h); the syscall interface keeps
// its IDB so packet interface ids stay the source's (tshark ignores an IDB
// no packet refers to).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "archive_writer.h"
#include "pcapng_encode.h"
#include "strato/error.h"
#include "strato/sink.h"
#include "strato/syscall_event.h"

namespace strato::pcapng {

namespace {

// In ring mode format() frames each packet's blocks as a record, so that
// write() can put every packet in the file its timestamp and size decide.
struct RecordHeader {
  uint64_t ts_ns;
  uint32_t len;
};

class PcapngSink : public Sink {
 public:
  explicit PcapngSink(ArchiveOptions o) : o_(std::move(o)) {}

  bool wanted_fields(std::vector<FieldId>&) const override { return true; }  // bytes only
  uint32_t needs() const override { return 0; }

  void start(const SinkContext& ctx) override {
    Sink::start(ctx);
    w_ = std::make_unique<ArchiveWriter>(o_, ctx.out);
    w_->start();
  }

  void format(const Batch& batch, std::string& out) const override {
    const auto* ifs = batch.interfaces ? batch.interfaces.get() : ctx_.interfaces;
    ProcessLinesCache cache;
    cache.meta_same_ok = !o_.ring;
    for (size_t i = 0; i < batch.count; ++i) {
      const Event& e = batch.events[i];
      if (!e.passed) continue;
      size_t at = out.size();
      if (o_.ring) out.append(sizeof(RecordHeader), '\0');
      uint8_t res = ifs && e.iface < ifs->size() ? output_tsresol((*ifs)[e.iface].tsresol) : 9;
      if (e.link_type == kLinkTypeSyscallEvent) append_syscall(out, e, res, &cache);
      else append_epb(out, e, res, &cache);
      if (o_.ring) {
        RecordHeader h{e.ts_ns, static_cast<uint32_t>(out.size() - at - sizeof(RecordHeader))};
        std::memcpy(&out[at], &h, sizeof h);
      }
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
    if (!o_.ring) {
      w_->write(formatted);
    } else {
      for (size_t at = 0; at < formatted.size();) {
        RecordHeader h;
        std::memcpy(&h, formatted.data() + at, sizeof h);
        at += sizeof h;
        w_->packet(h.ts_ns, formatted.data() + at, h.len);
        at += h.len;
      }
    }
    // Each batch ends on a block boundary: a killed run leaves whole blocks.
    w_->end_batch();
  }

  void finish() override {
    if (!w_) return;
    // A file with no packets still gets its interfaces.
    if (ctx_.interfaces && ctx_.interfaces->size() > written_)
      write_interfaces(ctx_.interfaces, ctx_.interfaces->size(), nullptr);
    w_->finish();
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
    w_->add_interfaces(out);
  }

  ArchiveOptions o_;
  std::unique_ptr<ArchiveWriter> w_;
  size_t written_ = 0;  // IDBs written so far
};

const OptionSpec kOptions[] = {
    {"file", "fileselect", nullptr, "pcapng file to write (\"-\" for standard output); .gz/.zst compress", true, false},
    {"ring", "string", nullptr,
     "dumpcap's -b: filesize:KB, duration:SEC, interval:SEC, packets:N, files:N (repeatable): a ring of files "
     "PREFIX_NNNNN_YYYYMMDDhhmmss.EXT",
     false, true},
    {"compress", "selector", nullptr, "zstd or gzip (default: from a .zst/.gz name)", false, false},
};

ArchiveOptions archive_options(const Options& opts) {
  ArchiveOptions o;
  o.path = opts.str("file");
  Compression by_name = compression_of_name(o.path);
  o.compression = opts.has("compress") ? parse_compression(opts.str("compress")) : by_name;
  if (opts.has("compress") && by_name != Compression::None && by_name != o.compression)
    throw usage_error("--compress " + opts.str("compress") + ": " + o.path + " names " + to_string(by_name) +
                      " compression");
  std::vector<std::string> ring = opts.list("ring");
  if (ring.empty()) return o;
  if (o.path == "-") throw usage_error("-b: cannot switch files when writing to standard output (-w -)");
  o.ring = true;
  o.limits = parse_rotation(ring);
  std::string dir = directory_of(o.path);
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) errno = ENOTDIR;
  else if (::access(dir.c_str(), W_OK | X_OK) == 0) return o;
  throw usage_error("-w " + o.path + ": cannot write files in " + dir + ": " + std::strerror(errno));
}

std::unique_ptr<Plugin> create(const Options& opts) { return std::make_unique<PcapngSink>(archive_options(opts)); }

}  // namespace

}  // namespace strato::pcapng

STRATO_PLUGIN(strato::PluginKind::Sink, "pcapng", "Writes pcapng files, or rings of compressed archives",
              strato::pcapng::kOptions, strato::pcapng::create)
