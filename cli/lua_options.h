#pragma once
// Lua dissector flags shared by `read` and `capture`, as tshark spells them:
// -X lua_script:FILE, -X lua_scriptN:ARG, --lua FILE, --lua-unsafe,
// -o proto.pref:value. They become options of the "lua" dissector plugin.
#include <boost/program_options.hpp>

#include "strato/plugin_manager.h"

namespace strato::cli {

void add_lua_options(boost::program_options::options_description& o);
// Fills options["lua"] (nothing when no Lua flag was given).
void apply_lua_options(const boost::program_options::variables_map& vm, PluginManager::DissectorOptions& options);

}  // namespace strato::cli
