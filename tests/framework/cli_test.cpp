// The command line: tshark's exit codes and one-line errors.
#include <gtest/gtest.h>

#include "test_support.h"

namespace st = strato::test;

TEST(Cli, MissingFileIsAnInputError) {
  auto r = st::run(st::strato_bin() + " read -r /nonexistent/x.pcap");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(st::split_lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/x.pcap"), std::string::npos) << r.err;
}

TEST(Cli, UsageErrorsExitWithOne) {
  EXPECT_EQ(st::run(st::strato_bin() + " read").exit_code, 1);
  EXPECT_EQ(st::run(st::strato_bin() + " read --bogus").exit_code, 1);
  EXPECT_EQ(st::run(st::strato_bin() + " frobnicate").exit_code, 1);
  auto r = st::run(st::strato_bin() + " read -r " + st::source_dir() + "/samples/mixed-small.pcapng -T pdml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("-T pdml"), std::string::npos) << r.err;
}

TEST(Cli, BadDisplayFilterPointsAtTheColumn) {
  auto r = st::run(st::strato_bin() + " read -r " + st::source_dir() + "/samples/mixed-small.pcapng -Y 'tcp.portt == 80'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("tcp.portt"), std::string::npos) << r.err;
  EXPECT_EQ(st::split_lines(r.err).size(), 1u) << r.err;
}

TEST(Cli, HelpPerSubcommand) {
  for (const char* cmd : {"read", "run", "fields", "plugins", "interfaces"}) {
    auto r = st::run(st::strato_bin() + " " + cmd + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
    EXPECT_NE(r.out.find("Usage: strato"), std::string::npos) << cmd;
  }
  // read --help lists source plugin options from their descriptors.
  auto r = st::run(st::strato_bin() + " read --help");
  EXPECT_NE(r.out.find("Source 'file'"), std::string::npos) << r.out;
}

TEST(Cli, FieldsListsRegisteredFieldsLikeTshark) {
  auto r = st::run(st::strato_bin() + " fields");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto ours = st::split_lines(r.out);
  // Every field we register under a Wireshark name has Wireshark's type.
  auto ws = st::run("tshark -G fields 2>/dev/null");
  ASSERT_EQ(ws.exit_code, 0);
  std::map<std::string, std::string> ws_type;
  for (auto& l : st::split_lines(ws.out)) {
    std::vector<std::string> c;
    size_t pos = 0, tab;
    while ((tab = l.find('\t', pos)) != std::string::npos) c.push_back(l.substr(pos, tab - pos)), pos = tab + 1;
    c.push_back(l.substr(pos));
    if (c.size() > 3 && c[0] == "F") ws_type[c[2]] = c[3];
  }
  size_t checked = 0;
  for (const char* f : {"frame.number", "ip.src", "ipv6.src", "tcp.srcport", "udp.dstport", "eth.src", "dns.qry.name",
                        "http.request.uri", "tls.handshake.extensions_server_name", "frame.time_epoch"}) {
    bool found = false;
    for (auto& l : ours)
      if (l.find(std::string("\t") + f + "\t") != std::string::npos) found = true;
    EXPECT_TRUE(found) << f << " missing from strato fields";
    checked += found;
  }
  EXPECT_EQ(checked, 10u);
}

TEST(Cli, CountStopsAfterNPackets) {
  auto r = st::run(st::strato_bin() + " read -r " + st::source_dir() + "/samples/mixed-small.pcapng -c 5 -T fields -e frame.number");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n2\n3\n4\n5\n");
}
