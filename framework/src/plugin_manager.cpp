#include "strato/plugin_manager.h"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdio>
#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "strato/dissector.h"
#include "strato/error.h"
#include "strato/sink.h"
#include "strato/source.h"

namespace fs = std::filesystem;

namespace strato {

PluginManager::PluginManager() = default;
PluginManager::~PluginManager() = default;

PluginManager& PluginManager::instance() {
  static PluginManager pm;
  return pm;
}

namespace {

std::vector<std::string> plugin_dirs() {
  std::vector<std::string> dirs;
  boost::system::error_code ec;
  fs::path exe = boost::dll::program_location(ec).string();
  if (!ec) {
    fs::path here = exe.parent_path();
    for (fs::path p : {here / "plugins", here.parent_path() / "plugins", here.parent_path() / "lib/strato/plugins"})
      if (fs::is_directory(p)) {
        dirs.push_back(p.string());
        break;
      }
  }
  if (const char* extra = std::getenv("STRATO_PLUGIN_PATH")) {
    std::string s = extra;
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t colon = s.find(':', pos);
      if (colon == std::string::npos) colon = s.size();
      if (colon > pos) dirs.push_back(s.substr(pos, colon - pos));
      pos = colon + 1;
    }
  }
  return dirs;
}

}  // namespace

void PluginManager::load_all() {
  if (!plugins_.empty()) return;
  for (const auto& dir : plugin_dirs()) {
    std::error_code ec;
    std::vector<std::string> files;
    for (auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".so") files.push_back(e.path().string());
    if (ec) {
      errors_.push_back(dir + ": cannot list plugin directory: " + ec.message());
      continue;
    }
    std::sort(files.begin(), files.end());
    for (auto& f : files) load_file(f);
  }
  for (auto& e : errors_) std::fprintf(stderr, "strato: plugin: %s\n", e.c_str());
}

void PluginManager::load_file(const std::string& path) {
  auto lib = std::make_shared<boost::dll::shared_library>();
  boost::system::error_code ec;
  lib->load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec) {
    const char* why = dlerror();
    errors_.push_back(path + ": cannot load: " + (why ? why : ec.message()));
    return;
  }
  if (!lib->has("strato_plugin_descriptor")) {
    errors_.push_back(path + ": not a strato plugin (no strato_plugin_descriptor symbol)");
    return;
  }
  const auto& desc = lib->get<const PluginDescriptor>("strato_plugin_descriptor");
  if (desc.abi_version != kPluginAbiVersion) {
    errors_.push_back(path + ": plugin ABI version " + std::to_string(desc.abi_version) + ", this strato needs " +
                      std::to_string(kPluginAbiVersion));
    return;
  }
  if (find(desc.kind, desc.name)) {
    errors_.push_back(path + ": a " + std::string(to_string(desc.kind)) + " plugin named '" + desc.name +
                      "' is already loaded; ignoring this one");
    return;
  }
  plugins_.push_back({path, &desc});
  libs_.push_back(lib);
}

const LoadedPlugin* PluginManager::find(PluginKind kind, const std::string& name) const {
  for (auto& p : plugins_)
    if (p.desc->kind == kind && name == p.desc->name) return &p;
  return nullptr;
}

namespace {
template <class T>
std::unique_ptr<T> instantiate(const PluginManager& pm, PluginKind kind, const std::string& name,
                               const std::multimap<std::string, std::string>& given) {
  const LoadedPlugin* p = pm.find(kind, name);
  if (!p) {
    std::string known;
    for (auto& q : pm.plugins())
      if (q.desc->kind == kind) known += (known.empty() ? "" : ", ") + std::string(q.desc->name);
    throw usage_error("unknown " + std::string(to_string(kind)) + " plugin '" + name + "' (loaded: " +
                      (known.empty() ? "none" : known) + ")");
  }
  std::vector<OptionSpec> specs(p->desc->options, p->desc->options + p->desc->option_count);
  Options opts(std::string(to_string(kind)) + " '" + name + "'", specs, given);
  std::unique_ptr<Plugin> obj = p->desc->create(opts);
  return std::unique_ptr<T>(static_cast<T*>(obj.release()));
}
}  // namespace

void PluginManager::init_dissectors(const DissectorOptions& options) {
  if (dissectors_ready_) return;
  for (auto& [name, opts] : options)
    if (!find(PluginKind::Dissector, name)) instantiate<Dissector>(*this, PluginKind::Dissector, name, opts);
  dissectors_ready_ = true;
  auto& tables = DissectorTables::instance();
  std::vector<Dissector*> made;
  for (auto& p : plugins_) {
    if (p.desc->kind != PluginKind::Dissector) continue;
    auto it = options.find(p.desc->name);
    static const std::multimap<std::string, std::string> kNone;
    dissectors_.push_back(
        instantiate<Dissector>(*this, PluginKind::Dissector, p.desc->name, it == options.end() ? kNone : it->second));
    made.push_back(dissectors_.back().get());
  }
  // Later orders register later: their hand-offs override earlier ones, as a
  // Wireshark Lua script's DissectorTable:add replaces a built-in entry.
  std::stable_sort(made.begin(), made.end(),
                   [](const Dissector* a, const Dissector* b) { return a->registration_order() < b->registration_order(); });
  for (Dissector* d : made) tables.add_dissector(d);
  tables.finish();
}

std::unique_ptr<Source> PluginManager::make_source(const std::string& name,
                                                   const std::multimap<std::string, std::string>& opts) const {
  return instantiate<Source>(*this, PluginKind::Source, name, opts);
}

std::unique_ptr<Sink> PluginManager::make_sink(const std::string& name,
                                               const std::multimap<std::string, std::string>& opts) const {
  return instantiate<Sink>(*this, PluginKind::Sink, name, opts);
}

}  // namespace strato
