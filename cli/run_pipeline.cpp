#include <cerrno>
#include <csignal>
#include <cstring>

#include "pipeline_spec.h"
#include "sink_outputs.h"
#include "strato/error.h"
#include "strato/plugin_manager.h"

namespace strato::cli {

namespace {
void on_signal(int) {
  g_stop_requested.store(true);
  // A second signal kills us the usual way.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}
}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

int run_pipeline(const PipelineSpec& spec) {
  auto& pm = PluginManager::instance();
  pm.load_all();
  pm.init_dissectors(spec.dissector_options);

  // Before the sources open: a FIFO can block in open or in its first read.
  install_signal_handlers();
  Engine engine(spec.engine);
  for (auto& s : spec.sources) engine.add_source(pm.make_source(s.plugin, s.options));
  SinkOutputs outputs;
  outputs.add_all(engine, pm, spec.sinks);
  EngineStats st = engine.run();
  std::fflush(stdout);
  if (spec.report_stats || st.source.dropped) {
    std::fprintf(stderr, "%llu packets captured\n", static_cast<unsigned long long>(st.source.received));
    std::fprintf(stderr, "%llu packets dropped\n", static_cast<unsigned long long>(st.source.dropped));
  }
  if (std::ferror(stdout)) {
    if (errno == EPIPE) return 0;
    throw Error(std::string("standard output: write error: ") + std::strerror(errno));
  }
  return 0;
}

}  // namespace strato::cli
