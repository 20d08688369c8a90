#include "sink_outputs.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "strato/error.h"

namespace strato::cli {

bool is_stdout(const std::string& output) { return output.empty() || output == "-"; }

SinkOutputs::~SinkOutputs() {
  for (FILE* f : files_) std::fclose(f);
}

void SinkOutputs::flush() const {
  for (size_t i = 0; i < files_.size(); ++i)
    if (std::fflush(files_[i]) != 0) throw Error(names_[i] + ": write error: " + std::strerror(errno));
}

void SinkOutputs::add_all(Engine& engine, const PluginManager& pm, const std::vector<ComponentSpec>& sinks,
                          bool make_dirs) {
  for (const auto& s : sinks) {
    FILE* out = stdout;
    if (!is_stdout(s.output)) {
      if (make_dirs) {
        std::filesystem::path dir = std::filesystem::path(s.output).parent_path();
        if (!dir.empty()) std::filesystem::create_directories(dir);
      }
      out = std::fopen(s.output.c_str(), "wb");
      if (!out) throw Error(s.output + ": cannot open for writing: " + std::strerror(errno));
      files_.push_back(out);
      names_.push_back(s.output);
    }
    engine.add_sink(pm.make_sink(s.plugin, s.options), out, s.filter);
  }
}

}  // namespace strato::cli
