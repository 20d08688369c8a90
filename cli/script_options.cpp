#include "script_options.h"

#include <string>

#include "strato/error.h"

namespace po = boost::program_options;

namespace strato::cli {

void add_script_options(po::options_description& o) {
  o.add_options()
    ("script", po::value<std::string>(), "run a Lua script over the events (on_init, on_event, on_interval, on_end; "
                                         "see lua/examples/); events are not printed unless -P")
    ("script-arg", po::value<std::vector<std::string>>()->composing(), "k=v for the script (strato.args.k); repeatable");
}

namespace {
// --lua-unsafe belongs to the Lua dissector flags; scripts honour it too.
// Its value type is that module's business: a switch or a flag with a value.
bool lua_unsafe(const po::variables_map& vm) {
  if (!vm.count("lua-unsafe")) return false;
  const boost::any& v = vm["lua-unsafe"].value();
  if (const bool* b = boost::any_cast<bool>(&v)) return *b;
  return true;
}
}  // namespace

void apply_script_options(const po::variables_map& vm, std::vector<ComponentSpec>& sinks) {
  if (!vm.count("script")) {
    if (vm.count("script-arg")) throw usage_error("--script-arg needs --script FILE");
    return;
  }
  ComponentSpec s{"lua-script", "lua-script", {}, {}, {}};
  s.options.emplace("script", vm["script"].as<std::string>());
  if (vm.count("script-arg"))
    for (const std::string& a : vm["script-arg"].as<std::vector<std::string>>()) {
      if (a.empty() || a[0] == '=') throw usage_error("--script-arg " + a + ": expected k=v");
      s.options.emplace("arg", a);
    }
  if (lua_unsafe(vm)) s.options.emplace("unsafe", "true");
  sinks.push_back(s);
}

}  // namespace strato::cli
