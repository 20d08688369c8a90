#pragma once
// The plugin ABI. Every plugin shared object (built-ins included) exports one
// symbol, `strato_plugin_descriptor`, a PluginDescriptor found with Boost.DLL.
// The descriptor alone describes the plugin (name, kind, options), so
// `strato plugins` and `--help` need not instantiate anything.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace strato {

inline constexpr uint32_t kPluginAbiVersion = 1;

enum class PluginKind : uint32_t { Source = 1, Dissector = 2, Sink = 3 };
const char* to_string(PluginKind k);

// One option, declared once: parses, validates and documents it (Fluent
// Bit's config_map). Types follow extcap's: string, integer, unsigned,
// double, boolean, selector, fileselect.
struct OptionSpec {
  const char* name;
  const char* type;
  const char* default_value;  // nullptr: no default
  const char* help;
  bool required = false;
  bool multi = false;         // may be given several times (values joined by '\n')
};

// Validated option values of one plugin instance.
class Options {
 public:
  Options() = default;
  // Throws a usage error naming `owner` and the option when a name is
  // unknown, a value does not fit its type, or a required one is missing.
  Options(const std::string& owner, const std::vector<OptionSpec>& specs,
          const std::multimap<std::string, std::string>& given);

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const std::string& str(const std::string& name) const;  // "" when absent
  std::vector<std::string> list(const std::string& name) const;
  int64_t integer(const std::string& name) const;
  double number(const std::string& name) const;
  bool boolean(const std::string& name) const;
  void set(const std::string& name, const std::string& v) { values_[name] = {v}; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

class Plugin {
 public:
  virtual ~Plugin() = default;
};

struct PluginDescriptor {
  uint32_t abi_version;
  PluginKind kind;
  const char* name;
  const char* description;
  const OptionSpec* options;
  uint32_t option_count;
  // Returns a Source, Dissector or Sink according to `kind`.
  std::unique_ptr<Plugin> (*create)(const Options& opts);
};

}  // namespace strato

// Declares a plugin's descriptor. Use once per plugin shared object:
//   STRATO_PLUGIN(strato::PluginKind::Dissector, "ip", "IPv4", kOptions, create_ip);
#define STRATO_PLUGIN(KIND, NAME, DESC, OPTIONS_ARRAY, CREATE_FN)                                   \
  extern "C" __attribute__((visibility("default"))) const ::strato::PluginDescriptor                \
      strato_plugin_descriptor = {::strato::kPluginAbiVersion, KIND, NAME, DESC, OPTIONS_ARRAY,      \
                                  static_cast<uint32_t>(sizeof(OPTIONS_ARRAY) / sizeof(OPTIONS_ARRAY[0])), \
                                  CREATE_FN};
// For plugins without options.
#define STRATO_PLUGIN_NO_OPTIONS(KIND, NAME, DESC, CREATE_FN)                                   \
  extern "C" __attribute__((visibility("default"))) const ::strato::PluginDescriptor            \
      strato_plugin_descriptor = {::strato::kPluginAbiVersion, KIND, NAME, DESC, nullptr, 0, CREATE_FN};
