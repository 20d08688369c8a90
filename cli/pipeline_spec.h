#pragma once
// What the `read` flags and pipeline files both produce: sources, sinks with
// their options and per-sink filters, and engine settings.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "strato/engine.h"

namespace strato::cli {

struct ComponentSpec {
  std::string id;      // name in the pipeline file ("capture"), or the plugin name
  std::string plugin;  // plugin name
  std::multimap<std::string, std::string> options;
  std::string output;  // sinks: file to write to ("" or "-": stdout)
  std::string filter;  // sinks: display filter of the path that leads to it
};

struct PipelineSpec {
  std::vector<ComponentSpec> sources;
  std::vector<ComponentSpec> sinks;
  EngineConfig engine;
  // Options of dissector plugins by plugin name (the lua plugin's scripts).
  std::map<std::string, std::multimap<std::string, std::string>> dissector_options;
  bool report_stats = false;  // print tcpdump-style counts to stderr at the end
};

// Loads plugins, builds and runs the engine. Returns the process exit code.
int run_pipeline(const PipelineSpec& spec);

// Parses a YAML pipeline file; errors name the file, line and key.
PipelineSpec load_pipeline_file(const std::string& path);

// Installs SIGINT/SIGTERM handlers that stop the engine cleanly.
void install_signal_handlers();

}  // namespace strato::cli
