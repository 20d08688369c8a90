// `strato read`: tshark's flags mapped onto a pipeline of plugins.
#include <boost/program_options.hpp>
#include <iostream>

#include "commands.h"
#include "pipeline_spec.h"
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
    ("print,P", po::bool_switch(), "print packets even when writing with -w")
    ("detail,V", po::bool_switch(), "print the packet detail tree")
    ("hex,x", po::bool_switch(), "print a hex and ASCII dump of each packet")
    ("quiet,q", po::bool_switch(), "no per-packet output (use with -z)")
    ("statistics,z", po::value<std::vector<std::string>>()->composing(), "statistics: io,phs  conv,tcp|udp|ip|eth  endpoints,ip|tcp|udp  dns,tree  http,tree")
    ("no-resolve,n", po::bool_switch(), "no name resolution (strato never resolves names)")
    ("threads", po::value<unsigned>()->default_value(0), "dissection threads (0: all cores)")
    ("batch-size", po::value<size_t>()->default_value(512), "events per batch moved through the engine");
  return o;
}

}  // namespace

void print_read_help(std::ostream& os) {
  os << "Usage: strato read -r FILE [options]\n\n" << read_options() << "\n";
  print_source_options(os);
}

int read_command(const std::vector<std::string>& args) {
  po::options_description desc = read_options();
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).style(po::command_line_style::unix_style &
                                                                 ~po::command_line_style::allow_guessing)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw usage_error(std::string("read: ") + e.what() + " (see strato read --help)");
  }
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

  std::vector<std::string> fields;
  if (vm.count("field")) fields = vm["field"].as<std::vector<std::string>>();
  const std::string format = vm["output-format"].as<std::string>();
  bool writing = vm.count("write") != 0;
  bool print = !vm["quiet"].as<bool>() && (!writing || vm["print"].as<bool>() || vm["write"].as<std::string>() == "-");
  if (writing && vm["write"].as<std::string>() == "-" ) print = false;  // stdout carries the capture

  if (print) {
    ComponentSpec sink;
    if (format == "text") {
      sink.plugin = "text";
      if (vm["detail"].as<bool>()) sink.options.emplace("detail", "true");
      if (vm["hex"].as<bool>()) sink.options.emplace("hex", "true");
      // tshark -P: summary lines also with -V/-x (and alongside -w).
      if (vm["print"].as<bool>()) sink.options.emplace("summary", "true");
    } else if (format == "fields") {
      if (fields.empty()) throw usage_error("read: -T fields needs at least one -e FIELD");
      sink.plugin = "fields";
      for (auto& f : fields) sink.options.emplace("field", f);
      if (vm.count("field-option")) {
        for (auto& e : vm["field-option"].as<std::vector<std::string>>()) {
          auto eq = e.find('=');
          if (eq == std::string::npos) throw usage_error("read: -E " + e + ": expected NAME=VALUE");
          sink.options.emplace(e.substr(0, eq), e.substr(eq + 1));
        }
      }
    } else if (format == "json" || format == "ndjson" || format == "ek") {
      sink.plugin = "json";
      sink.options.emplace("format", format == "json" ? "json" : "ndjson");
      for (auto& f : fields) sink.options.emplace("field", f);
    } else {
      throw usage_error("read: -T " + format + ": unknown output format (text, fields, json, ndjson, ek)");
    }
    sink.id = sink.plugin;
    spec.sinks.push_back(sink);
  } else if (format != "text" && format != "fields" && format != "json" && format != "ndjson" && format != "ek") {
    throw usage_error("read: -T " + format + ": unknown output format (text, fields, json, ndjson, ek)");
  }
  if (writing) {
    ComponentSpec sink{"pcapng", "pcapng", {}, {}, {}};
    sink.options.emplace("file", vm["write"].as<std::string>());
    spec.sinks.push_back(sink);
  }
  if (vm.count("statistics")) {
    ComponentSpec sink{"stats", "stats", {}, {}, {}};
    for (auto& z : vm["statistics"].as<std::vector<std::string>>()) sink.options.emplace("z", z);
    spec.sinks.push_back(sink);
  }
  return run_pipeline(spec);
}

}  // namespace strato::cli
