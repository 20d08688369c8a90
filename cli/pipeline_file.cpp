// Pipeline files (YAML), wired by name like Vector's: every component has a
// name and lists its inputs; the graph follows from that.
//
//   sources:  { NAME: { plugin: file, path: x.pcapng, ... } }
//   filters:  { NAME: { inputs: [A, ...], filter: 'display filter' } }
//   sinks:    { NAME: { inputs: [A, ...], plugin: json, output: FILE, ... } }
//   engine:   { threads: 0, batch_size: 512, count: 0, filter: '...' }
//   lua:      [ dissector.lua, { script: other.lua, args: [a, b] } ]   (Wireshark Lua dissectors;
//             paths relative to the pipeline file)
//   lua-unsafe: true                                                   (io, os.execute, C modules)
//   prefs:    { proto.pref: value }                                    (as tshark's -o)
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <set>

#include "commands.h"
#include "pipeline_spec.h"
#include "strato/error.h"
#include "strato/plugin_manager.h"

namespace strato::cli {

namespace {

struct Loader {
  std::string file;

  [[noreturn]] void fail(const YAML::Node& at, const std::string& msg) const {
    std::string where = file;
    if (at.IsDefined() && at.Mark().line >= 0) where += ":" + std::to_string(at.Mark().line + 1);
    throw usage_error(where + ": " + msg);
  }

  std::string scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) fail(n, what + " must be a single value");
    return n.as<std::string>();
  }

  std::vector<std::string> scalars(const YAML::Node& n, const std::string& what) const {
    std::vector<std::string> v;
    if (n.IsScalar()) {
      v.push_back(n.as<std::string>());
    } else if (n.IsSequence()) {
      for (auto x : n) v.push_back(scalar(x, what));
    } else {
      fail(n, what + " must be a value or a list of values");
    }
    return v;
  }

  // Checks `key` against the plugin's declared options.
  void check_option(const YAML::Node& key_node, const std::string& component, const LoadedPlugin& p,
                    const std::string& key) const {
    std::string known;
    for (uint32_t i = 0; i < p.desc->option_count; ++i) {
      if (key == p.desc->options[i].name) return;
      known += (known.empty() ? "" : ", ") + std::string(p.desc->options[i].name);
    }
    fail(key_node, component + ": unknown option '" + key + "' for plugin '" + p.desc->name + "'" +
                       (known.empty() ? " (it takes none)" : " (known: " + known + ")"));
  }
};

// The Lua dissector keys: options of the "lua" dissector plugin.
void load_lua_section(const Loader& L, const std::string& section, const YAML::Node& body,
                      std::multimap<std::string, std::string>& lua) {
  if (section == "lua-unsafe") {
    bool on = false;
    try {
      on = body.as<bool>();
    } catch (const YAML::BadConversion&) {
      L.fail(body, "lua-unsafe must be true or false");
    }
    if (on) lua.emplace("unsafe", "true");
    return;
  }
  if (section == "prefs") {
    if (!body.IsMap()) L.fail(body, "prefs must be a mapping of proto.pref: value");
    for (auto e : body) {
      std::string k = L.scalar(e.first, "prefs: name");
      if (k.find('.') == std::string::npos) L.fail(e.first, "prefs: '" + k + "' is not proto.pref");
      lua.emplace("pref", k + ":" + L.scalar(e.second, "prefs: " + k));
    }
    return;
  }
  // Script paths are relative to the pipeline file.
  auto path_of = [&](const YAML::Node& n) {
    std::filesystem::path p = L.scalar(n, "lua: script");
    if (p.is_relative()) p = std::filesystem::path(L.file).parent_path() / p;
    if (!std::filesystem::exists(p)) L.fail(n, "lua: script '" + p.string() + "' not found");
    return p.string();
  };
  std::vector<YAML::Node> list;
  if (body.IsSequence())
    for (auto item : body) list.push_back(item);
  else
    list.push_back(body);
  size_t n = static_cast<size_t>(lua.count("script"));
  for (const YAML::Node& item : list) {
    if (item.IsScalar()) {
      lua.emplace("script", path_of(item));
      ++n;
      continue;
    }
    if (!item.IsMap()) L.fail(item, "lua: each entry is a script path or {script: FILE, args: [...]}");
    if (!item["script"]) L.fail(item, "lua: entry without 'script'");
    for (auto e : item) {
      std::string k = e.first.as<std::string>();
      if (k != "script" && k != "args") L.fail(e.first, "lua: unknown key '" + k + "' (known: script, args)");
    }
    lua.emplace("script", path_of(item["script"]));
    ++n;
    if (item["args"])
      for (const std::string& a : L.scalars(item["args"], "lua: args")) lua.emplace("arg", std::to_string(n) + ":" + a);
  }
}

}  // namespace

