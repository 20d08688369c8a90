// Lua on a live capture: `strato capture -i lo --script` (the top_talkers
// example, a Listener script) and -X lua_script taps, while curl talks to a
// local HTTP server. The oracle is the same capture written with -w and read
// back by tshark (running the same Listener scripts). Root only; skips loudly.
#include <cstdlib>
#include <fstream>
#include <map>

#include "capture_fixture.h"

namespace {

using namespace strato::test;
using namespace capture_test;

int free_port() {
  auto r = run("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); print(s.getsockname()[1])'");
  return std::atoi(r.out.c_str());
}

// A python http.server on 127.0.0.1, stopped with the object.
class HttpServer {
 public:
  HttpServer() {
    dir_ = fresh_dir();
    run("echo hello-from-strato > " + dir_ + "/index.html");
    port_ = free_port();
    std::string ps = std::to_string(port_);
    run("cd " + dir_ + " && (python3 -m http.server " + ps + " --bind 127.0.0.1 > /dev/null 2>&1 & echo $! > " + dir_ +
        "/server.pid)");
    pid_ = std::atoi(slurp(dir_ + "/server.pid").c_str());
    for (int i = 0; i < 100 && run("curl -s -o /dev/null " + url()).exit_code != 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~HttpServer() {
    if (pid_ > 0) kill(pid_, SIGTERM);
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/index.html"; }

 private:
  std::string dir_;
  int port_ = 0, pid_ = -1;
};

#define REQUIRE_LIVE_LUA()                                                              \
  SKIP_WITHOUT_BPF();                                                                   \
  if (!exists(build_dir() + "/plugins/lua-script.so") || !exists(build_dir() + "/plugins/lua.so")) \
    GTEST_SKIP() << "Lua plugins not built";                                            \
  if (!have_program("curl") || !have_program("python3") || !have_program("tshark"))     \
    GTEST_SKIP() << "curl, python3 and tshark are needed"

// Three requests, then time for the last FIN exchange.
void make_traffic(const HttpServer& server) {
  for (int i = 0; i < 3; ++i) run("curl -s --max-time 10 -o /dev/null " + server.url());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
}

struct Counts {
  uint64_t packets = 0, bytes = 0;
  bool operator==(const Counts& o) const { return packets == o.packets && bytes == o.bytes; }
};

// Packets and bytes of the written file by direction, as tshark reads them.
std::map<std::string, Counts> tshark_by_direction(const std::string& file, int port) {
  std::map<std::string, Counts> out;
  auto r = run("tshark -r '" + file + "' -T fields -e tcp.srcport -e frame.len 2>/dev/null");
  for (auto& line : split_lines(r.out)) {
    auto cols = split(line);
    if (cols.size() != 2) continue;
    Counts& c = out[std::atoi(cols[0].c_str()) == port ? "server" : "client"];
    c.packets += 1;
    c.bytes += std::stoull(cols[1]);
  }
  return out;
}

}  // namespace

// top_talkers.lua names each process (packets attributed to their owner) or
// the address pair; either way its counts are the written file's.
TEST(LuaScriptLive, TopTalkersCountsTheCapturedTraffic) {
  REQUIRE_LIVE_LUA();
  HttpServer server;
  std::string dir = fresh_dir(), file = dir + "/cap.pcapng";
  Capture cap("-i lo -f 'tcp port " + std::to_string(server.port()) + "' --script '" + source_dir() +
              "/lua/examples/top_talkers.lua' --script-arg top=100 -w '" + file + "'");
  ASSERT_TRUE(cap.ready()) << cap.err();
  make_traffic(server);
  ASSERT_EQ(cap.stop(), 0) << cap.err();

  auto want = tshark_by_direction(file, server.port());
  ASSERT_GT(want["server"].packets, 0u) << cap.err();
  ASSERT_GT(want["client"].packets, 0u) << cap.err();
  std::map<std::string, Counts> got;
  for (auto& r : cap.rows()) {
    ASSERT_EQ(r.size(), 3u) << "row: " << r[0];
    got[r[0]] = {std::stoull(r[1]), std::stoull(r[2])};
  }
  ASSERT_FALSE(got.empty()) << cap.err();
  if (got.count("python3")) {
    // Process attribution: the server's packets are python3's, the client's curl's.
    EXPECT_EQ(got["python3"], want["server"]);
    EXPECT_EQ(got["curl"], want["client"]);
    EXPECT_EQ(got.size(), 2u);
  } else {
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got.begin()->first, "127.0.0.1 <-> 127.0.0.1");
    EXPECT_EQ(got.begin()->second.packets, want["server"].packets + want["client"].packets);
    EXPECT_EQ(got.begin()->second.bytes, want["server"].bytes + want["client"].bytes);
  }
}

// A Listener script as --script and as -X lua_script in the same live
// capture: each prints what tshark prints running it over the written file.
TEST(LuaScriptLive, ListenerScriptsMatchTsharkOnTheWrittenFile) {
  REQUIRE_LIVE_LUA();
  HttpServer server;
  std::string dir = fresh_dir(), file = dir + "/cap.pcapng";
  auto listener = [&](const std::string& name) {
    std::string path = dir + "/" + name + ".lua";
    std::ofstream(path) << "local n, bytes, http, syn = 0, 0, 0, 0\n"
                           "local flen = Field.new('frame.len')\n"
                           "local t = Listener.new('tcp')\n"
                           "function t.packet(pinfo) n = n + 1 bytes = bytes + flen().value end\n"
                           "local h = Listener.new('http')\n"
                           "function h.packet() http = http + 1 end\n"
                           "local s = Listener.new(nil, 'tcp.flags.syn == 1 && tcp.flags.ack == 0')\n"
                           "function s.packet() syn = syn + 1 end\n"
                           "function t.draw() print('" + name + "', n, bytes, http, syn) end\n";
    return path;
  };
  std::string script = listener("script"), tap = listener("tap");
  Capture cap("-q -i lo -f 'tcp port " + std::to_string(server.port()) + "' --script '" + script +
              "' -X lua_script:'" + tap + "' -w '" + file + "'");
  ASSERT_TRUE(cap.ready()) << cap.err();
  make_traffic(server);
  ASSERT_EQ(cap.stop(), 0) << cap.err();

  std::string got;
  for (auto& r : cap.rows()) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) line += (i ? "\t" : "") + r[i];
    got += line + "\n";
  }
  auto want_script = run("tshark -q -X lua_script:'" + script + "' -r '" + file + "' 2>/dev/null").out;
  auto want_tap = run("tshark -q -X lua_script:'" + tap + "' -r '" + file + "' 2>/dev/null").out;
  ASSERT_EQ(want_script.rfind("script\t", 0), 0u) << want_script;
  // Three connections: three SYNs, three requests and three responses.
  EXPECT_NE(want_script.find("\t6\t3\n"), std::string::npos) << want_script;
  // The sink's draw at its finish, the taps' after every sink finished.
  EXPECT_EQ(got, want_script + want_tap) << cap.err();
}
