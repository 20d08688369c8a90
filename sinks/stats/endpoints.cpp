// -z endpoints,eth|ip|ipv6|tcp|udp: tshark's endpoint tables. Every counted
// frame is sent by its source endpoint and received by its destination (the
// same endpoint when both are equal, as on loopback).
#include <algorithm>
#include <unordered_map>
#include <vector>

#include "layers.h"
#include "table_text.h"

namespace strato::stats {
namespace {

const char* title(Layer l) {
  switch (l) {
    case Layer::Eth: return "Ethernet";
    case Layer::IPv4: return "IPv4";
    case Layer::IPv6: return "IPv6";
    case Layer::Tcp: return "TCP";
    case Layer::Udp: return "UDP";
  }
  return "";
}

class Endpoints : public Statistic {
 public:
  Endpoints(Layer l, std::string filter) : layer_(l), filter_(std::move(filter)) {}

  void add(const Event& ev) override {
    hops_.clear();
    find_hops(ev, layer_, hops_);
    for (const Hop& h : hops_) {
      Item& s = item(h.src);
      s.tx_frames += 1, s.tx_bytes += ev.orig_len;
      Item& d = item(h.dst);
      d.rx_frames += 1, d.rx_bytes += ev.orig_len;
    }
  }

  void print(std::string& out) const override {
    bool ports = layer_ == Layer::Tcp || layer_ == Layer::Udp;
    out += "================================================================================\n";
    appendf(out, "%s Endpoints\n", title(layer_));
    appendf(out, "Filter:%s\n", filter_.empty() ? "<No Filter>" : filter_.c_str());
    out += ports ? "                       |  Port  ||  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |\n"
                 : "                       |  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |\n";
    std::vector<size_t> order(items_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
      return items_[x].tx_frames + items_[x].rx_frames > items_[y].tx_frames + items_[y].rx_frames;
    });
    for (size_t i : order) {
      const Item& e = items_[i];
      std::string a;
      append_address(e.ep.addr, a);
      appendf(out, "%-20s", a.c_str());
      if (ports) appendf(out, " %10u", e.ep.port);
      appendf(out, " %*llu %13llu %10llu %15llu %11llu %15llu   \n", ports ? 10 : 11,
              (unsigned long long)(e.tx_frames + e.rx_frames), (unsigned long long)(e.tx_bytes + e.rx_bytes),
              (unsigned long long)e.tx_frames, (unsigned long long)e.tx_bytes, (unsigned long long)e.rx_frames,
              (unsigned long long)e.rx_bytes);
    }
    out += "================================================================================\n";
  }

 private:
  struct Item {
    Endpoint ep;
    uint64_t tx_frames = 0, tx_bytes = 0, rx_frames = 0, rx_bytes = 0;
  };

  Item& item(const Endpoint& e) {
    auto [it, fresh] = index_.try_emplace(e, items_.size());
    if (fresh) items_.push_back({e});
    return items_[it->second];
  }

  Layer layer_;
  std::string filter_;
  std::vector<Item> items_;
  std::unordered_map<Endpoint, size_t, EndpointHash> index_;
  std::vector<Hop> hops_;
};

}  // namespace

std::unique_ptr<Statistic> make_endpoints(Layer l, const std::string& filter) {
  return std::make_unique<Endpoints>(l, filter);
}

}  // namespace strato::stats
