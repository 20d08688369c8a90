#include "zarg.h"

#include "strato/error.h"

namespace strato::stats {
namespace {

struct Known {
  const char* name;
  std::unique_ptr<Statistic> (*make)(const std::string& filter);
};

template <Layer L>
std::unique_ptr<Statistic> conv(const std::string& f) { return make_conversations(L, f); }
template <Layer L>
std::unique_ptr<Statistic> ends(const std::string& f) { return make_endpoints(L, f); }

const Known kKnown[] = {
    {"conv,eth", conv<Layer::Eth>},
    {"conv,ip", conv<Layer::IPv4>},
    {"conv,ipv6", conv<Layer::IPv6>},
    {"conv,tcp", conv<Layer::Tcp>},
    {"conv,udp", conv<Layer::Udp>},
    {"dns,tree", make_dns_summary},
    {"endpoints,eth", ends<Layer::Eth>},
    {"endpoints,ip", ends<Layer::IPv4>},
    {"endpoints,ipv6", ends<Layer::IPv6>},
    {"endpoints,tcp", ends<Layer::Tcp>},
    {"endpoints,udp", ends<Layer::Udp>},
    {"http,tree", make_http_summary},
    {"io,phs", make_io_phs},
};

const Known* lookup(const std::string& name) {
  for (const Known& k : kKnown)
    if (name == k.name) return &k;
  return nullptr;
}

}  // namespace

ZArg parse_zarg(const std::string& arg) {
  // Like tshark, a statistic name is followed by nothing or by ",FILTER".
  for (const Known& k : kKnown) {
    std::string n = k.name;
    if (arg == n) return {n, ""};
    if (arg.size() > n.size() && arg.compare(0, n.size(), n) == 0 && arg[n.size()] == ',')
      return {n, arg.substr(n.size() + 1)};
  }
  std::string list;
  for (const Known& k : kKnown) {
    if (!list.empty()) list += ", ";
    list += k.name;
  }
  throw usage_error("invalid -z argument \"" + arg + "\"; it must be one of: " + list);
}

std::unique_ptr<Statistic> make_statistic(const ZArg& z) { return lookup(z.name)->make(z.filter); }

}  // namespace strato::stats
