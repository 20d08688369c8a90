#pragma once
// dumpcap's ring buffer (-b KEY:NUM) and --compress for -w, shared by `read`
// and `capture`; they become options of the "pcapng" sink (ring, compress),
// which validates the values.
#include <boost/program_options.hpp>
#include <map>
#include <string>

namespace strato::cli {

void add_ring_options(boost::program_options::options_description& o);
// Adds the options given to `sink_opts` (the pcapng sink's); -b or
// --compress without -w, and -b with -w -, are usage errors of `cmd`.
void apply_ring_options(const std::string& cmd, const boost::program_options::variables_map& vm,
                        std::multimap<std::string, std::string>& sink_opts);

}  // namespace strato::cli
