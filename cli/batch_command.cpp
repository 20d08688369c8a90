// `strato batch`: one pipeline over many archives. Per file (the default),
// each archive runs in its own child process, --jobs at a time, output kept
// per archive and in input order; with --merge, every archive is read by
// one engine through a k-way merge by timestamp.
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "batch_inputs.h"
#include "batch_progress.h"
#include "batch_sources.h"
#include "batch_state.h"
#include "batch_worker.h"
#include "commands.h"
#include "output_options.h"
#include "pipeline_spec.h"
#include "sink_outputs.h"
#include "strato/error.h"
#include "strato/plugin_manager.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace strato::cli {

namespace {

constexpr int kExitFailed = 3;       // some archive failed, the others are done
constexpr int kExitInterrupted = 130;

po::options_description batch_options() {
  po::options_description o("strato batch options");
  o.add_options()
    ("help,h", "show this help")
    ("display-filter,Y", po::value<std::string>(), "display filter in Wireshark syntax")
    ("pipeline", po::value<std::string>(), "run a pipeline file's filters and sinks over each archive (its sources are replaced; {input} in a sink's file names the archive)")
    ("write,w", po::value<std::string>(), "per file: directory for one pcapng per archive (relative paths kept); with --merge: one pcapng file")
    ("output-format,T", po::value<std::string>()->default_value("text"), "text|fields|json|ndjson|ek to standard output: one block per archive, in input order")
    ("field,e", po::value<std::vector<std::string>>()->composing(), "field to print with -T fields/json (repeatable)")
    ("field-option,E", po::value<std::vector<std::string>>()->composing(), "header=y|n, separator=/t|/s|C, quote=d|s|n, occurrence=f|l|a, aggregator=C")
    ("detail,V", po::bool_switch(), "print the packet detail tree")
    ("hex,x", po::bool_switch(), "print a hex and ASCII dump of each packet")
    ("jobs,j", po::value<unsigned>(), "archives processed at once (default: number of cores)")
    ("threads", po::value<unsigned>(), "dissection threads per archive (default: cores / jobs; with --merge: all cores)")
    ("merge", po::bool_switch(), "merge all archives by timestamp into one stream (as mergecap) instead of one output per archive")
    ("resume", po::value<std::string>(), "state file of finished archives: skip them, record each one as it finishes")
    ("progress-interval", po::value<double>()->default_value(2.0), "seconds between JSON progress lines when stderr is not a terminal (0: none)");
  return o;
}

po::options_description hidden_options() {
  po::options_description o;
  o.add_options()
    ("input", po::value<std::vector<std::string>>()->composing(), "archives or globs")
    ("worker-input", po::value<std::string>(), "")
    ("worker-rel", po::value<std::string>(), "")
    ("worker-output", po::value<std::string>(), "");
  return o;
}

void print_batch_help(std::ostream& os) {
  os << "Usage: strato batch 'DIR/**/*.pcapng.zst' [more globs or files] [options]\n\n"
        "Runs a filter, output or pipeline file over many archives, in parallel. Globs are quoted so\n"
        "strato expands them (`**` crosses directories); inputs are sorted and deduplicated.\n"
        "Progress goes to stderr (a bar on a terminal, JSON lines otherwise), then a summary.\n"
        "A damaged archive is named with its offset and skipped; the exit code is then 3.\n\n"
     << batch_options() << "\n";
}


// Per-file batches whose sinks print to standard output keep each archive's
// output in a temporary file until it can go out in input order.
bool prints_to_stdout(const PipelineSpec& spec) {
  for (auto& s : spec.sinks) {
    if (s.plugin == "pcapng") {
      auto it = s.options.find("file");
      if (it != s.options.end() && it->second == "-") return true;
      continue;
    }
    if (is_stdout(s.output)) return true;
  }
  return false;
}

struct Job {
  size_t index = 0;  // into the inputs to do
  pid_t pid = -1;
  int err_fd = -1;
  FILE* out = nullptr;  // captured stdout
  std::string pending;  // partial stderr line
  std::string first_error;
  uint64_t events = 0, matched = 0;
};

enum class Outcome { Pending, Ok, Failed, Interrupted };

struct FileResult {
  Outcome outcome = Outcome::Pending;
  FILE* out = nullptr;
  std::string error;
};

bool copy_out(FILE* from, FILE* to) {
  std::rewind(from);
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, from)) > 0)
    if (std::fwrite(buf, 1, n, to) != n) return false;
  return std::fflush(to) == 0;
}

