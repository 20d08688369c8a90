#pragma once
// One -z statistic: fed serially with events in capture order, printed once
// at the end in tshark 4.0's text layout.
#include <memory>
#include <string>

#include "strato/event.h"

namespace strato::stats {

class Statistic {
 public:
  virtual ~Statistic() = default;
  virtual void add(const Event& ev) = 0;
  virtual void print(std::string& out) const = 0;
};

// Address layers a conversation/endpoint table is keyed on.
enum class Layer { Eth, IPv4, IPv6, Tcp, Udp };

// `filter` is the -z argument's optional display filter text (empty: none),
// only shown in the header; the sink applies it.
std::unique_ptr<Statistic> make_io_phs(const std::string& filter);
std::unique_ptr<Statistic> make_conversations(Layer layer, const std::string& filter);
std::unique_ptr<Statistic> make_endpoints(Layer layer, const std::string& filter);
std::unique_ptr<Statistic> make_dns_summary(const std::string& filter);
std::unique_ptr<Statistic> make_http_summary(const std::string& filter);

}  // namespace strato::stats
