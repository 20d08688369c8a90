#include <cstdlib>

#include "strato/error.h"
#include "strato/plugin.h"

namespace strato {

const char* to_string(PluginKind k) {
  switch (k) {
    case PluginKind::Source: return "source";
    case PluginKind::Dissector: return "dissector";
    case PluginKind::Sink: return "sink";
  }
  return "unknown";
}

namespace {

bool parse_int(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 0);
  if (errno || *end) return false;
  out = v;
  return true;
}

bool parse_bool(const std::string& s, bool& out) {
  if (s == "true" || s == "1" || s == "yes" || s == "y" || s == "on" || s == "TRUE") return out = true, true;
  if (s == "false" || s == "0" || s == "no" || s == "n" || s == "off" || s == "FALSE") return out = false, true;
  return false;
}

void check_type(const std::string& owner, const OptionSpec& spec, const std::string& v) {
  std::string t = spec.type ? spec.type : "string";
  int64_t i;
  bool b;
  if ((t == "integer" || t == "long") && !parse_int(v, i))
    throw usage_error(owner + ": option '" + spec.name + "' wants an integer, got '" + v + "'");
  if (t == "unsigned" && (!parse_int(v, i) || i < 0))
    throw usage_error(owner + ": option '" + spec.name + "' wants an unsigned integer, got '" + v + "'");
  if (t == "double") {
    char* end = nullptr;
    std::strtod(v.c_str(), &end);
    if (v.empty() || *end) throw usage_error(owner + ": option '" + spec.name + "' wants a number, got '" + v + "'");
  }
  if ((t == "boolean" || t == "booleanflag") && !parse_bool(v, b))
    throw usage_error(owner + ": option '" + spec.name + "' wants true or false, got '" + v + "'");
}

}  // namespace

Options::Options(const std::string& owner, const std::vector<OptionSpec>& specs,
                 const std::multimap<std::string, std::string>& given) {
  for (auto& [k, v] : given) {
    const OptionSpec* spec = nullptr;
    for (auto& s : specs)
      if (k == s.name) spec = &s;
    if (!spec) {
      std::string known;
      for (auto& s : specs) known += (known.empty() ? "" : ", ") + std::string(s.name);
      throw usage_error(owner + ": unknown option '" + k + "'" + (known.empty() ? " (it takes none)" : " (known: " + known + ")"));
    }
    check_type(owner, *spec, v);
    auto& slot = values_[k];
    if (!slot.empty() && !spec->multi) slot.clear();  // the last one wins
    slot.push_back(v);
  }
  for (auto& s : specs) {
    if (values_.count(s.name)) continue;
    if (s.required) throw usage_error(owner + ": option '" + s.name + "' is required");
    if (s.default_value) values_[s.name] = {s.default_value};
  }
}

const std::string& Options::str(const std::string& name) const {
  static const std::string empty;
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? empty : it->second.back();
}

std::vector<std::string> Options::list(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

int64_t Options::integer(const std::string& name) const {
  int64_t v = 0;
  parse_int(str(name), v);
  return v;
}

double Options::number(const std::string& name) const { return std::strtod(str(name).c_str(), nullptr); }

bool Options::boolean(const std::string& name) const {
  bool b = false;
  parse_bool(str(name), b);
  return b;
}

}  // namespace strato