class PerFileBatch {
 public:
  PerFileBatch(const po::variables_map& vm, std::vector<BatchInput> todo, BatchState* state, BatchCounters& c,
               BatchProgress& progress, bool ordered_stdout, unsigned jobs, unsigned threads)
      : vm_(vm), todo_(std::move(todo)), state_(state), c_(c), progress_(progress),
        ordered_stdout_(ordered_stdout), jobs_(jobs), threads_(threads), results_(todo_.size()) {}

  int run() {
    size_t next = 0;
    bool forwarded_stop = false;
    while (true) {
      if (g_stop_requested.load() && !forwarded_stop) {
        forwarded_stop = true;
        for (auto& j : running_) ::kill(j.pid, SIGINT);
      }
      bool stopping = g_stop_requested.load() || fatal_;
      while (!stopping && running_.size() < jobs_ && next < todo_.size()) spawn(next++);
      if (running_.empty()) break;
      std::vector<pollfd> fds;
      for (auto& j : running_) fds.push_back({j.err_fd, POLLIN, 0});
      int n = ::poll(fds.data(), fds.size(), 200);
      if (n < 0 && errno != EINTR) throw Error(std::string("batch: poll: ") + std::strerror(errno));
      if (n <= 0) continue;
      for (size_t i = fds.size(); i-- > 0;) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        if (!drain(running_[i])) {
          reap(running_[i]);
          running_.erase(running_.begin() + static_cast<long>(i));
        }
      }
      emit_ready();
    }
    emit_ready();
    for (auto& r : results_)
      if (r.out) std::fclose(r.out);
    if (fatal_) return 1;
    if (g_stop_requested.load() || c_.files_done.load() < todo_.size()) return kExitInterrupted;
    return c_.files_failed.load() ? kExitFailed : 0;
  }

  const std::vector<std::pair<std::string, std::string>>& failures() const { return failures_; }

 private:
  std::vector<std::string> worker_args(const BatchInput& in) const {
    std::vector<std::string> a = {"strato", "batch", "--worker-input", in.path, "--worker-rel", in.rel};
    if (vm_.count("write")) {
      bool can = !pcapng_compress_option().empty();
      a.push_back("--worker-output");
      a.push_back((fs::path(vm_["write"].as<std::string>()) / output_name(in.rel, can)).string());
    }
    auto pass = [&](const char* name, const char* flag) {
      if (vm_.count(name)) a.insert(a.end(), {flag, vm_[name].as<std::string>()});
    };
    pass("display-filter", "-Y");
    pass("pipeline", "--pipeline");
    if (!vm_["output-format"].defaulted()) pass("output-format", "-T");
    for (auto [name, flag] : {std::pair{"field", "-e"}, std::pair{"field-option", "-E"}})
      if (vm_.count(name))
        for (auto& v : vm_[name].as<std::vector<std::string>>()) a.insert(a.end(), {flag, v});
    if (vm_["detail"].as<bool>()) a.push_back("-V");
    if (vm_["hex"].as<bool>()) a.push_back("-x");
    a.insert(a.end(), {"--threads", std::to_string(threads_)});
    return a;
  }

  void spawn(size_t index) {
    const BatchInput& in = todo_[index];
    std::vector<std::string> args = worker_args(in);
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) throw Error(std::string("batch: pipe: ") + std::strerror(errno));
    Job j;
    j.index = index;
    if (ordered_stdout_) {
      j.out = std::tmpfile();
      if (!j.out) throw Error(std::string("batch: temporary file: ") + std::strerror(errno));
    }
    int out_fd = j.out ? ::fileno(j.out) : -1;
    std::fflush(stdout);
    pid_t pid = ::fork();
    if (pid < 0) throw Error(std::string("batch: fork: ") + std::strerror(errno));
    if (pid == 0) {
      // Only async-signal-safe calls until exec. Own process group: a
      // terminal's Ctrl-C reaches the parent, which stops the children itself
      // and so knows their output is incomplete.
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (out_fd >= 0) ::dup2(out_fd, 1);
      ::dup2(p[1], 2);
      ::execv("/proc/self/exe", argv.data());
      _exit(127);
    }
    ::close(p[1]);
    j.pid = pid;
    j.err_fd = p[0];
    running_.push_back(std::move(j));
  }

  void line(Job& j, const std::string& l) {
    if (!l.empty() && l[0] == kBatchControl) {
      unsigned long long a = 0, b = 0;
      if (std::sscanf(l.c_str() + 1, "strato-batch progress %llu", &a) == 1) {
        c_.events += a - std::min<uint64_t>(a, j.events);
        j.events = std::max<uint64_t>(a, j.events);
      } else if (std::sscanf(l.c_str() + 1, "strato-batch done %llu %llu", &a, &b) == 2) {
        c_.events += a - std::min<uint64_t>(a, j.events);
        j.events = std::max<uint64_t>(a, j.events);
        j.matched = b;
      }
      return;
    }
    if (j.first_error.empty()) {
      std::string e = l;
      for (const char* prefix : {"strato: ", "warning: "})
        if (e.rfind(prefix, 0) == 0) e.erase(0, std::strlen(prefix));
      j.first_error = e;
    }
    progress_.message(l);
  }

  // False at end of the child's stderr.
  bool drain(Job& j) {
    char buf[4096];
    ssize_t n = ::read(j.err_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return true;
    if (n <= 0) {
      if (!j.pending.empty()) line(j, j.pending);
      j.pending.clear();
      return false;
    }
    j.pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = j.pending.find('\n')) != std::string::npos) {
      line(j, j.pending.substr(0, nl));
      j.pending.erase(0, nl + 1);
    }
    return true;
  }

  void reap(Job& j) {
    ::close(j.err_fd);
    int status = 0;
    while (::waitpid(j.pid, &status, 0) < 0 && errno == EINTR) {
    }
    const BatchInput& in = todo_[j.index];
    FileResult& r = results_[j.index];
    r.out = j.out;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == kWorkerStopped || (g_stop_requested.load() && code != 0 && code != kWorkerDamaged)) {
      r.outcome = Outcome::Interrupted;
      return;
    }
    if (code == 1) {
      // A bad filter or pipeline fails every archive alike: stop the batch.
      fatal_ = true;
      for (auto& o : running_)
        if (o.pid != j.pid) ::kill(o.pid, SIGINT);
      r.outcome = Outcome::Interrupted;
      return;
    }
    c_.files_done++;
    c_.bytes_done += in.size;
    c_.matched += j.matched;
    if (code == 0) {
      r.outcome = Outcome::Ok;
      if (state_ && !ordered_stdout_) state_->mark_finished(in);
      return;
    }
    r.outcome = Outcome::Failed;
    c_.files_failed++;
    if (!WIFEXITED(status))
      r.error = in.path + ": worker killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
    else if (!j.first_error.empty())
      r.error = j.first_error;
    else
      r.error = in.path + ": failed (exit " + std::to_string(code) + ")";
    if (!WIFEXITED(status)) progress_.message("strato: " + r.error);
    failures_.emplace_back(in.path, r.error);
  }

  // Output goes out in input order; an interrupted archive ends it, so what
  // was printed and what the state file lists stay the same prefix.
  void emit_ready() {
    while (emitted_ < results_.size() && !blocked_) {
      FileResult& r = results_[emitted_];
      if (r.outcome == Outcome::Pending) return;
      if (r.outcome == Outcome::Interrupted) {
        blocked_ = true;
        return;
      }
      if (r.outcome == Outcome::Ok && ordered_stdout_) {
        if (!copy_out(r.out, stdout)) {
          if (errno == EPIPE) {
            fatal_pipe();
            return;
          }
          throw Error(std::string("standard output: write error: ") + std::strerror(errno));
        }
        if (state_) state_->mark_finished(todo_[emitted_]);
      }
      if (r.out) {
        std::fclose(r.out);
        r.out = nullptr;
      }
      ++emitted_;
    }
  }

  void fatal_pipe() {
    blocked_ = true;
    g_stop_requested.store(true);
  }

  const po::variables_map& vm_;
  std::vector<BatchInput> todo_;
  BatchState* state_;
  BatchCounters& c_;
  BatchProgress& progress_;
  bool ordered_stdout_;
  unsigned jobs_, threads_;
  std::vector<FileResult> results_;
  std::vector<Job> running_;
  std::vector<std::pair<std::string, std::string>> failures_;
  size_t emitted_ = 0;
  bool blocked_ = false, fatal_ = false;
};

