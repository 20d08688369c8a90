// -z conv,eth|ip|ipv6|tcp|udp: tshark's conversation tables. A conversation
// is an unordered address(/port) pair (plus the transport stream, so port
// reuse starts a new one); side A is the source of its first frame.
#include <algorithm>
#include <cstring>
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

struct Key {
  Endpoint lo, hi;
  uint64_t stream;
  bool operator==(const Key& o) const { return lo == o.lo && hi == o.hi && stream == o.stream; }
};

struct KeyHash {
  size_t operator()(const Key& k) const {
    EndpointHash h;
    return h(k.lo) * 31 + h(k.hi) * 7 + static_cast<size_t>(k.stream);
  }
};

bool less(const Endpoint& a, const Endpoint& b) {
  if (a.addr.family != b.addr.family) return a.addr.family < b.addr.family;
  int c = std::memcmp(a.addr.bytes, b.addr.bytes, 16);
  return c != 0 ? c < 0 : a.port < b.port;
}

class Conversations : public Statistic {
 public:
  Conversations(Layer l, std::string filter) : layer_(l), filter_(std::move(filter)) {}

  void add(const Event& ev) override {
    hops_.clear();
    find_hops(ev, layer_, hops_);
    for (const Hop& h : hops_) {
      Key k{h.src, h.dst, h.stream};
      if (less(k.hi, k.lo)) std::swap(k.lo, k.hi);
      auto [it, fresh] = index_.try_emplace(k, convs_.size());
      if (fresh) convs_.push_back({h.src, h.dst, 0, 0, 0, 0, ev.rel_ns, ev.rel_ns});
      Conv& c = convs_[it->second];
      if (h.src == c.a && h.dst == c.b) {
        c.tx_frames += 1, c.tx_bytes += ev.orig_len;
      } else {
        c.rx_frames += 1, c.rx_bytes += ev.orig_len;
      }
      c.first_ns = std::min(c.first_ns, ev.rel_ns);
      c.last_ns = std::max(c.last_ns, ev.rel_ns);
    }
  }

  void print(std::string& out) const override {
    bool ports = layer_ == Layer::Tcp || layer_ == Layer::Udp;
    int w = ports ? 26 : 20;
    out += "================================================================================\n";
    appendf(out, "%s Conversations\n", title(layer_));
    appendf(out, "Filter:%s\n", filter_.empty() ? "<No Filter>" : filter_.c_str());
    appendf(out, "%*s|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |\n",
            2 * w + 7, "");
    appendf(out, "%*s| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |\n",
            2 * w + 7, "");
    // Most frames first; equal counts keep the order conversations began in.
    std::vector<size_t> order(convs_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
      return convs_[x].tx_frames + convs_[x].rx_frames > convs_[y].tx_frames + convs_[y].rx_frames;
    });
    for (size_t i : order) {
      const Conv& c = convs_[i];
      std::string a = text(c.a, ports), b = text(c.b, ports);
      appendf(out, "%-*s <-> %-*s  %6llu %-9s  %6llu %-9s  %6llu %-9s  %14.9f   %12.4f\n", w, a.c_str(), w,
              b.c_str(), (unsigned long long)c.rx_frames, format_size(c.rx_bytes).c_str(),
              (unsigned long long)c.tx_frames, format_size(c.tx_bytes).c_str(),
              (unsigned long long)(c.rx_frames + c.tx_frames), format_size(c.rx_bytes + c.tx_bytes).c_str(),
              seconds(c.first_ns), seconds(c.last_ns - c.first_ns));
    }
    out += "================================================================================\n";
  }

 private:
  struct Conv {
    Endpoint a, b;
    uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes;  // tx: a to b
    uint64_t first_ns, last_ns;
  };

  static std::string text(const Endpoint& e, bool port) {
    std::string s;
    append_address(e.addr, s);
    if (port) s += ":" + std::to_string(e.port);
    return s;
  }

  Layer layer_;
  std::string filter_;
  std::vector<Conv> convs_;
  std::unordered_map<Key, size_t, KeyHash> index_;
  std::vector<Hop> hops_;
};

}  // namespace

std::unique_ptr<Statistic> make_conversations(Layer l, const std::string& filter) {
  return std::make_unique<Conversations>(l, filter);
}

}  // namespace strato::stats