PipelineSpec load_pipeline_file(const std::string& path) {
  Loader L{path};
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw Error(path + ": cannot open pipeline file");
  } catch (const YAML::ParserException& e) {
    throw usage_error(path + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) throw usage_error(path + ": a pipeline file is a mapping with sources, filters and sinks");

  auto& pm = PluginManager::instance();
  pm.load_all();
  PipelineSpec spec;
  std::set<std::string> source_names;
  std::map<std::string, std::pair<std::vector<std::string>, std::string>> filters;  // name -> inputs, expr
  std::map<std::string, YAML::Node> filter_nodes;

  for (auto kv : root) {
    std::string section = kv.first.as<std::string>();
    const YAML::Node& body = kv.second;
    if (section == "engine") {
      if (!body.IsMap()) L.fail(body, "engine must be a mapping");
      for (auto e : body) {
        std::string k = e.first.as<std::string>();
        try {
          if (k == "threads") spec.engine.threads = e.second.as<unsigned>();
          else if (k == "batch_size") spec.engine.batch_size = e.second.as<size_t>();
          else if (k == "count") spec.engine.max_events = e.second.as<uint64_t>();
          else if (k == "filter") spec.engine.display_filter = e.second.as<std::string>();
          else L.fail(e.first, "engine: unknown key '" + k + "' (known: threads, batch_size, count, filter)");
        } catch (const YAML::BadConversion&) {
          L.fail(e.second, "engine: bad value for '" + k + "'");
        }
      }
      continue;
    }
    if (section == "lua" || section == "lua-unsafe" || section == "prefs") {
      load_lua_section(L, section, body, spec.dissector_options["lua"]);
      continue;
    }
    if (section != "sources" && section != "filters" && section != "sinks")
      L.fail(kv.first, "unknown key '" + section + "' (known: sources, filters, sinks, engine, lua, lua-unsafe, prefs)");
    if (!body.IsMap()) L.fail(body, section + " must be a mapping of NAME: {...}");
    for (auto comp : body) {
      std::string name = comp.first.as<std::string>();
      const YAML::Node& c = comp.second;
      std::string what = section.substr(0, section.size() - 1) + " '" + name + "'";
      if (!c.IsMap()) L.fail(c, what + " must be a mapping");
      if (source_names.count(name) || filters.count(name))
        L.fail(comp.first, what + ": the name is already used");
      if (section == "filters") {
        std::vector<std::string> inputs;
        std::string expr;
        for (auto e : c) {
          std::string k = e.first.as<std::string>();
          if (k == "inputs") inputs = L.scalars(e.second, what + ": inputs");
          else if (k == "filter") expr = L.scalar(e.second, what + ": filter");
          else L.fail(e.first, what + ": unknown key '" + k + "' (known: inputs, filter)");
        }
        if (inputs.empty()) L.fail(comp.first, what + ": no inputs");
        if (expr.empty()) L.fail(comp.first, what + ": no filter");
        filters[name] = {inputs, expr};
        filter_nodes[name] = comp.first;
        continue;
      }
      ComponentSpec cs;
      cs.id = name;
      if (!c["plugin"]) L.fail(comp.first, what + ": no plugin given");
      cs.plugin = L.scalar(c["plugin"], what + ": plugin");
      PluginKind kind = section == "sources" ? PluginKind::Source : PluginKind::Sink;
      const LoadedPlugin* p = pm.find(kind, cs.plugin);
      if (!p) L.fail(c["plugin"], what + ": unknown " + std::string(to_string(kind)) + " plugin '" + cs.plugin + "'");
      std::vector<std::string> inputs;
      for (auto e : c) {
        std::string k = e.first.as<std::string>();
        if (k == "plugin") continue;
        if (kind == PluginKind::Sink && k == "inputs") {
          inputs = L.scalars(e.second, what + ": inputs");
          continue;
        }
        if (kind == PluginKind::Sink && k == "output") {
          cs.output = L.scalar(e.second, what + ": output");
          continue;
        }
        L.check_option(e.first, what, *p, k);
        for (auto& v : L.scalars(e.second, what + ": " + k)) cs.options.emplace(k, v);
      }
      if (kind == PluginKind::Source) {
        source_names.insert(name);
        spec.sources.push_back(cs);
      } else {
        if (inputs.empty()) L.fail(comp.first, what + ": no inputs");
        cs.filter = "";
        // Inputs are resolved once every section is read.
        cs.options.emplace("\x01inputs", [&] {
          std::string s;
          for (auto& i : inputs) s += i + "\n";
          return s;
        }());
        spec.sinks.push_back(cs);
      }
    }
  }
  if (spec.sources.empty()) throw usage_error(path + ": no sources");
  if (spec.sinks.empty()) throw usage_error(path + ": no sinks");

  // A sink's filter is the OR over its inputs of the AND along each path.
  std::function<std::string(const std::string&, const std::string&, std::set<std::string>&)> expr_of =
      [&](const std::string& input, const std::string& user, std::set<std::string>& seen) -> std::string {
    if (source_names.count(input)) return "";
    auto it = filters.find(input);
    if (it == filters.end()) throw usage_error(path + ": " + user + ": unknown input '" + input + "'");
    if (!seen.insert(input).second) throw usage_error(path + ": filter '" + input + "' is part of a cycle");
    std::string own = "(" + it->second.second + ")";
    std::vector<std::string> ups;
    bool unconditional = false;
    for (auto& up : it->second.first) {
      std::string e = expr_of(up, "filter '" + input + "'", seen);
      if (e.empty()) unconditional = true;
      else ups.push_back(e);
    }
    seen.erase(input);
    if (unconditional || ups.empty()) return own;
    std::string any;
    for (auto& u : ups) any += (any.empty() ? "" : " || ") + u;
    return "(" + own + " && (" + any + "))";
  };
  for (auto& s : spec.sinks) {
    auto it = s.options.find("\x01inputs");
    std::string list = it->second;
    s.options.erase(it);
    std::vector<std::string> parts;
    bool unconditional = false;
    size_t pos = 0, nl;
    while ((nl = list.find('\n', pos)) != std::string::npos) {
      std::set<std::string> seen;
      std::string e = expr_of(list.substr(pos, nl - pos), "sink '" + s.id + "'", seen);
      if (e.empty()) unconditional = true;
      else parts.push_back(e);
      pos = nl + 1;
    }
    if (!unconditional)
      for (auto& p : parts) s.filter += (s.filter.empty() ? "" : " || ") + p;
  }
  return spec;
}

int run_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "Usage: strato run PIPELINE.yaml\n\n"
                 "Runs a pipeline file: sources, filters and sinks wired by name. Example:\n\n"
                 "  sources:\n    capture: { plugin: file, path: capture.pcapng }\n"
                 "  filters:\n    errors: { inputs: [capture], filter: 'http.response.code >= 500' }\n"
                 "  sinks:\n    out: { inputs: [errors], plugin: json, format: ndjson, output: errors.ndjson }\n\n"
                 "`output` sends a sink's text to a file; see `strato plugins` for each plugin's options.\n";
    return args.empty() ? 1 : 0;
  }
  if (args.size() > 1) throw usage_error("run: one pipeline file expected, got " + std::to_string(args.size()) + " arguments");
  return run_pipeline(load_pipeline_file(args[0]));
}

}  // namespace strato::cli
