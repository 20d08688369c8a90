#pragma once
// Finds and loads plugin shared objects with Boost.DLL: build/plugins/ next
// to the binary, then each directory of STRATO_PLUGIN_PATH (':'-separated).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "strato/plugin.h"

namespace strato {

class Dissector;
class Sink;
class Source;

struct LoadedPlugin {
  std::string path;
  const PluginDescriptor* desc = nullptr;
};

class PluginManager {
 public:
  PluginManager();
  ~PluginManager();
  static PluginManager& instance();
  // Loads every plugin; a file that fails to load or has another ABI version
  // is reported (one line naming the file and reason) and skipped.
  void load_all();
  void load_file(const std::string& path);
  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  const LoadedPlugin* find(PluginKind kind, const std::string& name) const;
  std::vector<std::string> errors() const { return errors_; }

  // Instantiates every dissector plugin and registers its fields and tables.
  // `options` holds option values for dissector plugins by name (the lua
  // plugin's scripts and prefs); naming an unknown plugin is a usage error.
  // Idempotent: options only count on the first call.
  using DissectorOptions = std::map<std::string, std::multimap<std::string, std::string>>;
  void init_dissectors(const DissectorOptions& options = {});

  // Creates a source/sink by name with validated options (usage error when the
  // name or an option is unknown).
  std::unique_ptr<Source> make_source(const std::string& name, const std::multimap<std::string, std::string>& opts) const;
  std::unique_ptr<Sink> make_sink(const std::string& name, const std::multimap<std::string, std::string>& opts) const;

 private:
  std::vector<LoadedPlugin> plugins_;
  std::vector<std::string> errors_;
  std::vector<std::shared_ptr<void>> libs_;  // keeps the shared objects loaded
  std::vector<std::unique_ptr<Dissector>> dissectors_;
  bool dissectors_ready_ = false;
};

}  // namespace strato
