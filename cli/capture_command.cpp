// `strato capture`: live syscall events from the ebpf source, dissected and
// printed like `strato read` prints packets. Ctrl-C, SIGTERM and -a stop the
// source, which detaches its programs and drains what the kernel already
// queued before the engine finishes; the summary then counts everything.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <algorithm>
#include <cerrno>
#include <cctype>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <iostream>
#include <pthread.h>
#include <thread>

#include "commands.h"
#include "lua_options.h"
#include "output_options.h"
#include "pipeline_spec.h"
#include "ring_options.h"
#include "script_options.h"
#include "strato/error.h"
#include "strato/plugin_manager.h"

namespace po = boost::program_options;

namespace strato::cli {

namespace {

Source* volatile g_capture_source = nullptr;

// The pcapng sink creates the file only once the probes are attached; as
// tcpdump, fail on one that cannot be written before capturing anything.
// Not with -Z: the file is then created as that user, whose rights differ.
void check_writable(const std::string& path) {
  if (path == "-") return;
  std::string target = path;
  if (access(path.c_str(), F_OK) != 0) {
    auto slash = path.rfind('/');
    target = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  }
  if (access(target.c_str(), W_OK) != 0)
    throw Error(path + ": cannot create: " + std::strerror(errno));
}

void on_capture_signal(int) {
  if (Source* s = g_capture_source) s->stop();
}

po::options_description capture_options() {
  po::options_description o("strato capture options");
  o.add_options()
    ("help,h", "show this help")
    ("list-interfaces,D", "list what -i can capture on, as tshark -D")
    ("interface,i", po::value<std::vector<std::string>>()->composing(), "capture packets on IFACE (repeatable; a name or number from -D; \"any\": all interfaces, also ones created later; \"syscalls\": the syscall stream, next to packets)")
    ("syscalls", po::value<std::string>(), "syscalls to capture: net, file, proc and/or names, comma-separated (default: all; with -i: none unless given)")
    ("capture-filter,f", po::value<std::string>(), "pcap filter for packets, run in the kernel (tcp port 80)")
    ("buffer-size,B", po::value<unsigned>(), "size of each ring buffer in KiB, as tcpdump -B (default 16384, shared out among the per-CPU rings of a packet-only capture, at least 2048 each)")
    ("cpus-per-buffer", po::value<unsigned>(), "one ring buffer per N CPUs (0: one for all; default: one per CPU for packets alone, else one for all)")
    ("pid", po::value<int64_t>(), "only this process and its descendants (kernel filter)")
    ("comm", po::value<std::string>(), "only processes with this name (kernel filter)")
    ("container", po::value<std::string>(), "only processes of this container (id, 12 or 64 hex digits; kernel filter)")
    ("relinquish-privileges,Z", po::value<std::string>(), "run as USER once the probes are attached, as tcpdump -Z")
    ("cgroup", po::value<std::string>(), "only processes in this cgroup v2 path and its children (kernel filter)")
    ("snaplen,s", po::value<unsigned>(), "bytes kept per packet (default 262144) and of read/write data per syscall (default 80, at most 255)")
    ("display-filter,Y", po::value<std::string>(), "display filter in Wireshark syntax (evt.type == \"connect\" && evt.failed)")
    ("output-format,T", po::value<std::string>()->default_value("text"), "text|fields|json|ndjson|ek")
    ("field,e", po::value<std::vector<std::string>>()->composing(), "field to print with -T fields/json (repeatable)")
    ("field-option,E", po::value<std::vector<std::string>>()->composing(), "as strato read -E")
    ("count,c", po::value<uint64_t>(), "stop after N events")
    ("autostop,a", po::value<std::string>(), "duration:SEC: stop after SEC seconds")
    ("write,w", po::value<std::string>(), "write events to a pcapng FILE ('-' for stdout): packets as EPBs, syscalls as Sysdig event blocks")
    ("print,P", po::bool_switch(), "print events while writing with -w or running --script")
    ("detail,V", po::bool_switch(), "print the event detail tree")
    ("hex,x", po::bool_switch(), "print a hex and ASCII dump of each event")
    ("quiet,q", po::bool_switch(), "no per-event output, only the summary (and -z statistics)")
    ("statistics,z", po::value<std::vector<std::string>>()->composing(), "statistics printed when the capture ends, as tshark -z: io,phs  conv,tcp|udp|ip|eth  endpoints,ip|tcp|udp  dns,tree  http,tree")
    ("threads", po::value<unsigned>()->default_value(1), "dissection threads (default 1: the capture's reader and the traced workload need the other cores)");
  add_ring_options(o);
  add_lua_options(o);
  add_script_options(o);
  return o;
}

// tcpdump's closing lines, on one line: every loss is counted somewhere.
std::string summary_line(uint64_t events, const SourceStats& s) {
  return std::to_string(events) + " events captured, " + std::to_string(s.dropped) + " dropped by kernel, " +
         std::to_string(s.dropped_user) + " dropped by user space";
}

unsigned parse_duration(const std::string& a) {
  const std::string prefix = "duration:";
  if (a.compare(0, prefix.size(), prefix) != 0)
    throw usage_error("capture: -a " + a + ": expected duration:SECONDS");
  char* end = nullptr;
  unsigned long s = std::strtoul(a.c_str() + prefix.size(), &end, 10);
  if (!end || *end || s == 0 || s > 86400 * 365)
    throw usage_error("capture: -a " + a + ": expected a whole number of seconds after duration:");
  return static_cast<unsigned>(s);
}

}  // namespace

int capture_command(const std::vector<std::string>& args) {
  po::options_description desc = capture_options();
  po::variables_map vm = parse_flags("capture", args, desc);
  if (vm.count("help")) {
    std::cout << "Usage: strato capture [options]\n\n" << desc << "\n";
    return 0;
  }
  if (vm.count("list-interfaces")) {
    auto& pm = PluginManager::instance();
    pm.load_all();
    std::unique_ptr<Source> src = pm.make_source("ebpf", {});
    int n = 0;
    for (const InterfaceInfo& i : src->list_interfaces()) std::cout << ++n << ". " << i.name << " (" << i.description << ")\n";
    return 0;
  }
  unsigned duration = vm.count("autostop") ? parse_duration(vm["autostop"].as<std::string>()) : 0;
  // Before any thread exists, so that all of them inherit it (see the reporter below).
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &usr1, nullptr);

