// TCP desegmentation around Lua dissectors against tshark 4.0, on a capture
// written here so that every way a message can be cut over segments is in
// it: several messages in one segment, a message over four segments, a
// header cut short (DESEGMENT_ONE_MORE_SEGMENT) then an exact desegment_len,
// a reassembled buffer that still is not enough, and a message that ends
// inside a segment whose rest starts the next one. Three framings of the same
// stream (scripts/segmented.lua): dissect_tcp_pdus, exact desegment_len,
// always one more segment.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace st = strato::test;

namespace {

std::string q(const std::string& s) { return "'" + s + "'"; }
std::string script() { return st::source_dir() + "/tests/lua_dissect/scripts/segmented.lua"; }

using Bytes = std::vector<uint8_t>;

void put16(Bytes& b, uint32_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put32(Bytes& b, uint32_t v) {
  put16(b, v >> 16);
  put16(b, v & 0xffff);
}
void le32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
}

uint16_t checksum(const Bytes& b, size_t from, size_t len, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < len; i += 2) sum += uint32_t(b[from + i]) << 8 | b[from + i + 1];
  if (len & 1) sum += uint32_t(b[from + len - 1]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// A classic pcap of Ethernet/IPv4/TCP frames, 1 ms apart.
class PcapWriter {
 public:
  PcapWriter() {
    le32(out_, 0xa1b2c3d4);
    out_ += std::string("\x02\x00\x04\x00", 4);  // version 2.4
    le32(out_, 0);
    le32(out_, 0);
    le32(out_, 65535);
    le32(out_, 1);  // LINKTYPE_ETHERNET
  }
  void tcp(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
           const Bytes& payload) {
    Bytes f = {0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00};
    size_t ip = f.size();
    f.push_back(0x45);
    f.push_back(0);
    put16(f, static_cast<uint32_t>(20 + 20 + payload.size()));
    put16(f, ++ip_id_);
    put16(f, 0x4000);
    f.push_back(64);
    f.push_back(6);
    put16(f, 0);
    put32(f, src);
    put32(f, dst);
    uint16_t ipsum = checksum(f, ip, 20);
    f[ip + 10] = static_cast<uint8_t>(ipsum >> 8);
    f[ip + 11] = static_cast<uint8_t>(ipsum);
    size_t tcp = f.size();
    put16(f, sport);
    put16(f, dport);
    put32(f, seq);
    put32(f, ack);
    f.push_back(0x50);
    f.push_back(flags);
    put16(f, 65535);
    put16(f, 0);
    put16(f, 0);
    f.insert(f.end(), payload.begin(), payload.end());
    uint32_t tcp_len = static_cast<uint32_t>(f.size() - tcp);
    uint32_t pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 + tcp_len;
    uint16_t tsum = checksum(f, tcp, tcp_len, pseudo);
    f[tcp + 16] = static_cast<uint8_t>(tsum >> 8);
    f[tcp + 17] = static_cast<uint8_t>(tsum);
    uint64_t us = 1700000000000000ull + 1000ull * frames_++;
    le32(out_, static_cast<uint32_t>(us / 1000000));
    le32(out_, static_cast<uint32_t>(us % 1000000));
    le32(out_, static_cast<uint32_t>(f.size()));
    le32(out_, static_cast<uint32_t>(f.size()));
    out_.append(reinterpret_cast<const char*>(f.data()), f.size());
  }
  bool save(const std::string& path) const {
    std::ofstream o(path, std::ios::binary);
    o << out_;
    return static_cast<bool>(o);
  }

 private:
  std::string out_;
  uint16_t ip_id_ = 0;
  uint64_t frames_ = 0;
};

enum : uint8_t { kFin = 0x01, kSyn = 0x02, kPsh = 0x08, kAck = 0x10 };

// One connection: a handshake, then each side's stream cut into the given
// segment sizes (0: the rest), each segment acknowledged by the other side.
struct Connection {
  uint32_t client, server;
  uint16_t cport, sport;
  uint32_t cseq = 1000, sseq = 5000;

  void handshake(PcapWriter& w) {
    w.tcp(client, server, cport, sport, cseq++, 0, kSyn, {});
    w.tcp(server, client, sport, cport, sseq++, cseq, kSyn | kAck, {});
    w.tcp(client, server, cport, sport, cseq, sseq, kAck, {});
  }
  void send(PcapWriter& w, bool from_client, const Bytes& data) {
    if (from_client) {
      w.tcp(client, server, cport, sport, cseq, sseq, kPsh | kAck, data);
      cseq += static_cast<uint32_t>(data.size());
      w.tcp(server, client, sport, cport, sseq, cseq, kAck, {});
    } else {
      w.tcp(server, client, sport, cport, sseq, cseq, kPsh | kAck, data);
      sseq += static_cast<uint32_t>(data.size());
      w.tcp(client, server, cport, sport, cseq, sseq, kAck, {});
    }
  }
};

Bytes message(uint8_t type, size_t payload) {
  Bytes m;
  put16(m, static_cast<uint32_t>(payload + 1));
  m.push_back(type);
  for (size_t i = 0; i < payload; ++i) m.push_back(static_cast<uint8_t>('a' + (i + type) % 26));
  return m;
}

std::vector<Bytes> cut(const std::vector<Bytes>& messages, const std::vector<size_t>& sizes) {
  Bytes all;
  for (auto& m : messages) all.insert(all.end(), m.begin(), m.end());
  std::vector<Bytes> segs;
  size_t at = 0;
  for (size_t n : sizes) {
    if (n == 0 || at + n > all.size()) n = all.size() - at;
    segs.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(at), all.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  }
  return segs;
}

// Client: M1 M2 together; M3 over four segments (2, 3, 4 bytes, then its
// rest with M4 and the head of M5); M5's rest; M6 cut after 1 byte; M6's
// rest with M7's first byte; M7's rest with M8's head; M8 in two more.
// Server: a whole message and the head of the next, then its rest.
const std::vector<Bytes> kClient = cut(
    {message(1, 5), message(2, 10), message(3, 20), message(4, 2), message(2, 12), message(3, 6), message(1, 4),
     message(4, 30)},
    {21, 2, 3, 4, 24, 10, 1, 9, 16, 10, 0});
const std::vector<Bytes> kServer = cut({message(4, 3), message(2, 8)}, {10, 0});

// Each framing gets two connections; all of them interleave.
std::string write_capture() {
  std::string path = st::temp_dir() + "/lua-segmented.pcap";
  PcapWriter w;
  std::vector<Connection> conns;
  for (uint16_t port : {47501, 47502, 47503})
    for (uint32_t i = 0; i < 2; ++i)
      conns.push_back({0x0a000001, 0x0a000002 + i, static_cast<uint16_t>(40000 + port % 100 * 10 + i), port});
  for (auto& c : conns) c.handshake(w);
  size_t steps = std::max(kClient.size(), kServer.size());
  for (size_t s = 0; s < steps; ++s)
    for (auto& c : conns) {
      if (s < kClient.size()) c.send(w, true, kClient[s]);
      if (s < kServer.size()) c.send(w, false, kServer[s]);
    }
  for (auto& c : conns) {
    w.tcp(c.client, c.server, c.cport, c.sport, c.cseq, c.sseq, kFin | kAck, {});
    w.tcp(c.server, c.client, c.sport, c.cport, c.sseq, c.cseq + 1, kFin | kAck, {});
    w.tcp(c.client, c.server, c.cport, c.sport, c.cseq + 1, c.sseq + 1, kAck, {});
  }
  return w.save(path) ? path : "";
}

const std::string& capture() {
  static const std::string path = write_capture();
  return path;
}

// The same arguments through tshark and strato: the same lines. Names the
// first difference.
void expect_same_as_tshark(const std::string& args, size_t min_lines, const std::string& strato_extra = "") {
  if (!st::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  ASSERT_FALSE(capture().empty()) << "could not write the capture";
  std::string common = " -n -r " + q(capture()) + " -X lua_script:" + q(script()) + " " + args;
  auto t = st::run("tshark" + common);
  ASSERT_EQ(t.exit_code, 0) << t.err;
  ASSERT_EQ(t.out.find("Lua Error"), std::string::npos) << "the script fails in tshark itself";
  auto s = st::run(q(st::strato_bin()) + " read" + common + strato_extra);
  ASSERT_EQ(s.exit_code, 0) << s.err;
  auto tl = st::split_lines(t.out), sl = st::split_lines(s.out);
  ASSERT_GE(tl.size(), min_lines) << "tshark gave too little:\n" << t.out;
  for (size_t i = 0; i < std::max(tl.size(), sl.size()); ++i) {
    std::string a = i < tl.size() ? tl[i] : "(no line)", b = i < sl.size() ? sl[i] : "(no line)";
    if (a != b) {
      ADD_FAILURE() << "args:" << common << strato_extra << "\nfirst difference at line " << i + 1
                    << "\n  tshark: " << a << "\n  strato: " << b;
      return;
    }
  }
}

const char kReassemblyFields[] =
    "-T fields -E occurrence=a -e frame.number -e frame.protocols -e tcp.segment -e tcp.segment.count"
    " -e tcp.reassembled.length -e tcp.reassembled.data -e tcp.pdu.size -e tcp.segment_data"
    " -e _ws.col.Protocol -e _ws.col.Info";

// The oracle sees the cuts the capture is meant to have.
TEST(LuaTcpReassembly, CaptureHasTheCutsItIsMeantToHave) {
  if (!st::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  ASSERT_FALSE(capture().empty());
  auto frames = [](const std::string& filter) {
    auto r = st::run("tshark -n -r " + q(capture()) + " -X lua_script:" + q(script()) + " -Y " + q(filter) +
                     " -T fields -e frame.number 2>/dev/null");
    std::string s = r.out;
    for (auto& c : s)
      if (c == '\n') c = ' ';
    return s;
  };
  // M3 over four segments, in each framing and connection.
  EXPECT_EQ(frames("tcp.segment.count == 4"), "91 93 95 97 99 101 ");
  // Several PDUs in one segment (dissect_tcp_pdus notes each PDU's size).
  EXPECT_EQ(frames("count(tcp.pdu.size) >= 2"), "19 23 91 93 ");
  // A finished PDU that does not take its last segment whole.
  EXPECT_EQ(frames("segp && tcp.reassembled.length > tcp.pdu.size"), "91 93 127 129 139 141 ");
  // One more segment each time: the buffer of 2, 5, then 9 bytes is not
  // enough, until the fourth segment gives M3, M4 and M5's head at once.
  EXPECT_EQ(frames("sego && tcp.reassembled.length == 33 && tcp.segment.count == 4"), "99 101 ");
  EXPECT_EQ(frames("tcp.dstport == 47503 && frame.protocols contains \"sego\" && tcp.segment_data && !tcp.segment"),
            "59 63 75 77 87 89 123 125 159 161 ");
  // After a reassembled PDU, the Info column is fenced: the next PDU's text is appended.
  auto info = st::run("tshark -n -r " + q(capture()) + " -X lua_script:" + q(script()) +
                      " -Y 'frame.number == 91' -T fields -e _ws.col.Info 2>/dev/null");
  EXPECT_EQ(info.out, "BULK 23ACK 5\n");
}

TEST(LuaTcpReassembly, ReassemblyFieldsMatchTshark) { expect_same_as_tshark(kReassemblyFields, 100); }

TEST(LuaTcpReassembly, MessageFieldsMatchTshark) {
  std::string f = "-T fields -E occurrence=a -e frame.number";
  for (const char* p : {"segp", "segx", "sego"})
    for (const char* n : {".length", ".type", ".payload"}) f += std::string(" -e ") + p + n;
  expect_same_as_tshark(f, 100);
}

TEST(LuaTcpReassembly, VerboseTreeMatchesTshark) { expect_same_as_tshark("-V", 2000); }

// -x: the reassembled buffer is a second data source; only then are the
// sources headed "Frame (N bytes):".
TEST(LuaTcpReassembly, HexDumpMatchesTshark) { expect_same_as_tshark("-x", 500); }

TEST(LuaTcpReassembly, TwoThreadsGiveTsharksAnswer) {
  expect_same_as_tshark(kReassemblyFields, 100, " --threads 2");
  expect_same_as_tshark("-x", 500, " --threads 2");
}

}  // namespace
