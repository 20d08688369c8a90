// sources/ebpf/fd_table.cpp and proc_sockets.cpp: how live capture names a
// descriptor it did not see opened, from a /proc tree made here (fd links,
// the network namespace link and the kernel's socket tables, in the format
// Linux prints them).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "fd_table.h"
#include "test_support.h"

namespace {

using strato::ebpf::FdEntry;
using strato::ebpf::FdTable;

const char* kHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

// One row of /proc/net/tcp{,6} or udp{,6}: addresses as the kernel prints them.
std::string row(const std::string& local, const std::string& remote, const std::string& state, uint64_t inode) {
  return "   0: " + local + " " + remote + " " + state + " 00000000:00000000 00:00000000 00000000     0        0 " +
         std::to_string(inode) + " 1 0000000000000000 20 4 30 10 -1\n";
}

class FdTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = strato::test::temp_dir() + "/proc-" + std::to_string(getpid());
    pid_dir_ = root_ + "/4242";
    ASSERT_EQ(system(("rm -rf '" + root_ + "' && mkdir -p '" + pid_dir_ + "/fd' '" + pid_dir_ + "/net' '" + pid_dir_ +
                      "/ns'").c_str()),
              0);
    ASSERT_EQ(symlink("net:[4026531840]", (pid_dir_ + "/ns/net").c_str()), 0);
    // 127.0.0.1:40000 -> 127.0.0.1:28081 (connected by this process), a
    // listener on *:28081, and the connection it accepted from port 40001.
    write("tcp", row("0100007F:9C40", "0100007F:6DB1", "01", 1001) + row("00000000:6DB1", "00000000:0000", "0A", 1003) +
                     row("0100007F:6DB1", "0100007F:9C41", "01", 1002));
    // [::1]:443 accepted from [::1]:50000 under the listener [::]:443.
    write("tcp6", row("00000000000000000000000001000000:01BB", "00000000000000000000000001000000:C350", "01", 2001) +
                      row("00000000000000000000000000000000:01BB", "00000000000000000000000000000000:0000", "0A", 2002));
    write("udp", row("00000000:14E9", "00000000:0000", "07", 3001));
    write("udp6", "");
    link(5, 1001), link(6, 1002), link(7, 1003), link(8, 2001), link(9, 3001), link(10, 9999);
    ASSERT_EQ(symlink("/etc/hostname", (pid_dir_ + "/fd/11").c_str()), 0);
  }
  void TearDown() override { system(("rm -rf '" + root_ + "'").c_str()); }
  void write(const std::string& table, const std::string& rows) {
    std::ofstream(pid_dir_ + "/net/" + table) << kHeader << rows;
  }
  void link(int fd, uint64_t inode) {
    ASSERT_EQ(symlink(("socket:[" + std::to_string(inode) + "]").c_str(), (pid_dir_ + "/fd/" + std::to_string(fd)).c_str()), 0);
  }
  std::string root_, pid_dir_;
};

TEST_F(FdTableTest, SocketsOpenBeforeTheCaptureAreNamedClientFirstWithTheirRole) {
  FdTable fds(root_);
  const FdEntry* e = fds.find(4242, 5);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "127.0.0.1:40000->127.0.0.1:28081");
  EXPECT_EQ(e->type, "ipv4");
  EXPECT_NE(e->note.find("\nFdLocal: client"), std::string::npos) << e->note;

  e = fds.find(4242, 6);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "127.0.0.1:40001->127.0.0.1:28081") << "accepted: the peer is the client";
  EXPECT_NE(e->note.find("\nFdLocal: server"), std::string::npos) << e->note;

  e = fds.find(4242, 7);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "0.0.0.0:28081") << "a listener: its bound end";
  EXPECT_EQ(e->note.find("FdLocal"), std::string::npos) << e->note;

  e = fds.find(4242, 8);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "[::1]:50000->[::1]:443");
  EXPECT_EQ(e->type, "ipv6");
  EXPECT_NE(e->note.find("\nFdLocal: server"), std::string::npos) << e->note;

  e = fds.find(4242, 9);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "0.0.0.0:5353");
  EXPECT_EQ(e->type, "ipv4");
}

TEST_F(FdTableTest, OtherDescriptorsKeepTheirLinkText) {
  FdTable fds(root_);
  const FdEntry* e = fds.find(4242, 10);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "socket:[9999]") << "not a TCP or UDP socket (a unix one)";
  EXPECT_EQ(e->type, "socket");
  e = fds.find(4242, 11);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "/etc/hostname");
  EXPECT_EQ(e->type, "file");
  EXPECT_EQ(fds.find(4242, 12), nullptr);
  EXPECT_EQ(fds.find(4243, 5), nullptr) << "no such process";
}

TEST_F(FdTableTest, ASocketMadeAfterTheTablesWereReadIsFoundOnceTheyAreOld) {
  FdTable fds(root_);
  ASSERT_NE(fds.find(4242, 5), nullptr);
  write("udp6", row("00000000000000000000000001000000:D431", "00000000000000000000000001000000:0035", "01", 4001));
  link(12, 4001);
  usleep(150 * 1000);  // past the copy's freshness: an unknown inode reads the tables again
  const FdEntry* e = fds.find(4242, 12);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "[::1]:54321->[::1]:53") << "a connected UDP socket: its process is the client";
  EXPECT_NE(e->note.find("\nFdLocal: client"), std::string::npos) << e->note;
}

}  // namespace
