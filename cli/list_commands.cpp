// `strato fields`, `strato plugins`, `strato interfaces`: everything is
// described from plugin descriptors and the field registry alone.
#include <iostream>

#include "commands.h"
#include "lua_options.h"
#include "strato/dissector.h"
#include "strato/error.h"
#include "strato/plugin_manager.h"
#include "strato/source.h"

namespace strato::cli {

namespace {

// Wireshark's width suffix of an integer type: FT_UINT8 ... FT_UINT64.
std::string sized(const char* prefix, uint8_t bits) {
  unsigned w = bits <= 8 ? 8 : bits <= 16 ? 16 : bits <= 24 ? 24 : bits <= 32 ? 32 : bits <= 40 ? 40 : bits <= 48 ? 48 : bits <= 56 ? 56 : 64;
  return prefix + std::to_string(w);
}

std::string ft_name(const FieldInfo& f) {
  if (!f.ws_ftype.empty()) return f.ws_ftype;
  switch (f.type) {
    case FieldType::Protocol: return "FT_PROTOCOL";
    case FieldType::Boolean: return "FT_BOOLEAN";
    case FieldType::UInt: return sized("FT_UINT", f.bits);
    case FieldType::Int: return sized("FT_INT", f.bits);
    case FieldType::Double: return "FT_DOUBLE";
    case FieldType::String: return "FT_STRING";
    case FieldType::Bytes: return "FT_BYTES";
    case FieldType::IPv4: return "FT_IPv4";
    case FieldType::IPv6: return "FT_IPv6";
    case FieldType::Ether: return "FT_ETHER";
    case FieldType::AbsTime: return "FT_ABSOLUTE_TIME";
    case FieldType::RelTime: return "FT_RELATIVE_TIME";
    case FieldType::FrameNum: return "FT_FRAMENUM";
    case FieldType::Label: return "FT_NONE";
  }
  return "FT_NONE";
}

// tshark -G fields' base column: the display base of integers, the parent
// width of booleans (0 without a bitmask), nothing for other types.
std::string base_column(const FieldInfo& f) {
  switch (f.type) {
    case FieldType::Boolean:
      return std::to_string(f.bitmask ? unsigned(f.bits) : 0u);
    case FieldType::UInt:
    case FieldType::Int:
      switch (f.base) {
        case Base::Hex: return "BASE_HEX";
        case Base::DecHex: return "BASE_DEC_HEX";
        case Base::HexDec: return "BASE_HEX_DEC";
        case Base::Oct: return "BASE_OCT";
        default: return "BASE_DEC";
      }
    default:
      return "";
  }
}

void load(const PluginManager::DissectorOptions& options = {}) {
  auto& pm = PluginManager::instance();
  pm.load_all();
  pm.init_dissectors(options);
}

void print_options(std::ostream& os, const PluginDescriptor& d, const char* indent) {
  for (uint32_t i = 0; i < d.option_count; ++i) {
    const OptionSpec& o = d.options[i];
    os << indent << o.name << " (" << (o.type ? o.type : "string") << (o.multi ? ", repeatable" : "")
       << (o.required ? ", required" : "") << ")";
    if (o.default_value) os << " [default: " << o.default_value << "]";
    os << "  " << (o.help ? o.help : "") << "\n";
  }
}

}  // namespace

int fields_command(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "Usage: strato fields [PREFIX]\n\nLists protocols (P) and fields (F) like tshark -G fields:\n"
                 "P<TAB>name<TAB>abbrev\nF<TAB>name<TAB>abbrev<TAB>type<TAB>protocol<TAB>base<TAB>bitmask<TAB>description\n";
    return 0;
  }
  // Lua dissector flags (-X lua_script:FILE, --lua) add the scripts' fields, as tshark -G fields.
  namespace po = boost::program_options;
  po::options_description o;
  o.add_options()("prefix", po::value<std::string>());
  add_lua_options(o);
  po::positional_options_description pos;
  pos.add("prefix", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(o).positional(pos).run(), vm);
  } catch (const po::error& e) {
    throw usage_error(std::string("fields: ") + e.what());
  }
  PluginManager::DissectorOptions dissector_options;
  apply_lua_options(vm, dissector_options);
  load(dissector_options);
  std::string prefix = vm.count("prefix") ? vm["prefix"].as<std::string>() : "";
  auto& reg = FieldRegistry::instance();
  for (const FieldInfo& f : reg.all()) {
    if (!prefix.empty() && f.abbrev.rfind(prefix, 0) != 0) continue;
    // A protocol item declared as a field (Lua's ProtoField.protocol, which
    // names its Wireshark type) is listed as one.
    if (f.type == FieldType::Protocol && f.ws_ftype.empty()) {
      std::cout << "P\t" << f.name << "\t" << f.abbrev << "\n";
    } else {
      std::string proto = f.protocol == kNoField ? "" : reg.info(f.protocol).abbrev;
      char mask[24];
      std::snprintf(mask, sizeof mask, "0x%llx", static_cast<unsigned long long>(f.bitmask));
      std::cout << "F\t" << f.name << "\t" << f.abbrev << "\t" << ft_name(f) << "\t" << proto << "\t"
                << base_column(f) << "\t" << mask << "\t" << f.description << "\n";
    }
  }
  return 0;
}

int plugins_command(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "Usage: strato plugins\n\nLists every loaded plugin (kind, name, file, description, options).\n"
                 "Plugins are found in plugins/ beside the binary and in STRATO_PLUGIN_PATH (':'-separated).\n";
    return 0;
  }
  auto& pm = PluginManager::instance();
  pm.load_all();
  for (PluginKind kind : {PluginKind::Source, PluginKind::Dissector, PluginKind::Sink}) {
    for (auto& p : pm.plugins()) {
      if (p.desc->kind != kind) continue;
      std::cout << to_string(kind) << "\t" << p.desc->name << "\t" << p.path << "\n    " << p.desc->description << "\n";
      print_options(std::cout, *p.desc, "    --");
    }
  }
  return pm.errors().empty() ? 0 : 2;
}

void print_source_options(std::ostream& os) {
  auto& pm = PluginManager::instance();
  pm.load_all();
  for (auto& p : pm.plugins()) {
    if (p.desc->kind != PluginKind::Source) continue;
    os << "Source '" << p.desc->name << "': " << p.desc->description << "\n";
    print_options(os, *p.desc, "  ");
  }
}

int interfaces_command(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "Usage: strato interfaces   (or strato -D)\n\nLists every source plugin, the interfaces it can "
                 "capture on and its options, like Wireshark's extcap interface list.\n";
    return 0;
  }
  auto& pm = PluginManager::instance();
  pm.load_all();
  int n = 0;
  for (auto& p : pm.plugins()) {
    if (p.desc->kind != PluginKind::Source) continue;
    std::vector<InterfaceInfo> ifs;
    try {
      std::unique_ptr<Source> src = pm.make_source(p.desc->name, {});
      ifs = src->list_interfaces();
    } catch (const Error&) {
      // Sources that need options (a file path) have no interfaces to list.
    }
    if (ifs.empty()) {
      std::cout << ++n << ". " << p.desc->name << " (" << p.desc->description << ")\n";
    }
    for (auto& i : ifs)
      std::cout << ++n << ". " << p.desc->name << ":" << i.name << " (" << (i.description.empty() ? p.desc->description : i.description) << ")\n";
    print_options(std::cout, *p.desc, "     --");
  }
  return 0;
}

}  // namespace strato::cli
