#pragma once
// Lua scripts over events (sysdig chisels): --script FILE, --script-arg k=v,
// shared by `read` and `capture`. They add a "lua-script" sink.
#include <boost/program_options.hpp>
#include <vector>

#include "pipeline_spec.h"

namespace strato::cli {

void add_script_options(boost::program_options::options_description& o);
// Appends the sink when --script was given.
void apply_script_options(const boost::program_options::variables_map& vm, std::vector<ComponentSpec>& sinks);

}  // namespace strato::cli