int run_merged(const po::variables_map& vm, const std::vector<BatchInput>& inputs, BatchCounters& c,
               BatchProgress& progress, std::vector<std::pair<std::string, std::string>>& failures) {
  std::string write_to = vm.count("write") ? vm["write"].as<std::string>() : "";
  std::vector<std::pair<std::string, std::string>> renames;
  PipelineSpec spec = batch_spec(vm, "", write_to, write_to.empty() || write_to == "-" ? nullptr : &renames);
  auto& pm = PluginManager::instance();
  pm.load_all();
  pm.init_dissectors(spec.dissector_options);
  Engine engine(spec.engine);

  std::vector<MergeSource::Input> lanes;
  for (auto& in : inputs) lanes.push_back({in.path, pm.make_source("file", {{"path", in.path}})});
  auto on_done = [&](size_t i, bool ok, const std::string& msg) {
    c.files_done++;
    c.bytes_done += inputs[i].size;
    if (ok) return;
    c.files_failed++;
    failures.emplace_back(inputs[i].path, msg);
    progress.message("strato: " + msg);
  };
  engine.add_source(std::make_unique<MergeSource>(std::move(lanes), on_done, c.events));

  SinkOutputs outputs;
  outputs.add_all(engine, pm, spec.sinks);
  install_signal_handlers();
  EngineStats st;
  try {
    st = engine.run();
  } catch (...) {
    for (auto& r : renames) ::unlink(r.first.c_str());
    throw;
  }
  c.matched = st.passed;
  std::fflush(stdout);
  if (g_stop_requested.load()) {
    for (auto& r : renames) ::unlink(r.first.c_str());
    return kExitInterrupted;
  }
  for (auto& r : renames)
    if (std::rename(r.first.c_str(), r.second.c_str()) != 0)
      throw Error(r.second + ": cannot rename the finished file into place: " + std::strerror(errno));
  if (std::ferror(stdout) && errno != EPIPE) throw Error(std::string("standard output: write error: ") + std::strerror(errno));
  return c.files_failed.load() ? kExitFailed : 0;
}

}  // namespace

