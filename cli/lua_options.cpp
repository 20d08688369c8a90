#include "lua_options.h"

namespace strato::cli {

// Filled in by the Lua dissector work (issue 4).
void add_lua_options(boost::program_options::options_description&) {}
void apply_lua_options(const boost::program_options::variables_map&, PluginManager::DissectorOptions&) {}

}  // namespace strato::cli
