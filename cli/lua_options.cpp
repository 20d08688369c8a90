#include "lua_options.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "strato/error.h"

namespace po = boost::program_options;

namespace strato::cli {

void add_lua_options(po::options_description& o) {
  o.add_options()
    ("extension,X", po::value<std::vector<std::string>>()->composing(),
     "tshark's extension options: lua_script:FILE loads a Wireshark Lua dissector; lua_scriptN:ARG passes ARG "
     "to the Nth script (repeatable)")
    ("lua", po::value<std::vector<std::string>>()->composing(), "load a Wireshark Lua dissector script (repeatable)")
    ("lua-unsafe", po::bool_switch(), "give Lua scripts io, os.execute, package.loadlib and C modules")
    ("lua-max-instructions", po::value<uint64_t>(), "Lua instructions one dissector call may run (0: no limit; "
                                                    "default 100000000)")
    ("option,o", po::value<std::vector<std::string>>()->composing(),
     "proto.pref:value: set a (Lua) protocol preference, as tshark's -o (repeatable)");
}

namespace {

// Every *.lua in $STRATO_LUA_PLUGIN_DIR, or ~/.local/lib/strato/lua/ when it
// exists, in name order: Wireshark's personal Lua plugin folder.
std::vector<std::string> plugin_dir_scripts() {
  std::string dir;
  if (const char* d = std::getenv("STRATO_LUA_PLUGIN_DIR")) dir = d;
  else if (const char* home = std::getenv("HOME")) dir = std::string(home) + "/.local/lib/strato/lua";
  std::vector<std::string> out;
  std::error_code ec;
  if (dir.empty() || !std::filesystem::is_directory(dir, ec)) return out;
  for (auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file(ec) && e.path().extension() == ".lua") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

void apply_lua_options(const po::variables_map& vm, PluginManager::DissectorOptions& options) {
  std::vector<std::string> scripts = plugin_dir_scripts();
  size_t first_cli = scripts.size();  // -X lua_scriptN counts the scripts named on the command line
  std::vector<std::string> args;
  if (vm.count("extension"))
    for (const std::string& x : vm["extension"].as<std::vector<std::string>>()) {
      size_t colon = x.find(':');
      std::string key = x.substr(0, colon);
      if (colon == std::string::npos || key.rfind("lua_script", 0) != 0)
        throw usage_error("-X " + x + ": unknown extension option (known: lua_script:FILE, lua_scriptN:ARG)");
      std::string value = x.substr(colon + 1);
      std::string n = key.substr(10);
      if (n.empty()) {
        if (value.empty()) throw usage_error("-X " + x + ": no script file");
        scripts.push_back(value);
      } else {
        if (n.find_first_not_of("0123456789") != std::string::npos || std::stoul(n) == 0)
          throw usage_error("-X " + x + ": expected lua_scriptN:ARG with N a script number from 1");
        args.push_back(n + ":" + value);
      }
    }
  if (vm.count("lua"))
    for (const std::string& f : vm["lua"].as<std::vector<std::string>>()) scripts.push_back(f);
  bool unsafe = vm.count("lua-unsafe") && vm["lua-unsafe"].as<bool>();
  bool any = !scripts.empty() || !args.empty() || vm.count("option") || vm.count("lua-max-instructions");
  if (!any) return;
  auto& lua = options["lua"];
  for (auto& s : scripts) lua.emplace("script", s);
  for (auto& a : args) {
    // Arguments number the -X scripts as tshark does; plugin-folder scripts come first.
    size_t colon = a.find(':');
    lua.emplace("arg", std::to_string(std::stoul(a.substr(0, colon)) + first_cli) + a.substr(colon));
  }
  if (vm.count("option"))
    for (const std::string& o : vm["option"].as<std::vector<std::string>>()) {
      size_t colon = o.find(':');
      if (colon == std::string::npos || colon == 0)
        throw usage_error("-o " + o + ": expected proto.pref:value");
      lua.emplace("pref", o);
    }
  if (unsafe) lua.emplace("unsafe", "true");
  if (vm.count("lua-max-instructions"))
    lua.emplace("max-instructions", std::to_string(vm["lua-max-instructions"].as<uint64_t>()));
}

}  // namespace strato::cli