int batch_command(const std::vector<std::string>& args) {
  po::options_description visible = batch_options();
  po::options_description all;
  all.add(visible).add(hidden_options());
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args)
                  .options(all)
                  .positional(pos)
                  .style(po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw usage_error(std::string("batch: ") + e.what() + " (see strato batch --help)");
  }
  if (vm.count("help")) {
    print_batch_help(std::cout);
    return 0;
  }
  if (vm.count("worker-input")) return run_batch_worker(vm);
  if (!vm.count("input")) throw usage_error("batch: no archives given (see strato batch --help)");
  check_output_format("batch", vm["output-format"].as<std::string>());
  const bool merge = vm["merge"].as<bool>();
  if (merge && vm.count("resume"))
    throw usage_error("batch: --resume records archives one by one; with --merge there is one output for all of them");
  if (vm.count("pipeline") && (!vm["output-format"].defaulted() || vm.count("field")))
    throw usage_error("batch: --pipeline brings its own sinks; -T/-e do not apply");

  std::vector<BatchInput> inputs = expand_inputs(vm["input"].as<std::vector<std::string>>());
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  unsigned jobs = vm.count("jobs") ? vm["jobs"].as<unsigned>() : cores;
  if (jobs == 0) throw usage_error("batch: --jobs must be at least 1");
  jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<size_t>(1, inputs.size())));
  unsigned threads = vm.count("threads") ? vm["threads"].as<unsigned>() : std::max(1u, cores / jobs);

  // The whole pipeline is checked once here, so a mistake in it is one
  // usage error rather than one per archive.
  std::string write_to = vm.count("write") ? vm["write"].as<std::string>() : "";
  PipelineSpec probe = batch_spec(vm, merge ? "" : inputs.front().rel, merge ? write_to : (write_to.empty() ? "" : "x.pcapng"), nullptr);
  if (!merge && vm.count("pipeline") && inputs.size() > 1) {
    for (auto& s : load_pipeline_file(vm["pipeline"].as<std::string>()).sinks) {
      auto it = s.options.find("file");
      bool fixed = (!is_stdout(s.output) && s.output.find("{input}") == std::string::npos) ||
                   (s.plugin == "pcapng" && it != s.options.end() && it->second != "-" &&
                    it->second.find("{input}") == std::string::npos);
      if (fixed)
        throw usage_error("batch: " + vm["pipeline"].as<std::string>() + ": sink '" + s.id +
                          "' writes one fixed file that every archive would overwrite: put {input} in its name, or use --merge");
    }
  }
  if (!write_to.empty() && !merge) fs::create_directories(write_to);
  if (pcapng_compress_option().empty()) {
    bool wants = !compression_of(write_to).empty();
    if (!merge && !write_to.empty())
      for (auto& in : inputs) wants = wants || !compression_of(in.rel).empty();
    if (wants) std::cerr << "strato batch: note: this build's pcapng writer cannot compress; writing plain .pcapng\n";
  }

  std::optional<BatchState> state;
  if (vm.count("resume")) state.emplace(vm["resume"].as<std::string>());
  BatchCounters c;
  std::vector<BatchInput> todo;
  for (auto& in : inputs) {
    if (state && state->finished(in)) {
      c.files_skipped++;
      continue;
    }
    todo.push_back(in);
    c.bytes_total += in.size;
  }
  c.files_total = todo.size();

  bool tty = ::isatty(2);
  BatchProgress progress(c, tty, vm["progress-interval"].as<double>());
  std::vector<std::pair<std::string, std::string>> failures;
  install_signal_handlers();
  progress.start();
  int code;
  try {
    if (merge) {
      code = run_merged(vm, todo, c, progress, failures);
    } else {
      PerFileBatch batch(vm, todo, state ? &*state : nullptr, c, progress, prints_to_stdout(probe), jobs, threads);
      code = batch.run();
      failures = batch.failures();
    }
  } catch (...) {
    progress.stop();
    throw;
  }
  progress.stop();
  if (!tty && vm["progress-interval"].as<double>() > 0) progress.message(progress.json());
  progress.summary();
  for (auto& f : failures) progress.message("  failed: " + f.second);
  if (code == kExitInterrupted)
    progress.message(std::string("strato batch: interrupted") +
                     (state ? "; rerun with the same --resume file to finish" : ""));
  return code;
}

}  // namespace strato::cli
