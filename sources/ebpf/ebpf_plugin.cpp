#include "ebpf_source.h"

namespace {

const strato::OptionSpec kOptions[] = {
    {"syscalls", "string", nullptr,
     "syscalls to capture: sets net, file, proc and/or syscall names, comma-separated (default: all known)", false,
     false},
    {"pid", "integer", nullptr, "capture only this process and its descendants (filtered in the kernel)", false,
     false},
    {"comm", "string", nullptr, "capture only processes with this name (filtered in the kernel)", false, false},
    {"snaplen", "unsigned", "80", "bytes of read/write data kept per event (at most 255)", false, false},
};

std::unique_ptr<strato::Plugin> create(const strato::Options& opts) {
  strato::ebpf::EbpfConfig cfg;
  cfg.syscalls = opts.str("syscalls");
  if (opts.has("pid")) cfg.pid = opts.integer("pid");
  cfg.comm = opts.str("comm");
  if (opts.has("snaplen")) cfg.snaplen = static_cast<uint32_t>(opts.integer("snaplen"));
  return std::make_unique<strato::ebpf::EbpfSource>(cfg);
}

}  // namespace

STRATO_PLUGIN(strato::PluginKind::Source, "ebpf", "Live syscall and process events from eBPF (strato capture)",
              kOptions, create)
