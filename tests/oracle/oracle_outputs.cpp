#include "oracle_outputs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "test_support.h"

namespace fs = std::filesystem;

namespace strato::oracle {

namespace {

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

uint64_t fnv(const std::string& s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string hex(uint64_t v) {
  std::ostringstream o;
  o << std::hex << v;
  return o.str();
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string file_stamp(const fs::path& p) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  auto mtime = fs::last_write_time(p, ec).time_since_epoch().count();
  return p.string() + ":" + std::to_string(size) + ":" + std::to_string(mtime);
}

std::string cache_root() {
  std::string d = strato::test::build_dir() + "/tests/oracle-cache";
  fs::create_directories(d);
  return d;
}

// Holds an exclusive flock on the cache for the life of the object, so two
// test processes started together by ctest -j compute the outputs once.
struct CacheLock {
  int fd;
  CacheLock() : fd(open((cache_root() + "/lock").c_str(), O_CREAT | O_RDWR, 0644)) {
    if (fd >= 0) flock(fd, LOCK_EX);
  }
  ~CacheLock() {
    if (fd >= 0) close(fd);
  }
};

std::string field_args(const std::vector<std::string>& list = fields()) {
  std::string a = " -T fields -E occurrence=a";
  for (auto& f : list) a += " -e " + f;
  return a;
}

// strato, like tshark, refuses to run when one -e field is unknown. While
// dissectors are missing, the known fields are still compared (the unknown
// ones mismatch on every row): ask once per build which ones it rejects.
std::vector<std::string> fields_strato_knows(const std::string& dir) {
  std::string list = dir + "/known-fields";
  if (!fs::exists(list)) {
    auto r = strato::test::run("timeout 120 " + quote(strato::test::strato_bin()) + " read" + field_args() + " -r " +
                               quote(std::string(STRATO_SHARED_DIR) + "/captures/live/mixed-small.pcapng") + " >/dev/null");
    std::set<std::string> unknown;
    const std::string marker = "Some fields aren't valid:";
    auto p = r.err.find(marker);
    if (p != std::string::npos) {
      std::stringstream ss(r.err.substr(p + marker.size(), r.err.find('\n', p) - p - marker.size()));
      for (std::string f; ss >> f;) unknown.insert(f);
    }
    std::ofstream out(list);
    for (auto& f : fields())
      if (!unknown.count(f)) out << f << "\n";
  }
  std::vector<std::string> known;
  std::ifstream in(list);
  for (std::string f; std::getline(in, f);)
    if (!f.empty()) known.push_back(f);
  return known;
}

// Puts strato's columns (for `known` fields only) where fields() has them.
void widen(FieldTable& t, const std::vector<std::string>& known) {
  std::vector<int> from;
  for (auto& f : fields()) {
    auto it = std::find(known.begin(), known.end(), f);
    from.push_back(it == known.end() ? -1 : int(it - known.begin()));
  }
  for (auto& row : t.rows) {
    std::vector<std::string> wide;
    for (int c : from) wide.push_back(c < 0 ? "<field unknown to strato>" : size_t(c) < row.size() ? row[c] : "");
    row = std::move(wide);
  }
}

std::string tshark_version() {
  auto r = strato::test::run("tshark --version | head -1");
  return r.out;
}

// Everything that makes up the strato build under test.
std::string strato_key() {
  std::string k = file_stamp(strato::test::strato_bin());
  k += file_stamp(strato::test::build_dir() + "/libstrato_framework.so");
  std::vector<std::string> plugins;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(strato::test::build_dir() + "/plugins", ec)) plugins.push_back(file_stamp(e.path()));
  std::sort(plugins.begin(), plugins.end());
  for (auto& p : plugins) k += p;
  return hex(fnv(k + field_args() + "known-fields-v2"));
}

// Runs `cmd` once into DIR/NAME.{out,err,rc}; a command that was killed on
// the way leaves no .rc and is run again next time.
void run_cached(const std::string& cmd, const std::string& dir, const std::string& name) {
  std::string base = dir + "/" + name;
  if (fs::exists(base + ".rc")) return;
  std::string sh = cmd + " >" + quote(base + ".out") + " 2>" + quote(base + ".err") + "; echo $? >" + quote(base + ".rc.tmp") +
                   " && mv " + quote(base + ".rc.tmp") + " " + quote(base + ".rc");
  int rc = std::system(sh.c_str());
  (void)rc;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> v;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    if (p == std::string::npos) {
      v.push_back(s.substr(start));
      return v;
    }
    v.push_back(s.substr(start, p - start));
    start = p + 1;
  }
}

FieldTable load(const std::string& base) {
  FieldTable t;
  std::string rc = slurp(base + ".rc");
  t.exit_code = rc.empty() ? -1 : std::atoi(rc.c_str());
  t.err = slurp(base + ".err");
  std::string out = slurp(base + ".out");
  if (!out.empty() && out.back() == '\n') out.pop_back();
  if (!out.empty())
    for (auto& line : split(out, '\n')) t.rows.push_back(split(line, '\t'));
  return t;
}

struct Dirs {
  std::string tshark, strato;
};

Dirs output_dirs() {
  Dirs d;
  d.tshark = cache_root() + "/tshark-" + hex(fnv(tshark_version() + field_args()));
  std::string key = strato_key();
  d.strato = cache_root() + "/strato-" + key;
  // Outputs of earlier builds are never used again.
  std::error_code ec;
  for (auto& e : fs::directory_iterator(cache_root(), ec)) {
    std::string n = e.path().filename().string();
    if (n.starts_with("strato-") && n != "strato-" + key) fs::remove_all(e.path(), ec);
  }
  fs::create_directories(d.tshark);
  fs::create_directories(d.strato);
  return d;
}

std::string capture_name(const std::string& capture, const std::string& tshark_extra) {
  return hex(fnv(file_stamp(capture) + tshark_extra));
}

// A capture of scripts/record-traffic.sh names its server ports in its
// comment. Its clients use random ephemeral ports, and tshark takes a client
// port it has registered (pmproxy, ...) over its HTTP/TLS heuristics, which
// would make the comparison depend on chance: tell tshark what the servers
// speak, as a user of tshark would with -d.
std::string decode_as(const std::string& capture) {
  auto r = strato::test::run("capinfos -k " + quote(capture));
  auto p = r.out.find("strato-record-traffic ");
  if (p == std::string::npos) {
    ADD_FAILURE() << capture << " has no strato-record-traffic comment naming its ports";
    return "";
  }
  std::stringstream ss(r.out.substr(p, r.out.find('\n', p) - p));
  std::string args;
  for (std::string kv; ss >> kv;) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string k = kv.substr(0, eq), port = kv.substr(eq + 1);
    if (k == "http") args += " -d tcp.port==" + port + ",http";
    if (k == "tls") args += " -d tcp.port==" + port + ",tls";
    if (k == "dns") args += " -d udp.port==" + port + ",dns";
  }
  return args;
}

