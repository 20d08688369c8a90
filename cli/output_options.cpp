#include "output_options.h"

#include "strato/error.h"

namespace po = boost::program_options;

namespace strato::cli {

namespace {

bool flag(const po::variables_map& vm, const char* name) { return vm.count(name) && vm[name].as<bool>(); }

}  // namespace

po::variables_map parse_flags(const std::string& cmd, const std::vector<std::string>& args,
                              const po::options_description& desc) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args)
                  .options(desc)
                  .style(po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw usage_error(cmd + ": " + e.what() + " (see strato " + cmd + " --help)");
  }
  return vm;
}

void check_output_format(const std::string& cmd, const std::string& format) {
  if (format != "text" && format != "fields" && format != "json" && format != "ndjson" && format != "ek")
    throw usage_error(cmd + ": -T " + format + ": unknown output format (text, fields, json, ndjson, ek)");
}

ComponentSpec output_sink(const std::string& cmd, const po::variables_map& vm) {
  const std::string format = vm["output-format"].as<std::string>();
  check_output_format(cmd, format);
  std::vector<std::string> fields;
  if (vm.count("field")) fields = vm["field"].as<std::vector<std::string>>();
  ComponentSpec sink;
  if (format == "text") {
    sink.plugin = "text";
    if (flag(vm, "detail")) sink.options.emplace("detail", "true");
    if (flag(vm, "hex")) sink.options.emplace("hex", "true");
    // tshark -P: summary lines also with -V/-x (and alongside -w).
    if (flag(vm, "print")) sink.options.emplace("summary", "true");
  } else if (format == "fields") {
    if (fields.empty()) throw usage_error(cmd + ": -T fields needs at least one -e FIELD");
    sink.plugin = "fields";
    for (auto& f : fields) sink.options.emplace("field", f);
    if (vm.count("field-option")) {
      for (auto& e : vm["field-option"].as<std::vector<std::string>>()) {
        auto eq = e.find('=');
        if (eq == std::string::npos) throw usage_error(cmd + ": -E " + e + ": expected NAME=VALUE");
        sink.options.emplace(e.substr(0, eq), e.substr(eq + 1));
      }
    }
  } else {
    sink.plugin = "json";
    sink.options.emplace("format", format);
    for (auto& f : fields) sink.options.emplace("field", f);
  }
  sink.id = sink.plugin;
  return sink;
}

}  // namespace strato::cli
