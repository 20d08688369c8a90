// TimeOrder: records from several rings come out in time order, equal times
// in arrival order, whether they arrived in order or late.
#include <gtest/gtest.h>

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
    q.push({t, seq, &ids[seq]});
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

}  // namespace
