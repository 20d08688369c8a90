// The reassembly table of the engine's pre-pass on hand-made fragments:
// tshark's overlap/conflict/tail flags, the memory and age limits, and
// truncated or bogus headers (never a crash, never a datagram).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "../../framework/src/ip_defrag.h"
#include "strato/flow_hash.h"

namespace {

using strato::Batch;
using strato::Event;
using strato::IpDefrag;
using strato::IpReassembly;

using Bytes = std::vector<uint8_t>;

// A raw IPv4 fragment (LINKTYPE_IPV4) from 10.0.0.1 to 10.0.0.2.
Bytes v4(uint16_t id, uint32_t offset, bool more, const std::string& payload, uint8_t proto = 17) {
  uint16_t total = uint16_t(20 + payload.size()), fo = uint16_t(offset / 8 | (more ? 0x2000 : 0));
  Bytes p = {0x45, 0, uint8_t(total >> 8), uint8_t(total), uint8_t(id >> 8), uint8_t(id), uint8_t(fo >> 8), uint8_t(fo),
             64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

// A raw IPv6 packet (LINKTYPE_IPV6) with a fragment header.
Bytes v6(uint32_t id, uint32_t offset, bool more, const std::string& payload, uint8_t nxt = 17) {
  uint16_t plen = uint16_t(8 + payload.size()), fo = uint16_t(offset | (more ? 1 : 0));
  Bytes p = {0x60, 0, 0, 0, uint8_t(plen >> 8), uint8_t(plen), 44, 64};
  for (int i = 0; i < 16; ++i) p.push_back(i == 15 ? 1 : i == 0 ? 0x20 : 0);
  for (int i = 0; i < 16; ++i) p.push_back(i == 15 ? 2 : i == 0 ? 0x20 : 0);
  Bytes fh = {nxt, 0, uint8_t(fo >> 8), uint8_t(fo), uint8_t(id >> 24), uint8_t(id >> 16), uint8_t(id >> 8), uint8_t(id)};
  p.insert(p.end(), fh.begin(), fh.end());
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

// Feeds packets as consecutive frames (1 s apart unless `gap_s` says
// otherwise) and returns the events, each with what the pre-pass set.
struct Feeder {
  Batch batch;
  IpDefrag defrag;
  explicit Feeder(IpDefrag::Limits l = {}) : defrag(l) {}
  void feed(const std::vector<Bytes>& pkts, uint32_t link, uint64_t gap_s = 1) {
    batch.clear();
    for (const Bytes& p : pkts) batch.append(p.data(), uint32_t(p.size()));
    batch.seal();
    for (size_t i = 0; i < batch.count; ++i) {
      Event& e = batch.events[i];
      e.link_type = link;
      e.number = ++frames;
      e.ts_ns = (ts += gap_s * 1000000000ull);
      defrag.feed(e);
    }
  }
  const Event& ev(size_t i) const { return batch.events[i]; }
  uint64_t frames = 0, ts = 0;
};

TEST(IpDefrag, InOrderAndOutOfOrderComplete) {
  Feeder r;
  r.feed({v4(1, 0, true, "AAAAAAAA"), v4(1, 8, true, "BBBBBBBB"), v4(1, 16, false, "CC")}, 228);
  EXPECT_FALSE(r.ev(0).reassembled.active());
  EXPECT_FALSE(r.ev(1).reassembled.active());
  const IpReassembly& a = r.ev(2).reassembled;
  ASSERT_TRUE(a.active());
  EXPECT_EQ(a.data, "AAAAAAAABBBBBBBBCC");
  EXPECT_EQ(a.version, 4);
  EXPECT_EQ(a.proto, 17);
  EXPECT_EQ(a.ip_offset, 0u);
  ASSERT_EQ(a.fragments.size(), 3u);
  EXPECT_EQ(a.fragments[2].frame, 3u);
  EXPECT_EQ(a.flags, 0);

  r.feed({v4(2, 16, false, "cc"), v4(2, 0, true, "aaaaaaaa"), v4(2, 8, true, "bbbbbbbb")}, 228);
  const IpReassembly& b = r.ev(2).reassembled;
  ASSERT_TRUE(b.active());
  EXPECT_EQ(b.data, "aaaaaaaabbbbbbbbcc");
  // Listed by offset, as tshark lists them.
  EXPECT_EQ(b.fragments[0].frame, 5u);
  EXPECT_EQ(b.fragments[1].frame, 6u);
  EXPECT_EQ(b.fragments[2].frame, 4u);
  EXPECT_EQ(r.defrag.pending_datagrams(), 0u);
}

TEST(IpDefrag, KeyIncludesProtocolAndId) {
  Feeder r;
  r.feed({v4(7, 0, true, "AAAAAAAA"), v4(7, 8, false, "B", 6), v4(8, 8, false, "C")}, 228);
  for (size_t i = 0; i < 3; ++i) EXPECT_FALSE(r.ev(i).reassembled.active()) << i;
  EXPECT_EQ(r.defrag.pending_datagrams(), 3u);
}

TEST(IpDefrag, DuplicateIsAnOverlapAndDifferentBytesAConflict) {
  Feeder r;
  r.feed({v4(3, 0, true, "AAAAAAAA"), v4(3, 0, true, "AAAAAAAA"), v4(3, 8, false, "B")}, 228);
  const IpReassembly& d = r.ev(2).reassembled;
  ASSERT_TRUE(d.active());
  ASSERT_EQ(d.fragments.size(), 3u);
  EXPECT_EQ(d.fragments[1].frame, 2u);  // the duplicate follows the original
  EXPECT_EQ(d.fragments[1].flags, IpReassembly::Overlap);
  EXPECT_EQ(d.flags & IpReassembly::kIllegal, 0);

  r.feed({v4(4, 0, true, "AAAAAAAA"), v4(4, 0, true, "AAAAAAAX"), v4(4, 8, false, "B")}, 228);
  const IpReassembly& c = r.ev(2).reassembled;
  ASSERT_TRUE(c.active());
  EXPECT_EQ(c.data, "AAAAAAAAB");  // the first copy wins
  EXPECT_EQ(c.fragments[1].flags, IpReassembly::Overlap | IpReassembly::OverlapConflict);
  EXPECT_NE(c.flags & IpReassembly::kIllegal, 0);
}

TEST(IpDefrag, MultipleTailsAndTooLongFragments) {
  Feeder r;
  // Two tails: the first one fixes the length; the longer one is another
  // tail, runs past the end and overlaps the first.
  r.feed({v4(5, 8, false, "BB"), v4(5, 8, false, "BBBB"), v4(5, 0, true, "AAAAAAAA")}, 228);
  const IpReassembly& t = r.ev(2).reassembled;
  ASSERT_TRUE(t.active());
  EXPECT_EQ(t.data, "AAAAAAAABB");
  EXPECT_EQ(t.fragments[2].frame, 2u);
  EXPECT_EQ(t.fragments[2].flags, IpReassembly::MultipleTails | IpReassembly::TooLong | IpReassembly::Overlap);
  EXPECT_EQ(t.fragments[1].flags, 0);
  EXPECT_NE(t.flags & IpReassembly::kIllegal, 0);
}

TEST(IpDefrag, AfterCompletionALateCopyStartsAFreshDatagram) {
  Feeder r;
  r.feed({v4(6, 0, true, "AAAAAAAA"), v4(6, 8, false, "B"), v4(6, 8, false, "B")}, 228);
  EXPECT_TRUE(r.ev(1).reassembled.active());
  EXPECT_FALSE(r.ev(2).reassembled.active());
  EXPECT_EQ(r.defrag.pending_datagrams(), 1u);
}

TEST(IpDefrag, Ipv6UsesTheFragmentHeaderAndItsNextHeader) {
  Feeder r;
  r.feed({v6(0x11223344, 8, false, "tail", 58), v6(0x11223344, 0, true, "headhead", 58)}, 229);
  const IpReassembly& a = r.ev(1).reassembled;
  ASSERT_TRUE(a.active());
  EXPECT_EQ(a.version, 6);
  EXPECT_EQ(a.proto, 58);
  EXPECT_EQ(a.data, "headheadtail");
  // An empty fragment is listed too.
  r.feed({v6(9, 0, true, "12345678"), v6(9, 8, true, ""), v6(9, 8, false, "9")}, 229);
  const IpReassembly& z = r.ev(2).reassembled;
  ASSERT_TRUE(z.active());
  EXPECT_EQ(z.fragments.size(), 3u);
  EXPECT_EQ(z.data, "123456789");
}

TEST(IpDefrag, OldDatagramsAreDroppedAndCounted) {
  IpDefrag::Limits l;
  l.max_age_ns = 10ull * 1000000000ull;
  Feeder r(l);
  r.feed({v4(10, 0, true, "AAAAAAAA"), v4(11, 0, true, "AAAAAAAA")}, 228, 1);
  EXPECT_EQ(r.defrag.pending_datagrams(), 2u);
  r.feed({v4(10, 8, false, "B")}, 228, 30);  // too late: its datagram is gone
  EXPECT_FALSE(r.ev(0).reassembled.active());
  EXPECT_EQ(r.defrag.dropped_datagrams(), 2u);
  EXPECT_EQ(r.defrag.dropped_bytes(), 16u);
  EXPECT_EQ(r.defrag.pending_datagrams(), 1u);
}

TEST(IpDefrag, PendingBytesAreCapped) {
  IpDefrag::Limits l;
  l.max_pending_bytes = 4000;
  Feeder r(l);
  std::vector<Bytes> pkts;
  for (uint16_t id = 0; id < 100; ++id) pkts.push_back(v4(id, 0, true, std::string(400, 'x')));
  r.feed(pkts, 228, 0);
  EXPECT_LE(r.defrag.pending_bytes(), 4000u);
  EXPECT_GE(r.defrag.dropped_datagrams(), 90u);
  // The newest datagrams survive and still complete.
  r.feed({v4(99, 400, false, "end")}, 228, 0);
  EXPECT_TRUE(r.ev(0).reassembled.active());
}

TEST(IpDefrag, TruncatedAndBogusHeadersAreIgnored) {
  Feeder r;
  Bytes good = v4(12, 0, true, "AAAAAAAA");
  std::vector<Bytes> pkts;
  for (size_t n = 0; n < good.size(); ++n) pkts.emplace_back(good.begin(), good.begin() + long(n));
  Bytes bad_ihl = good;
  bad_ihl[0] = 0x41;  // header length 4
  Bytes short_total = good;
  short_total[3] = 10;  // total length shorter than the header
  Bytes long_total = good;
  long_total[3] = 200;  // payload not all captured: tshark does not reassemble it
  pkts.insert(pkts.end(), {bad_ihl, short_total, long_total});
  Bytes six = v6(1, 0, true, "AAAAAAAA");
  for (size_t n = 0; n < six.size(); ++n) pkts.emplace_back(six.begin(), six.begin() + long(n));
  Bytes six_plen = six;
  six_plen[5] = 200;
  pkts.push_back(six_plen);
  r.feed(pkts, 228);
  r.feed(pkts, 229);
  r.feed(pkts, 1);  // not Ethernet frames at all
  EXPECT_EQ(r.defrag.pending_datagrams(), 0u);
  // Their tails complete nothing.
  r.feed({v4(12, 8, false, "B")}, 228);
  EXPECT_FALSE(r.ev(0).reassembled.active());
}

// Random fragments (overlapping, duplicated, several tails, empty): every
// completed payload holds, at each fragment's place, the bytes of the
// fragment that provided them, and the table never outgrows its limit.
TEST(IpDefrag, RandomFragmentsKeepTheirBytes) {
  std::mt19937 rng(12345);
  IpDefrag::Limits l;
  l.max_pending_bytes = 200000;
  Feeder r(l);
  std::map<uint64_t, std::string> sent;  // frame -> its payload
  size_t completed = 0;
  for (int round = 0; round < 400; ++round) {
    std::vector<Bytes> pkts;
    std::vector<std::string> payloads;
    for (int i = 0; i < 50; ++i) {
      uint16_t id = uint16_t(rng() % 12);
      uint32_t offset = (rng() % 40) * 8, len = rng() % 90;
      bool more = rng() % 3 != 0;
      std::string pl(len, '\0');
      for (char& c : pl) c = char('a' + rng() % 3);
      if (rng() % 2) {
        if (len == 0) pl = "z";
        pkts.push_back(v4(id, offset, more, pl));
      } else {
        pkts.push_back(v6(id, offset, more, pl));
      }
      payloads.push_back(pl);
    }
    r.feed(pkts, rng() % 2 ? 228 : 229, 0);  // the wrong link type half the time: no IPv6 (or IPv4) then
    for (size_t i = 0; i < r.batch.count; ++i) {
      const Event& e = r.ev(i);
      sent[e.number] = payloads[i];
      const IpReassembly& a = e.reassembled;
      if (!a.active()) continue;
      ++completed;
      ASSERT_FALSE(a.fragments.empty());
      for (size_t k = 1; k < a.fragments.size(); ++k) ASSERT_LE(a.fragments[k - 1].offset, a.fragments[k].offset);
      for (const auto& f : a.fragments) {
        const std::string& pl = sent[f.frame];
        ASSERT_EQ(pl.size(), f.len);
        if (f.len == 0 || (f.flags & (IpReassembly::Overlap | IpReassembly::TooLong))) continue;
        ASSERT_LE(f.offset + f.len, a.data.size());
        EXPECT_EQ(a.data.compare(f.offset, f.len, pl), 0) << "frame " << f.frame;
      }
    }
    ASSERT_LE(r.defrag.pending_bytes(), l.max_pending_bytes);
  }
  EXPECT_GT(completed, 100u);
}

TEST(IpDefrag, CompletingEventHashesLikeItsUnfragmentedDatagram) {
  const std::string udp = std::string("\x9c\x40\x00\x35\x00\x0e\x00\x00", 8) + "hello!";
  Bytes whole = v4(20, 0, false, udp);
  whole[6] = whole[7] = 0;
  Feeder r;
  r.feed({v4(20, 8, false, udp.substr(8)), v4(20, 0, true, udp.substr(0, 8))}, 228);
  ASSERT_TRUE(r.ev(1).reassembled.active());
  EXPECT_EQ(IpDefrag::shard_hash(r.ev(1)), strato::flow_hash(228, whole.data(), uint32_t(whole.size())));
  EXPECT_EQ(IpDefrag::shard_hash(r.ev(0)), strato::flow_hash(228, r.ev(0).data, r.ev(0).cap_len));
}

}  // namespace
