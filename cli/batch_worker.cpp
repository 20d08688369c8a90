#include "batch_worker.h"

#include "sink_outputs.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "batch_inputs.h"
#include "batch_sources.h"
#include "output_options.h"
#include "strato/error.h"
#include "strato/plugin_manager.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace strato::cli {

namespace {

// Written beside the final file so the rename stays on one filesystem; the
// name keeps the suffix a writer may look at.
std::string partial_name(const std::string& final_path) {
  fs::path p(final_path);
  return (p.parent_path() / (".partial." + p.filename().string())).string();
}

std::string strip_suffix(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0 ? s.substr(0, s.size() - suf.size()) : s;
}

// "day1/trace-0001.pcapng.zst" -> "day1/trace-0001".
std::string input_stem(const std::string& rel) {
  std::string s = strip_suffix(strip_suffix(rel, ".gz"), ".zst");
  for (const char* ext : {".pcapng", ".pcap", ".scap"}) s = strip_suffix(s, ext);
  return s;
}

// Points a pcapng sink at `final_path`, compressed as its suffix says when
// the writer can compress, plain (suffix dropped) when it cannot.
std::string pcapng_target(ComponentSpec& sink, std::string final_path, const std::string& compress_opt) {
  std::string comp = compression_of(final_path);
  if (!comp.empty()) {
    if (!compress_opt.empty()) sink.options.emplace(compress_opt, comp);
    else final_path = strip_suffix(strip_suffix(final_path, ".gz"), ".zst");
  }
  return final_path;
}


}  // namespace

std::string pcapng_compress_option() {
  auto& pm = PluginManager::instance();
  pm.load_all();
  const LoadedPlugin* p = pm.find(PluginKind::Sink, "pcapng");
  if (!p) return "";
  for (uint32_t i = 0; i < p->desc->option_count; ++i) {
    std::string n = p->desc->options[i].name;
    if (n == "compress" || n == "compression") return n;
  }
  return "";
}

PipelineSpec batch_spec(const po::variables_map& vm, const std::string& rel, const std::string& write_to,
                        std::vector<std::pair<std::string, std::string>>* renames) {
  PipelineSpec spec;
  const std::string compress_opt = pcapng_compress_option();
  auto place = [&](std::string final_path) {
    if (!renames) return final_path;
    std::string tmp = partial_name(final_path);
    renames->emplace_back(tmp, final_path);
    return tmp;
  };
  if (vm.count("pipeline")) {
    spec = load_pipeline_file(vm["pipeline"].as<std::string>());
    spec.sources.clear();  // the archives replace them
    for (auto& s : spec.sinks) {
      auto fill = [&](std::string& v) {
        size_t p = v.find("{input}");
        if (p == std::string::npos) return false;
        if (rel.empty())
          throw usage_error("batch: sink '" + s.id + "': {input} names each archive's output; with --merge there is one output, give a plain file name");
        v.replace(p, 7, input_stem(rel));
        return true;
      };
      if (fill(s.output)) s.output = place(s.output);
      if (s.plugin == "pcapng") {
        auto it = s.options.find("file");
        if (it != s.options.end() && fill(it->second)) {
          std::string final_path = it->second;
          s.options.erase(it);
          final_path = pcapng_target(s, final_path, compress_opt);
          s.options.emplace("file", place(final_path));
        }
      }
    }
  }
  if (vm.count("display-filter")) {
    std::string y = vm["display-filter"].as<std::string>();
    spec.engine.display_filter = spec.engine.display_filter.empty() ? y : "(" + spec.engine.display_filter + ") && (" + y + ")";
  }
  if (vm.count("threads")) spec.engine.threads = vm["threads"].as<unsigned>();
  const bool writing = !write_to.empty();
  if (!vm.count("pipeline") && (!vm["output-format"].defaulted() || !writing)) spec.sinks.push_back(output_sink("batch", vm));
  if (writing) {
    ComponentSpec sink{"pcapng", "pcapng", {}, {}, {}};
    std::string final_path = pcapng_target(sink, write_to, compress_opt);
    sink.options.emplace("file", place(final_path));
    spec.sinks.push_back(sink);
  }
  return spec;
}

int run_batch_worker(const po::variables_map& vm) {
  const std::string input = vm["worker-input"].as<std::string>();
  const std::string rel = vm.count("worker-rel") ? vm["worker-rel"].as<std::string>() : fs::path(input).filename().string();
  const std::string write_to = vm.count("worker-output") ? vm["worker-output"].as<std::string>() : "";
  std::vector<std::pair<std::string, std::string>> renames;
  auto discard = [&] {
    for (auto& r : renames) ::unlink(r.first.c_str());
  };

  std::atomic<uint64_t> events{0};
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  std::thread ticker;
  int code = 0;
  try {
    PipelineSpec spec = batch_spec(vm, rel, write_to, &renames);
    auto& pm = PluginManager::instance();
    pm.load_all();
    pm.init_dissectors(spec.dissector_options);
    Engine engine(spec.engine);
    auto counting = std::make_unique<CountingSource>(pm.make_source("file", {{"path", input}}), events);
    CountingSource* src = counting.get();
    engine.add_source(std::move(counting));
    // The pcapng sink opens its own file: its directory must exist too.
    for (auto& s : spec.sinks) {
      auto it = s.plugin == "pcapng" ? s.options.find("file") : s.options.end();
      if (it == s.options.end() || it->second == "-") continue;
      fs::path dir = fs::path(it->second).parent_path();
      if (!dir.empty()) fs::create_directories(dir);
    }
    SinkOutputs outputs;
    outputs.add_all(engine, pm, spec.sinks, true);
    install_signal_handlers();
    ticker = std::thread([&] {
      std::unique_lock<std::mutex> lock(m);
      while (!cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return finished; }))
        std::fprintf(stderr, "%cstrato-batch progress %llu\n", kBatchControl, static_cast<unsigned long long>(events.load()));
    });
    EngineStats st = engine.run();
    std::fflush(stdout);
    outputs.flush();
    if (std::ferror(stdout)) throw Error(std::string("standard output: write error: ") + std::strerror(errno));
    if (g_stop_requested.load()) {
      code = kWorkerStopped;
    } else {
      // A damaged archive's counts still go in the summary; its output does not.
      if (src->damaged()) code = kWorkerDamaged;
      else
        for (auto& r : renames)
          if (std::rename(r.first.c_str(), r.second.c_str()) != 0)
            throw Error(r.second + ": cannot rename the finished file into place: " + std::strerror(errno));
      if (!code) renames.clear();
      std::fprintf(stderr, "%cstrato-batch done %llu %llu\n", kBatchControl, static_cast<unsigned long long>(events.load()),
                   static_cast<unsigned long long>(st.passed));
    }
  } catch (const Error& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "strato: %s\n", e.what());
    code = e.kind() == Error::Kind::Usage ? 1 : 2;
    // What was read before the damage still counts as read.
    std::fprintf(stderr, "%cstrato-batch done %llu 0\n", kBatchControl, static_cast<unsigned long long>(events.load()));
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "strato: %s: %s\n", input.c_str(), e.what());
    code = 2;
  }
  {
    std::lock_guard<std::mutex> lock(m);
    finished = true;
  }
  cv.notify_all();
  if (ticker.joinable()) ticker.join();
  if (code != 0) discard();
  return code;
}

}  // namespace strato::cli
