// IP reassembly against tshark 4.0 (ip.defragment and ipv6.defragment on,
// single pass): `-T fields` value by value, the IP/UDP parts of -V and the
// -x data sources, on a generated capture (make_fragments.py: DNS and
// ICMP over both IP versions, out of order, interleaved, missing and
// duplicated fragments, a fragmented TCP segment) and on tcpdump-tests'
// afs.pcap; and the same output whatever the thread count, although the
// fragments of one datagram hash to different shards.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../../framework/src/ip_defrag.h"
#include "test_support.h"

namespace {

namespace st = strato::test;

const std::string& generated() {
  static const std::string path = [] {
    std::string p = st::temp_dir() + "/fragments.pcap";
    auto r = st::run("python3 " + st::source_dir() + "/tests/defrag/make_fragments.py " + p);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return p;
  }();
  return path;
}

std::string afs() { return st::shared_file("captures/tcpdump-tests/afs.pcap"); }

const std::vector<std::string> kFields = {
    "frame.number", "frame.protocols", "ip.id", "ip.flags.mf", "ip.frag_offset", "ip.fragments", "ip.fragment",
    "ip.fragment.count", "ip.fragment.error", "ip.fragment.overlap", "ip.fragment.overlap.conflict",
    "ip.fragment.multipletails", "ip.fragment.toolongfragment", "ip.reassembled.length", "ip.reassembled.data",
    "ip.reassembled_in", "ipv6.fraghdr.offset", "ipv6.fraghdr.more", "ipv6.fraghdr.ident",
    "ipv6.fraghdr.reserved_octet", "ipv6.fraghdr.reserved_bits", "ipv6.fragments", "ipv6.fragment",
    "ipv6.fragment.count", "ipv6.fragment.error", "ipv6.fragment.overlap", "ipv6.reassembled.length",
    "ipv6.reassembled.data", "udp.srcport", "udp.dstport", "udp.length", "udp.stream", "tcp.stream", "tcp.len",
    "tcp.seq", "tcp.ack", "dns.id", "dns.qry.name", "dns.flags.response", "dns.response_to", "dns.a", "icmp.type",
    "icmp.seq", "icmp.resp_to", "icmpv6.type", "icmpv6.echo.sequence_number", "_ws.col.Protocol", "_ws.col.Info"};

std::string field_args(const std::vector<std::string>& fields) {
  std::string a = " -T fields -E occurrence=a";
  for (auto& f : fields) a += " -e " + f;
  return a;
}

std::vector<std::vector<std::string>> table(const std::string& out) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : st::split_lines(out)) {
    std::vector<std::string> row;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, '\t');) row.push_back(cell);
    if (!line.empty() && line.back() == '\t') row.push_back("");
    rows.push_back(row);
  }
  return rows;
}