// tshark for every capture, then strato for those tshark reads without
// error, two at a time.
std::vector<CaptureOutputs> compute(const std::vector<std::string>& captures, const std::string& tshark_extra = "") {
  CacheLock lock;
  Dirs d = output_dirs();
  const std::string tshark_cmd = "timeout 300 tshark -n" + tshark_extra + field_args() + " -r ";
  const std::vector<std::string> known = fields_strato_knows(d.strato);
  const std::string strato_cmd = "timeout 300 " + quote(strato::test::strato_bin()) + " read" + field_args(known) + " -r ";
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < captures.size();) {
      const std::string& c = captures[i];
      std::string name = capture_name(c, tshark_extra);
      run_cached(tshark_cmd + quote(c), d.tshark, name);
      if (slurp(d.tshark + "/" + name + ".rc") == "0\n") run_cached(strato_cmd + quote(c), d.strato, name);
    }
  };
  std::thread t1(worker), t2(worker);
  t1.join();
  t2.join();
  std::vector<CaptureOutputs> v;
  for (auto& c : captures) {
    std::string name = capture_name(c, tshark_extra);
    CaptureOutputs o;
    o.capture = c;
    o.tshark = load(d.tshark + "/" + name);
    if (o.tshark.exit_code != 0) continue;
    o.ours = load(d.strato + "/" + name);
    widen(o.ours, known);
    v.push_back(std::move(o));
  }
  return v;
}

}  // namespace

const std::vector<std::string>& fields() {
  static const std::vector<std::string> f = {
      "frame.number", "frame.time_epoch", "frame.len", "frame.cap_len", "frame.protocols",
      "eth.src", "eth.dst", "eth.type",
      "ip.src", "ip.dst", "ip.proto", "ip.ttl", "ip.len", "ipv6.src", "ipv6.dst",
      "tcp.srcport", "tcp.dstport", "tcp.stream", "tcp.len", "tcp.seq", "tcp.ack",
      "tcp.flags.syn", "tcp.flags.reset", "tcp.flags.fin",
      "udp.srcport", "udp.dstport", "icmp.type",
      "dns.id", "dns.qry.name", "dns.qry.type", "dns.flags.response", "dns.flags.rcode", "dns.a", "dns.aaaa", "dns.time",
      "http.request.method", "http.request.uri", "http.host", "http.response.code", "http.content_type", "http.time",
      "tls.handshake.type", "tls.handshake.extensions_server_name"};
  return f;
}

const std::vector<CaptureOutputs>& shared_capture_outputs() {
  static const std::vector<CaptureOutputs> v = [] {
    std::vector<std::string> captures;
    for (const char* dir : {"captures/tcpdump-tests", "captures/live"})
      for (auto& f : strato::test::shared_files(dir)) {
        std::string ext = fs::path(f).extension().string();
        if (ext == ".pcap" || ext == ".pcapng" || ext == ".cap" || ext == ".gz" || ext == ".zst") captures.push_back(f);
      }
    return compute(captures);
  }();
  return v;
}

const CaptureOutputs& recorded_capture_outputs() {
  static const CaptureOutputs o = [] {
    // v2: recorded with the ports in the comment.
    std::string path = cache_root() + "/recorded-v2.pcapng";
    {
      CacheLock lock;
      std::error_code ec;
      bool fresh = fs::exists(path) &&
                   fs::last_write_time(path, ec) > fs::file_time_type::clock::now() - std::chrono::minutes(30);
      if (!fresh) {
        auto r = strato::test::run("bash " + quote(strato::test::source_dir() + "/scripts/record-traffic.sh") + " " +
                                   quote(path + ".tmp") + " 2 0 && mv " + quote(path + ".tmp") + " " + quote(path));
        if (r.exit_code != 0) ADD_FAILURE() << "scripts/record-traffic.sh failed (exit " << r.exit_code << "): " << r.err;
      }
    }
    auto v = compute({path}, decode_as(path));
    if (v.empty()) {
      ADD_FAILURE() << "tshark could not read the recorded capture " << path;
      return CaptureOutputs{};
    }
    return v.front();
  }();
  return o;
}

}  // namespace strato::oracle