  std::multimap<std::string, std::string> src_opts;
  if (vm.count("syscalls")) src_opts.emplace("syscalls", vm["syscalls"].as<std::string>());
  if (vm.count("pid")) src_opts.emplace("pid", std::to_string(vm["pid"].as<int64_t>()));
  if (vm.count("comm")) src_opts.emplace("comm", vm["comm"].as<std::string>());
  if (vm.count("container")) src_opts.emplace("container", vm["container"].as<std::string>());
  if (vm.count("cgroup")) src_opts.emplace("cgroup", vm["cgroup"].as<std::string>());
  if (vm.count("relinquish-privileges")) src_opts.emplace("run-as", vm["relinquish-privileges"].as<std::string>());
  if (vm.count("container") && vm.count("cgroup")) throw usage_error("capture: --container and --cgroup: give one");
  if (vm.count("container")) {
    const std::string& id = vm["container"].as<std::string>();
    if (id.size() < 12 || id.size() > 64 ||
        !std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isxdigit(c); }))
      throw usage_error("capture: --container " + id + ": not a container id (12 to 64 hex digits)");
  }
  if (vm.count("snaplen")) {
    src_opts.emplace("snaplen", std::to_string(vm["snaplen"].as<unsigned>()));
    src_opts.emplace("packet-snaplen", std::to_string(vm["snaplen"].as<unsigned>()));
  }
  if (vm.count("interface")) {
    for (auto& i : vm["interface"].as<std::vector<std::string>>()) src_opts.emplace("interface", i);
    // Packets were asked for: syscalls only when named too, as tcpdump -i shows packets alone.
    if (!vm.count("syscalls")) src_opts.emplace("syscalls-on", "false");
  }
  if (vm.count("cpus-per-buffer")) src_opts.emplace("cpus-per-buffer", std::to_string(vm["cpus-per-buffer"].as<unsigned>()));
  if (vm.count("capture-filter")) {
    if (!vm.count("interface")) throw usage_error("capture: -f needs -i: it filters packets");
    src_opts.emplace("filter", vm["capture-filter"].as<std::string>());
  }
  if (vm.count("buffer-size")) {
    unsigned kib = vm["buffer-size"].as<unsigned>();
    if (kib < 4 || kib > 1024 * 1024) throw usage_error("capture: -B " + std::to_string(kib) + ": expected 4 to 1048576 KiB");
    src_opts.emplace("buffer-size", std::to_string(uint64_t{kib} * 1024));
  }

  EngineConfig ec;
  // Live events trickle in: small batches keep the output prompt.
  ec.batch_size = 256;
  ec.threads = vm["threads"].as<unsigned>();
  if (vm.count("display-filter")) ec.display_filter = vm["display-filter"].as<std::string>();
  if (vm.count("count")) ec.max_events = vm["count"].as<uint64_t>();
  ec.need_tree = vm["detail"].as<bool>();

  ComponentSpec sink = output_sink("capture", vm);
  // sysdig-style lines for syscalls, tshark's for packets with their process.
  if (sink.plugin == "text") sink.options.emplace("live", "true");

  auto& pm = PluginManager::instance();
  pm.load_all();
  PluginManager::DissectorOptions dissector_options;
  apply_lua_options(vm, dissector_options);
  pm.init_dissectors(dissector_options);
  Engine engine(ec);
  std::unique_ptr<Source> src = pm.make_source("ebpf", src_opts);
  Source* raw = src.get();
  engine.add_source(std::move(src));
  const bool writing = vm.count("write") != 0;
  const bool to_stdout = writing && vm["write"].as<std::string>() == "-";
  const bool scripted = vm.count("script") != 0;
  if (!vm["quiet"].as<bool>() && !to_stdout && ((!writing && !scripted) || vm["print"].as<bool>())) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    engine.add_sink(pm.make_sink(sink.plugin, sink.options), stdout);
  }
  std::multimap<std::string, std::string> write_opts;
  if (writing && !vm.count("relinquish-privileges")) check_writable(vm["write"].as<std::string>());
  if (writing) write_opts.emplace("file", vm["write"].as<std::string>());
  apply_ring_options("capture", vm, write_opts);
  if (writing) engine.add_sink(pm.make_sink("pcapng", write_opts), stdout);
  std::vector<ComponentSpec> scripts;
  apply_script_options(vm, scripts);
  for (auto& s : scripts) engine.add_sink(pm.make_sink(s.plugin, s.options), stdout);
  if (vm.count("statistics")) {
    std::multimap<std::string, std::string> stats_opts;
    for (auto& z : vm["statistics"].as<std::vector<std::string>>()) stats_opts.emplace("z", z);
    engine.add_sink(pm.make_sink("stats", stats_opts), stdout);
  }

  g_capture_source = raw;
  struct sigaction sa {};
  sa.sa_handler = on_capture_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGALRM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  if (duration) alarm(duration);
  struct Reset {
    ~Reset() {
      alarm(0);
      g_capture_source = nullptr;
    }
  } reset;

  // SIGUSR1 prints the counts so far, as tcpdump does. The signal is blocked
  // in every thread (the engine's inherit this mask) and taken by sigwait.
  std::atomic<bool> done{false};
  std::thread reporter([&] {
    int sig = 0;
    while (sigwait(&usr1, &sig) == 0 && !done.load()) {
      SourceStats s = raw->stats();
      std::fprintf(stderr, "%s\n", summary_line(s.received, s).c_str());
    }
  });
  struct StopReporter {
    std::atomic<bool>& done;
    std::thread& t;
    ~StopReporter() {
      done.store(true);
      pthread_kill(t.native_handle(), SIGUSR1);
      t.join();
    }
  } stop_reporter{done, reporter};

  EngineStats st = engine.run();
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", summary_line(st.events, st.source).c_str());
  return 0;
}

}  // namespace strato::cli
