// TimeOrder: records from several rings come out in time order, equal times
// in arrival order, whether they arrived in order or late.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "../../sources/ebpf/time_order.h"

namespace {

using strato::ebpf::TimeOrder;

TEST(TimeOrder, MergesLateArrivalsAndKeepsArrivalOrderForEqualTimes) {
  TimeOrder<int> q;
  std::vector<int> ids(200);
  std::mt19937 rng(7);
  std::vector<std::pair<uint64_t, uint64_t>> pushed;  // (ts, seq)
  uint64_t ts = 1000;
  for (uint64_t seq = 0; seq < ids.size(); ++seq) {
    // Mostly increasing, with a late one (another ring) every few records and some equal times.
    uint64_t t = rng() % 5 == 0 ? ts - rng() % 50 : (ts += rng() % 3);
    q.push({t, seq, 0, &ids[seq]});
    pushed.push_back({t, seq});
  }
  ASSERT_EQ(q.size(), ids.size());
  std::sort(pushed.begin(), pushed.end());
  for (auto& [t, seq] : pushed) {
    ASSERT_FALSE(q.empty());
    EXPECT_EQ(q.top().ts, t);
    EXPECT_EQ(q.top().seq, seq);
    EXPECT_EQ(q.top().p, &ids[seq]);
    q.pop();
  }
  EXPECT_TRUE(q.empty());
}

// A reader pass hands over one ring's records, then the next ring's: each
// ring is in order within itself, but all of the second ring's records are
// earlier than the first ring's last ones.
TEST(TimeOrder, MergesRingsHandedOverOneAfterTheOther) {
  TimeOrder<int> q;
  constexpr uint32_t kRings = 3;
  std::vector<int> ids(3000);
  std::mt19937 rng(11);
  std::vector<std::pair<uint64_t, uint64_t>> pushed;
  uint64_t seq = 0, ring_ts[kRings] = {5000, 5000, 5000};
  for (int pass = 0; pass < 10; ++pass) {
    for (uint32_t ring = 0; ring < kRings; ++ring) {
      for (int k = 0; k < 100; ++k, ++seq) {
        // Now and then a record late within its own ring (a nested program).
        uint64_t t = rng() % 17 == 0 ? ring_ts[ring] - rng() % 30 : (ring_ts[ring] += rng() % 4);
        q.push({t, seq, ring, &ids[seq]});
        pushed.push_back({t, seq});
      }
    }
    // Some leave before the next pass, as the engine takes batches.
    std::sort(pushed.begin(), pushed.end());
    for (int k = 0; k < 150; ++k) {
      ASSERT_EQ(q.top().ts, pushed.front().first);
      ASSERT_EQ(q.top().seq, pushed.front().second);
      q.pop();
      pushed.erase(pushed.begin());
    }
  }
  ASSERT_EQ(q.size(), pushed.size());
  for (auto& [t, s] : pushed) {
    ASSERT_EQ(q.top().ts, t);
    ASSERT_EQ(q.top().seq, s);
    EXPECT_EQ(q.top().p, &ids[s]);
    q.pop();
  }
  EXPECT_TRUE(q.empty());
}

}  // namespace
