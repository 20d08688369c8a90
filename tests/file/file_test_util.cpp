#include "file_test_util.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "strato/error.h"
#include "strato/plugin_manager.h"
#include "test_support.h"

namespace strato::test {

ReadResult read_captures(const std::vector<std::string>& paths, const std::string& filter, size_t batch_size) {
  load_plugins();
  ReadResult r;
  size_t w0 = strato::warning_count();
  std::multimap<std::string, std::string> opts;
  for (auto& p : paths) opts.emplace("path", p);
  if (!filter.empty()) opts.emplace("filter", filter);
  std::unique_ptr<Source> src;
  try {
    src = PluginManager::instance().make_source("file", opts);
    src->open();
    Batch b;
    bool more = true;
    while (more) {
      b.clear();
      more = src->read(b, batch_size);
      b.seal();
      for (size_t i = 0; i < b.count; ++i) {
        const Event& e = b.events[i];
        Rec x;
        x.ts_ns = e.ts_ns;
        x.len = e.orig_len;
        x.cap_len = e.cap_len;
        x.iface = e.iface;
        x.link_type = e.link_type;
        x.epb_flags = e.epb_flags;
        x.comment = e.comment;
        x.bytes.assign(e.data, e.data + e.cap_len);
        r.recs.push_back(std::move(x));
      }
    }
  } catch (const Error& e) {
    r.error = e.what();
    r.usage_error = e.kind() == Error::Kind::Usage;
  }
  if (src) {
    r.ifaces = src->interfaces();
    r.stats = src->stats();
  }
  r.warnings = strato::warning_count() - w0;
  return r;
}

ReadResult read_capture(const std::string& path, const std::string& filter, size_t batch_size) {
  return read_captures({path}, filter, batch_size);
}

uint64_t epoch_to_ns(const std::string& s) {
  if (s.empty()) return 0;  // no timestamp (simple packet block)
  size_t dot = s.find('.');
  uint64_t sec = std::stoull(s.substr(0, dot));
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  frac.resize(9, '0');
  return sec * 1000000000ull + std::stoull(frac);
}

TsharkResult tshark_read(const std::string& path) {
  TsharkResult t;
  auto q = run("tshark -n -r '" + path +
               "' -T fields -E separator=/t -e frame.time_epoch -e frame.len -e frame.cap_len -e frame.interface_id "
               "-e frame.comment");
  t.exit_code = q.exit_code;
  for (auto& line : split_lines(q.err))
    if (line.find("Running as user") == std::string::npos && !line.empty()) t.err += line + "\n";
  for (auto& line : split_lines(q.out)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, '\t')) f.push_back(x);
    f.resize(std::max<size_t>(f.size(), 4));
    Rec rec;
    rec.ts_ns = epoch_to_ns(f[0]);
    rec.len = static_cast<uint32_t>(std::stoul(f[1]));
    rec.cap_len = static_cast<uint32_t>(std::stoul(f[2]));
    // pcap files have no interface: tshark leaves the field empty.
    rec.iface = f[3].empty() ? 0 : static_cast<uint32_t>(std::stoul(f[3]));
    if (f.size() > 4) {
      // tshark separates several comments with ','.
      rec.comment = f[4];
    }
    t.recs.push_back(std::move(rec));
  }
  return t;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

void PcapngBuilder::u16(std::string& o, uint16_t v) {
  if (be_) v = __builtin_bswap16(v);
  o.append(reinterpret_cast<const char*>(&v), 2);
}
void PcapngBuilder::u32(std::string& o, uint32_t v) {
  if (be_) v = __builtin_bswap32(v);
  o.append(reinterpret_cast<const char*>(&v), 4);
}
void PcapngBuilder::u64(std::string& o, uint64_t v) {
  if (be_) v = __builtin_bswap64(v);
  o.append(reinterpret_cast<const char*>(&v), 8);
}
void PcapngBuilder::opt(std::string& o, uint16_t code, const std::string& v) {
  u16(o, code);
  u16(o, static_cast<uint16_t>(v.size()));
  o += v;
  o.append((4 - v.size() % 4) % 4, '\0');
}
void PcapngBuilder::block(uint32_t type, const std::string& body) {
  std::string b;
  u32(b, type);
  u32(b, static_cast<uint32_t>(body.size() + 12));
  b += body;
  u32(b, static_cast<uint32_t>(body.size() + 12));
  out_ += b;
}

