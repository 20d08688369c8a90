#include "script_options.h"

namespace strato::cli {

// Filled in by the Lua scripts work (issue 4).
void add_script_options(boost::program_options::options_description&) {}
void apply_script_options(const boost::program_options::variables_map&, std::vector<ComponentSpec>&) {}

}  // namespace strato::cli
