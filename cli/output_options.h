#pragma once
// What `read` and `capture` share: parsing tshark-style flags, and turning
// -T/-e/-E/-V/-x/-P into the sink that prints events.
#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "pipeline_spec.h"

namespace strato::cli {

// Parses `args` for command `cmd`; a bad flag is a usage error naming it.
boost::program_options::variables_map parse_flags(const std::string& cmd, const std::vector<std::string>& args,
                                                  const boost::program_options::options_description& desc);

// Throws a usage error unless -T names a known output format.
void check_output_format(const std::string& cmd, const std::string& format);

// The printing sink for -T FORMAT with -e/-E (fields, json) and -V/-x/-P
// (text, when the command has those flags).
ComponentSpec output_sink(const std::string& cmd, const boost::program_options::variables_map& vm);

}  // namespace strato::cli
