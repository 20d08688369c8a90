#pragma once
// Puts records from several CPUs and rings back in time order. Nearly all
// of them already arrive in order, so those go to a FIFO at O(1); only the
// late ones pay for a heap, and the two are merged on the way out.
#include <cstdint>
#include <deque>
#include <queue>
#include <vector>

namespace strato::ebpf {

template <typename T>
class TimeOrder {
 public:
  struct Item {
    uint64_t ts, seq;  // seq: arrival order, so equal times keep it
    T* p;
  };

  void push(const Item& i) {
    if (run_.empty() || !before(i, run_.back())) run_.push_back(i);
    else late_.push(i);
  }
  bool empty() const { return run_.empty() && late_.empty(); }
  size_t size() const { return run_.size() + late_.size(); }
  // The earliest item; only when !empty().
  const Item& top() const {
    if (late_.empty()) return run_.front();
    if (run_.empty()) return late_.top();
    return before(late_.top(), run_.front()) ? late_.top() : run_.front();
  }
  void pop() {
    if (late_.empty() || (!run_.empty() && !before(late_.top(), run_.front()))) run_.pop_front();
    else late_.pop();
  }

 private:
  static bool before(const Item& a, const Item& b) { return a.ts != b.ts ? a.ts < b.ts : a.seq < b.seq; }
  struct Later {
    bool operator()(const Item& a, const Item& b) const { return before(b, a); }
  };
  std::deque<Item> run_;
  std::priority_queue<Item, std::vector<Item>, Later> late_;
};

}  // namespace strato::ebpf
