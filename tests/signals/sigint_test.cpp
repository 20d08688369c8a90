// SIGINT/SIGTERM stop reading and still leave complete output files.
#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace st = strato::test;

namespace {
// Feeds a real capture through a pipe that then stays open, so strato is
// still reading when the signal arrives.
void stop_with(const char* sig) {
  std::string dir = st::temp_dir();
  std::string out = dir + "/sig-" + sig + ".pcapng";
  std::string sample = st::source_dir() + "/samples/mixed-small.pcapng";
  std::string cmd = st::strato_bin() + " read -r /dev/stdin -w " + out + " < <(cat " + sample +
                    "; sleep 30) & pid=$!; sleep 1.5; kill -" + sig + " $pid; wait $pid; echo exit=$?";
  std::string script = dir + "/sig-" + sig + ".sh";
  std::ofstream(script) << cmd << "\n";
  auto r = st::run("timeout 20 bash " + script);
  EXPECT_NE(r.out.find("exit=0"), std::string::npos) << r.out << r.err;
  auto check = st::run("tshark -r " + out + " -T fields -e frame.number 2>&1 | tail -1");
  EXPECT_EQ(check.out, "78\n") << "pcapng written before " << sig << " is incomplete: " << check.out;
  auto info = st::run("capinfos " + out + " 2>&1");
  EXPECT_EQ(info.exit_code, 0) << info.out;
}
}  // namespace

TEST(Signals, SigintLeavesCompletePcapng) { stop_with("INT"); }
TEST(Signals, SigtermLeavesCompletePcapng) { stop_with("TERM"); }
