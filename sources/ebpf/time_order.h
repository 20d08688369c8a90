#pragma once
// Puts records from several CPUs and rings back in time order. Each ring
// delivers its records nearly in order, but a reader pass hands over one
// ring after the other, so every ring gets its own FIFO run at O(1); only
// records late within their own ring pay for a heap. The way out merges the
// fronts of the runs and the heap's top.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <queue>
#include <vector>

namespace strato::ebpf {

template <typename T>
class TimeOrder {
 public:
  // 24 bytes: a larger item costs more in the queues than the runs save.
  struct Item {
    uint64_t ts;
    uint64_t seq : 48;  // arrival order, so equal times keep it
    uint64_t run : 16;  // the ring it came from
    T* p;
  };

  void push(const Item& i) {
    if (i.run >= runs_.size()) runs_.resize(i.run + 1);
    std::deque<Item>& r = runs_[i.run];
    if (r.empty() || !before(i, r.back())) {
      if (r.empty()) ++live_runs_;
      r.push_back(i);
      last_ = i.run;
    } else {
      late_.push(i);
    }
    ++size_;
    first_ = kUnknown;
  }
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  // The earliest item; only when !empty().
  const Item& top() const {
    const size_t f = first();
    return f == kLate ? late_.top() : runs_[f].front();
  }
  void pop() {
    const size_t f = first();
    if (f == kLate) {
      late_.pop();
    } else {
      runs_[f].pop_front();
      if (runs_[f].empty()) --live_runs_;
    }
    --size_;
    first_ = kUnknown;
  }

 private:
  static constexpr size_t kLate = ~size_t(0), kUnknown = kLate - 1;
  static bool before(const Item& a, const Item& b) { return a.ts != b.ts ? a.ts < b.ts : a.seq < b.seq; }
  // Where the earliest item is: a run's index or kLate. Rings are few (one
  // per CPU at most), so a scan of the fronts is cheaper than a heap of runs.
  size_t first() const {
    if (first_ != kUnknown) return first_;
    // One ring (the default), or one busy CPU: no scan.
    if (live_runs_ == 1 && late_.empty() && !runs_[last_].empty()) return first_ = last_;
    const Item* best = late_.empty() ? nullptr : &late_.top();
    size_t at = kLate;
    if (live_runs_ > 0) {
      for (size_t r = 0; r < runs_.size(); ++r) {
        if (runs_[r].empty()) continue;
        if (!best || before(runs_[r].front(), *best)) {
          best = &runs_[r].front();
          at = r;
        }
      }
    }
    first_ = at;
    return at;
  }
  struct Later {
    bool operator()(const Item& a, const Item& b) const { return before(b, a); }
  };
  std::vector<std::deque<Item>> runs_;
  size_t live_runs_ = 0, size_ = 0;
  size_t last_ = 0;  // the run pushed to last
  mutable size_t first_ = kUnknown;
  std::priority_queue<Item, std::vector<Item>, Later> late_;
};

}  // namespace strato::ebpf