PcapngBuilder& PcapngBuilder::shb(bool big_endian) {
  be_ = big_endian;
  std::string b;
  u32(b, 0x1A2B3C4D);
  u16(b, 1);
  u16(b, 0);
  u64(b, ~uint64_t{0});
  opt(b, 4, "strato-test");
  u32(b, 0);
  block(0x0A0D0D0A, b);
  return *this;
}

PcapngBuilder& PcapngBuilder::idb(uint16_t link_type, uint32_t snaplen, int tsresol, int64_t tsoffset,
                                  const std::string& name) {
  std::string b;
  u16(b, link_type);
  u16(b, 0);
  u32(b, snaplen);
  if (!name.empty()) opt(b, 2, name);
  if (tsresol >= 0) opt(b, 9, std::string(1, static_cast<char>(tsresol)));
  if (tsoffset != 0) {
    std::string v;
    u64(v, static_cast<uint64_t>(tsoffset));
    opt(b, 14, v);
  }
  u32(b, 0);
  block(1, b);
  return *this;
}

PcapngBuilder& PcapngBuilder::epb(uint32_t iface, uint64_t ts, const std::string& data, uint32_t orig_len,
                                  const std::vector<std::string>& comments, uint32_t flags) {
  std::string b;
  u32(b, iface);
  u32(b, static_cast<uint32_t>(ts >> 32));
  u32(b, static_cast<uint32_t>(ts));
  u32(b, static_cast<uint32_t>(data.size()));
  u32(b, orig_len ? orig_len : static_cast<uint32_t>(data.size()));
  b += data;
  b.append((4 - data.size() % 4) % 4, '\0');
  for (auto& c : comments) opt(b, 1, c);
  if (flags) {
    std::string v;
    u32(v, flags);
    opt(b, 2, v);
  }
  if (!comments.empty() || flags) u32(b, 0);
  block(6, b);
  return *this;
}

PcapngBuilder& PcapngBuilder::spb(const std::string& data, uint32_t orig_len) {
  std::string b;
  u32(b, orig_len);
  b += data;
  b.append((4 - data.size() % 4) % 4, '\0');
  block(3, b);
  return *this;
}

PcapngBuilder& PcapngBuilder::pb(uint16_t iface, uint64_t ts, const std::string& data, const std::string& comment) {
  std::string b;
  u16(b, iface);
  u16(b, 0);
  u32(b, static_cast<uint32_t>(ts >> 32));
  u32(b, static_cast<uint32_t>(ts));
  u32(b, static_cast<uint32_t>(data.size()));
  u32(b, static_cast<uint32_t>(data.size()));
  b += data;
  b.append((4 - data.size() % 4) % 4, '\0');
  if (!comment.empty()) {
    opt(b, 1, comment);
    u32(b, 0);
  }
  block(2, b);
  return *this;
}

PcapngBuilder& PcapngBuilder::isb(uint32_t iface, uint64_t ifdrop) {
  std::string b;
  u32(b, iface);
  u32(b, 0);
  u32(b, 0);
  std::string v;
  u64(v, ifdrop);
  opt(b, 5, v);
  u32(b, 0);
  block(5, b);
  return *this;
}

PcapngBuilder& PcapngBuilder::dsb(uint32_t secrets_type, const std::string& secrets) {
  std::string b;
  u32(b, secrets_type);
  u32(b, static_cast<uint32_t>(secrets.size()));
  b += secrets;
  b.append((4 - secrets.size() % 4) % 4, '\0');
  block(0x0000000A, b);
  return *this;
}

PcapngBuilder& PcapngBuilder::raw_block(uint32_t type, const std::string& body) {
  block(type, body);
  return *this;
}

std::string udp_packet(uint16_t sport, uint16_t dport, size_t payload_len) {
  std::string p;
  auto b = [&](std::initializer_list<int> v) {
    for (int x : v) p.push_back(static_cast<char>(x));
  };
  b({0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00});
  size_t ip_len = 20 + 8 + payload_len;
  b({0x45, 0, int(ip_len >> 8), int(ip_len & 0xff), 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2});
  size_t udp_len = 8 + payload_len;
  b({sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, int(udp_len >> 8), int(udp_len & 0xff), 0, 0});
  p.append(payload_len, 'x');
  return p;
}

}  // namespace strato::test