std::string strato_out(const std::string& args, const std::string& file, unsigned threads = 1) {
  auto r = st::run(st::strato_bin() + " read --threads " + std::to_string(threads) + args + " -r " + file);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

std::string tshark_out(const std::string& args, const std::string& file) {
  auto r = st::run("tshark -n -o ip.defragment:TRUE -o ipv6.defragment:TRUE" + args + " -r " + file + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0);
  return r.out;
}

// Layers past UDP that strato does not dissect (AFS over RX) are cut from
// both protocol lists; everything up to UDP must agree.
std::string through_udp(const std::string& protocols) {
  size_t at = protocols.find(":udp");
  return at == std::string::npos ? protocols : protocols.substr(0, at + 4);
}

void compare_fields(const std::string& file, bool cut_after_udp) {
  if (!st::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  std::vector<std::string> fields = kFields;
  if (cut_after_udp)  // RX/AFS sets Protocol and Info, and strato has no RX
    fields.resize(fields.size() - 2);
  auto theirs = table(tshark_out(field_args(fields), file));
  auto ours = table(strato_out(field_args(fields), file));
  ASSERT_EQ(ours.size(), theirs.size());
  ASSERT_GT(theirs.size(), 40u);
  auto col = [&](const char* name) { return size_t(std::find(fields.begin(), fields.end(), name) - fields.begin()); };
  const size_t ip_count = col("ip.fragment.count"), ipv6_count = col("ipv6.fragment.count");
  size_t reassembled = 0, bad = 0;
  for (size_t i = 0; i < theirs.size(); ++i) {
    ASSERT_EQ(ours[i].size(), fields.size()) << "frame " << i + 1;
    ASSERT_EQ(theirs[i].size(), fields.size()) << "frame " << i + 1;
    if (!theirs[i][ip_count].empty() || !theirs[i][ipv6_count].empty()) ++reassembled;
    for (size_t c = 0; c < fields.size(); ++c) {
      std::string t = theirs[i][c], o = ours[i][c];
      if (fields[c] == "frame.protocols" && cut_after_udp) t = through_udp(t), o = through_udp(o);
      if (t != o && ++bad <= 20)
        ADD_FAILURE() << file << " frame " << i + 1 << " " << fields[c] << ": ours \"" << o << "\", tshark \"" << t
                      << "\"";
    }
  }
  EXPECT_EQ(bad, 0u);
  EXPECT_GT(reassembled, 5u) << "the capture should hold reassembled datagrams";
}

TEST(DefragVsTshark, GeneratedCaptureFields) { compare_fields(generated(), false); }

TEST(DefragVsTshark, AfsCaptureFields) { compare_fields(afs(), true); }

// The IP and UDP parts of the detail tree: the fragment tree, its labels
// and the flags of overlapping fragments.
std::string ip_udp_tree(const std::string& detail) {
  std::string out;
  bool keep = false;
  for (const std::string& line : st::split_lines(detail)) {
    if (!line.empty() && line[0] != ' ')
      keep = line.rfind("Internet Protocol Version", 0) == 0 || line.rfind("User Datagram Protocol", 0) == 0;
    if (keep) out += line + "\n";
  }
  return out;
}

TEST(DefragVsTshark, GeneratedCaptureDetailTree) {
  if (!st::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  std::string theirs = ip_udp_tree(tshark_out(" -V", generated()));
  std::string ours = ip_udp_tree(strato_out(" -V", generated()));
  ASSERT_NE(theirs.find("[Conflicting data in fragment overlap: True]"), std::string::npos);
  ASSERT_NE(theirs.find("IPv6 Fragments"), std::string::npos);
  EXPECT_EQ(ours, theirs);
}

TEST(DefragVsTshark, ReassembledDataSourcesInHexDump) {
  if (!st::have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  for (const std::string& f : {generated(), afs()}) {
    std::string theirs = tshark_out(" -x", f);
    ASSERT_NE(theirs.find("Reassembled IPv4 ("), std::string::npos);
    EXPECT_EQ(strato_out(" -x", f), theirs) << f;
  }
  EXPECT_NE(strato_out(" -x", generated()).find("Reassembled IPv6 ("), std::string::npos);
}

TEST(DefragThreads, OneAndFourThreadsGiveTheSameOutput) {
  for (const std::string& f : {generated(), afs()}) {
    std::string one = strato_out(field_args(kFields), f, 1);
    EXPECT_EQ(strato_out(field_args(kFields), f, 4), one) << f;
    EXPECT_EQ(strato_out(" -V", f, 4), strato_out(" -V", f, 1)) << f;
  }
}

// The parallel test above means something only if the fragments of a
// datagram really go to another shard than the frame completing it.
TEST(DefragThreads, FragmentsOfOneDatagramHashToDifferentShards) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(generated().c_str(), err);
  ASSERT_TRUE(p) << err;
  strato::Batch batch;
  pcap_pkthdr* h;
  const u_char* data;
  while (pcap_next_ex(p, &h, &data) == 1) batch.append(data, h->caplen);
  pcap_close(p);
  batch.seal();
  strato::IpDefrag defrag;
  size_t split = 0, completed = 0;
  std::vector<uint64_t> shard_of(batch.count + 1);
  for (size_t i = 0; i < batch.count; ++i) {
    strato::Event& e = batch.events[i];
    e.link_type = 1;
    e.number = i + 1;
    defrag.feed(e);
    shard_of[e.number] = strato::IpDefrag::shard_hash(e) % 4;
    if (!e.reassembled.active()) continue;
    ++completed;
    for (auto& frag : e.reassembled.fragments)
      if (shard_of[frag.frame] != shard_of[e.number]) {
        ++split;
        break;
      }
  }
  EXPECT_GT(completed, 20u);
  EXPECT_GT(split, completed / 3) << "too few datagrams span shards for the thread test to mean much";
}

TEST(DefragLimits, StaleDatagramsAreDroppedWithAWarning) {
  std::string f = st::temp_dir() + "/stale.pcap";
  ASSERT_EQ(st::run("python3 " + st::source_dir() + "/tests/defrag/make_fragments.py " + f + " --stale").exit_code, 0);
  auto r = st::run(st::strato_bin() + " read -T fields -e frame.number -e ip.fragment -e _ws.col.Info -r " + f);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = st::split_lines(r.out);
  ASSERT_EQ(lines.size(), 4u);
  // More than a minute after its first fragment, the datagram is gone.
  EXPECT_EQ(lines[3], "4\t\tFragmented IP protocol (proto=UDP 17, off=32, ID=0a0a)");
  EXPECT_NE(r.err.find("warning: 2 incomplete IP datagrams (32 bytes of fragments) dropped from reassembly"),
            std::string::npos)
      << r.err;
}

}  // namespace
