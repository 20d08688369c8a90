#include "ebpf_source.h"
#include "strato/error.h"

namespace {

const strato::OptionSpec kOptions[] = {
    {"syscalls", "string", nullptr,
     "syscalls to capture: sets net, file, proc and/or syscall names, comma-separated (default: all known)", false,
     false},
    {"pid", "integer", nullptr, "capture only this process and its descendants (filtered in the kernel)", false,
     false},
    {"comm", "string", nullptr, "capture only processes with this name (filtered in the kernel)", false, false},
    {"snaplen", "unsigned", "80", "bytes of read/write data kept per event (at most 255)", false, false},
    {"interface", "string", nullptr, "capture packets on this interface (\"any\": all, also new ones)", false, true},
    {"filter", "string", nullptr, "pcap filter for packets, run in the kernel", false, false},
    {"packet-snaplen", "unsigned", "262144", "bytes kept per packet", false, false},
    {"syscalls-on", "boolean", "true", "capture syscall events (false with interfaces: packets only)", false, false},
    {"buffer-size", "unsigned", "0", "size of each ring buffer in bytes (0: 16 MiB, shared out among the rings of a packet-only capture)", false, false},
    {"cgroup", "string", nullptr, "only processes in this cgroup v2 path and below (filtered in the kernel)", false, false},
    {"cpus-per-buffer", "unsigned", nullptr, "one ring buffer per this many CPUs (0: one for all; unset: one per CPU for packets alone, else one for all)", false, false},
    {"run-as", "string", nullptr, "drop root and run as this user once attached (-Z)", false, false},
    {"container", "string", nullptr, "only processes of this container id (filtered in the kernel)", false, false},
};

std::unique_ptr<strato::Plugin> create(const strato::Options& opts) {
  strato::ebpf::EbpfConfig cfg;
  cfg.syscalls = opts.str("syscalls");
  if (opts.has("pid")) {
    cfg.pid = opts.integer("pid");
    // Linux hands out pids from 1 to below PID_MAX_LIMIT (2^22 on 64-bit).
    if (cfg.pid <= 0 || cfg.pid >= (int64_t{1} << 22))
      throw strato::usage_error("--pid " + std::to_string(cfg.pid) + ": not a process id");
  }
  cfg.comm = opts.str("comm");
  if (opts.has("snaplen")) cfg.snaplen = static_cast<uint32_t>(opts.integer("snaplen"));
  for (const std::string& i : opts.list("interface")) cfg.interfaces.push_back(i);
  cfg.packet_filter = opts.str("filter");
  cfg.cgroup = opts.str("cgroup");
  cfg.container = opts.str("container");
  cfg.run_as = opts.str("run-as");
  if (opts.has("cpus-per-buffer")) cfg.cpus_per_ring = static_cast<uint32_t>(opts.integer("cpus-per-buffer"));
  if (opts.has("packet-snaplen")) cfg.packet_snaplen = static_cast<uint32_t>(opts.integer("packet-snaplen"));
  if (opts.has("syscalls-on")) cfg.syscalls_on = opts.boolean("syscalls-on");
  if (opts.has("buffer-size")) cfg.buffer_bytes = static_cast<uint64_t>(opts.integer("buffer-size"));
  return std::make_unique<strato::ebpf::EbpfSource>(cfg);
}

}  // namespace

STRATO_PLUGIN(strato::PluginKind::Source, "ebpf", "Live syscall and process events from eBPF (strato capture)",
              kOptions, create)
