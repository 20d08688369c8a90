#pragma once
// The output files of a pipeline's sinks: each sink writes to its `output`
// file, or to standard output when it names none ("" or "-"). The files are
// closed when this goes, after the engine that wrote them.
#include <cstdio>
#include <vector>

#include "pipeline_spec.h"
#include "strato/plugin_manager.h"

namespace strato::cli {

bool is_stdout(const std::string& output);

class SinkOutputs {
 public:
  SinkOutputs() = default;
  SinkOutputs(const SinkOutputs&) = delete;
  SinkOutputs& operator=(const SinkOutputs&) = delete;
  ~SinkOutputs();

  // Creates every sink and adds it to `engine`. `make_dirs`: create missing
  // parent directories of output files first (batch writes per-archive trees).
  void add_all(Engine& engine, const PluginManager& pm, const std::vector<ComponentSpec>& sinks,
               bool make_dirs = false);
  // Flushes the files (not stdout); a failure names the file.
  void flush() const;

 private:
  std::vector<FILE*> files_;
  std::vector<std::string> names_;
};

}  // namespace strato::cli
