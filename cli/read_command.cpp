// `strato read`: tshark's flags mapped onto a pipeline of plugins.
#include <boost/program_options.hpp>
#include <iostream>

#include "commands.h"
#include "lua_options.h"
#include "output_options.h"
#include "pipeline_spec.h"
#include "ring_options.h"
#include "script_options.h"
#include "strato/error.h"

namespace po = boost::program_options;

namespace strato::cli {

namespace {

po::options_description read_options() {
  po::options_description o("strato read options (tshark's flags)");
  o.add_options()
    ("help,h", "show this help")
    ("read-file,r", po::value<std::vector<std::string>>()->composing(), "read packets from FILE (pcap, pcapng; .gz/.zst); repeat to read several files in order")
    ("display-filter,Y", po::value<std::string>(), "display filter in Wireshark syntax")
    ("capture-filter,f", po::value<std::string>(), "capture filter in pcap-filter syntax, applied while reading")
    ("output-format,T", po::value<std::string>()->default_value("text"), "text|fields|json|ndjson|ek")
    ("field,e", po::value<std::vector<std::string>>()->composing(), "field to print with -T fields/json (repeatable)")
    ("field-option,E", po::value<std::vector<std::string>>()->composing(), "header=y|n, separator=/t|/s|C, quote=d|s|n, occurrence=f|l|a, aggregator=C")
    ("count,c", po::value<uint64_t>(), "stop after N packets (that pass -Y)")
    ("write,w", po::value<std::string>(), "write packets that pass the filters to a pcapng FILE ('-' for stdout)")
    ("print,P", po::bool_switch(), "print packets even when writing with -w or running --script")
    ("detail,V", po::bool_switch(), "print the packet detail tree")
    ("hex,x", po::bool_switch(), "print a hex and ASCII dump of each packet")
    ("quiet,q", po::bool_switch(), "no per-packet output (use with -z)")
    ("statistics,z", po::value<std::vector<std::string>>()->composing(), "statistics: io,phs  conv,tcp|udp|ip|eth  endpoints,ip|tcp|udp  dns,tree  http,tree")
    ("no-resolve,n", po::bool_switch(), "no name resolution (strato never resolves names)")
    ("threads", po::value<unsigned>()->default_value(0), "dissection threads (0: all cores)")
    ("batch-size", po::value<size_t>()->default_value(512), "events per batch moved through the engine");
  add_ring_options(o);
  add_lua_options(o);
  add_script_options(o);
  return o;
}

}  // namespace

void print_read_help(std::ostream& os) {
  os << "Usage: strato read -r FILE [options]\n\n" << read_options() << "\n";
  print_source_options(os);
}

int read_command(const std::vector<std::string>& args) {
  po::options_description desc = read_options();
  po::variables_map vm = parse_flags("read", args, desc);
  if (vm.count("help")) {
    print_read_help(std::cout);
    return 0;
  }
  if (!vm.count("read-file")) throw usage_error("read: no input: give -r FILE (see strato read --help)");

  PipelineSpec spec;
  ComponentSpec src{"file", "file", {}, {}, {}};
  for (auto& f : vm["read-file"].as<std::vector<std::string>>()) src.options.emplace("path", f);
  if (vm.count("capture-filter")) src.options.emplace("filter", vm["capture-filter"].as<std::string>());
  spec.sources.push_back(src);

  spec.engine.threads = vm["threads"].as<unsigned>();
  spec.engine.batch_size = vm["batch-size"].as<size_t>();
  if (vm.count("display-filter")) spec.engine.display_filter = vm["display-filter"].as<std::string>();
  if (vm.count("count")) spec.engine.max_events = vm["count"].as<uint64_t>();
  spec.engine.need_tree = vm["detail"].as<bool>();

  const std::string format = vm["output-format"].as<std::string>();
  bool writing = vm.count("write") != 0;
  bool print = !vm["quiet"].as<bool>() && (!writing || vm["print"].as<bool>() || vm["write"].as<std::string>() == "-");
  if (writing && vm["write"].as<std::string>() == "-" ) print = false;  // stdout carries the capture
  // A script's output is the point, as with sysdig -c: events print only with -P.
  if (vm.count("script") && !vm["print"].as<bool>()) print = false;

  if (print) spec.sinks.push_back(output_sink("read", vm));
  else check_output_format("read", format);
  ComponentSpec pcapng{"pcapng", "pcapng", {}, {}, {}};
  if (writing) pcapng.options.emplace("file", vm["write"].as<std::string>());
  apply_ring_options("read", vm, pcapng.options);
  if (writing) spec.sinks.push_back(pcapng);
  apply_script_options(vm, spec.sinks);
  apply_lua_options(vm, spec.dissector_options);
  if (vm.count("statistics")) {
    ComponentSpec sink{"stats", "stats", {}, {}, {}};
    for (auto& z : vm["statistics"].as<std::vector<std::string>>()) sink.options.emplace("z", z);
    spec.sinks.push_back(sink);
  }
  return run_pipeline(spec);
}

}  // namespace strato::cli
