#pragma once
// One archive of a per-file batch, run in a child process (`strato batch
// --worker-input FILE ...`): a damaged archive, a crash or a runaway Lua
// script then costs that archive only, and its warnings are its own.
//
// The child reports to the parent on stderr with lines starting "\x1e"
// (record separator), everything else being messages for the user:
//   \x1estrato-batch progress EVENTS
//   \x1estrato-batch done EVENTS MATCHED
// Exit codes: 0 done, 2 input error, 3 archive damaged (read up to the
// damage), 1 usage error (bad filter: every archive would fail), 130 stopped.
#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "pipeline_spec.h"

namespace strato::cli {

constexpr char kBatchControl = '\x1e';
constexpr int kWorkerDamaged = 3;
constexpr int kWorkerStopped = 130;

// The pipeline a batch runs over one input (per-file mode) or over the
// merged inputs: -Y, -T/-e/-E/-V/-x, -w, or --pipeline with its sources
// dropped. `rel` names the input in the {input} placeholder of a pipeline's
// sink files; `write_to` replaces -w's path. Files written for an input go
// to temporary names first, listed in `renames` (temporary, final).
PipelineSpec batch_spec(const boost::program_options::variables_map& vm, const std::string& rel,
                        const std::string& write_to, std::vector<std::pair<std::string, std::string>>* renames);

// Whether the pcapng sink can compress (the option's name), "" if not.
std::string pcapng_compress_option();

int run_batch_worker(const boost::program_options::variables_map& vm);

}  // namespace strato::cli
