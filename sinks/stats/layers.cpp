#include "layers.h"

#include <cstring>

#include "strato/format.h"

namespace strato::stats {
namespace {

struct Ids {
  FieldId eth, eth_src, eth_dst;
  FieldId ip, ip_src, ip_dst;
  FieldId ipv6, ipv6_src, ipv6_dst;
  FieldId tcp, tcp_src, tcp_dst, tcp_stream;
  FieldId udp, udp_src, udp_dst, udp_stream;
};

// Looked up on first use, after every dissector has registered its fields.
const Ids& ids() {
  static const Ids i = [] {
    auto& r = FieldRegistry::instance();
    return Ids{r.find("eth"),      r.find("eth.src"),     r.find("eth.dst"),     r.find("ip"),
               r.find("ip.src"),   r.find("ip.dst"),      r.find("ipv6"),        r.find("ipv6.src"),
               r.find("ipv6.dst"), r.find("tcp"),         r.find("tcp.srcport"), r.find("tcp.dstport"),
               r.find("tcp.stream"), r.find("udp"),       r.find("udp.srcport"), r.find("udp.dstport"),
               r.find("udp.stream")};
  }();
  return i;
}

bool bytes_address(const Event& ev, const FieldValue& fv, Address::Family fam, size_t n, Address& out) {
  std::string_view b = field_bytes(ev, fv);
  if (b.size() != n) return false;
  out = Address{};
  out.family = fam;
  std::memcpy(out.bytes, b.data(), n);
  return true;
}

// Reads the address children of the protocol item at `top`.
bool read_pair(const Event& ev, size_t top, FieldId src_id, FieldId dst_id, Address::Family fam, Hop& h) {
  const auto& f = ev.dissection.fields;
  bool have_src = false, have_dst = false;
  for (size_t j = top + 1; j < f.size() && !(have_src && have_dst); ++j) {
    if (f[j].parent != static_cast<int32_t>(top)) continue;
    Address* a = nullptr;
    if (!have_src && f[j].id == src_id) a = &h.src.addr, have_src = true;
    else if (!have_dst && f[j].id == dst_id) a = &h.dst.addr, have_dst = true;
    if (!a) continue;
    if (fam == Address::IPv4) {
      *a = Address{};
      a->family = Address::IPv4;
      uint32_t v = static_cast<uint32_t>(f[j].v.u);
      a->bytes[0] = uint8_t(v >> 24), a->bytes[1] = uint8_t(v >> 16), a->bytes[2] = uint8_t(v >> 8), a->bytes[3] = uint8_t(v);
    } else if (!bytes_address(ev, f[j], fam, fam == Address::IPv6 ? 16 : 6, *a)) {
      return false;
    }
  }
  return have_src && have_dst;
}

bool read_ports(const Event& ev, size_t top, FieldId src_id, FieldId dst_id, FieldId stream_id, Hop& h) {
  const auto& f = ev.dissection.fields;
  bool have_src = false, have_dst = false;
  for (size_t j = top + 1; j < f.size(); ++j) {
    if (f[j].parent != static_cast<int32_t>(top)) continue;
    if (!have_src && f[j].id == src_id) h.src.port = static_cast<uint32_t>(f[j].v.u), have_src = true;
    else if (!have_dst && f[j].id == dst_id) h.dst.port = static_cast<uint32_t>(f[j].v.u), have_dst = true;
    else if (f[j].id == stream_id) h.stream = f[j].v.u;
  }
  return have_src && have_dst;
}

}  // namespace

void find_hops(const Event& ev, Layer layer, std::vector<Hop>& out) {
  const Ids& I = ids();
  const auto& f = ev.dissection.fields;
  Hop net;  // addresses of the latest top-level IP layer
  bool have_net = false;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i].parent != -1) continue;
    FieldId id = f[i].id;
    Hop h;
    if (id == I.eth && id != kNoField) {
      if (layer == Layer::Eth && read_pair(ev, i, I.eth_src, I.eth_dst, Address::Ether, h)) out.push_back(h);
    } else if (id == I.ip && id != kNoField) {
      have_net = read_pair(ev, i, I.ip_src, I.ip_dst, Address::IPv4, h);
      if (have_net) net = h;
      if (have_net && layer == Layer::IPv4) out.push_back(h);
    } else if (id == I.ipv6 && id != kNoField) {
      have_net = read_pair(ev, i, I.ipv6_src, I.ipv6_dst, Address::IPv6, h);
      if (have_net) net = h;
      if (have_net && layer == Layer::IPv6) out.push_back(h);
    } else if (have_net && ((layer == Layer::Tcp && id == I.tcp) || (layer == Layer::Udp && id == I.udp)) &&
               id != kNoField) {
      h = net;
      bool ok = layer == Layer::Tcp ? read_ports(ev, i, I.tcp_src, I.tcp_dst, I.tcp_stream, h)
                                    : read_ports(ev, i, I.udp_src, I.udp_dst, I.udp_stream, h);
      if (ok) out.push_back(h);
    }
  }
}

void append_address(const Address& a, std::string& out) {
  switch (a.family) {
    case Address::IPv4:
      append_ipv4(uint32_t(a.bytes[0]) << 24 | uint32_t(a.bytes[1]) << 16 | uint32_t(a.bytes[2]) << 8 | a.bytes[3], out);
      break;
    case Address::IPv6: append_ipv6(a.bytes, out); break;
    case Address::Ether: append_ether(a.bytes, out); break;
    default: break;
  }
}

size_t EndpointHash::operator()(const Endpoint& e) const {
  uint64_t h = 1469598103934665603ull ^ e.addr.family;
  for (uint8_t b : e.addr.bytes) h = (h ^ b) * 1099511628211ull;
  h = (h ^ e.port) * 1099511628211ull;
  return static_cast<size_t>(h);
}

}  // namespace strato::stats
