#pragma once
// A small counter tree printed in the layout of tshark's stats_tree tables
// ("Topic / Item  Count  Average  Min Val  Max Val  Rate (ms)  Percent"),
// used by the DNS and HTTP summaries. Percent is of the parent's count.
#include <cstdint>
#include <string>
#include <vector>

namespace strato::stats {

class StatsTree {
 public:
  // Node 0 is the invisible root; top-level rows are its children.
  static constexpr size_t kRoot = 0;

  StatsTree();
  // The child of `parent` named `name`, created on first use (rows are
  // printed in creation order unless sort_children() reorders them).
  size_t node(size_t parent, const std::string& name);
  void count(size_t n, uint64_t by = 1) { nodes_[n].count += by; }
  // Records one value (count, average, min, max columns).
  void value(size_t n, double v, bool integer);
  // Prints `v` in the Average column only, without a count (percentiles).
  void set_plain(size_t n, double v);
  // Most counted first, ties in creation order; keep only `limit` (0: all).
  void sort_children(size_t n, size_t limit = 0);
  // Rate (ms) is count / time between the first and last counted event.
  void set_span(uint64_t first_ns, uint64_t last_ns) { first_ns_ = first_ns, last_ns_ = last_ns; }

  void print(const std::string& title, std::string& out) const;

 private:
  struct Node {
    std::string name;
    size_t parent = 0;
    std::vector<size_t> children;
    uint64_t count = 0, values = 0;
    double sum = 0, min = 0, max = 0;
    bool integer = true, plain = false;
  };
  void print_node(size_t n, int depth, size_t width, std::string& out) const;
  size_t name_width(size_t n, int depth) const;

  std::vector<Node> nodes_;
  uint64_t first_ns_ = 0, last_ns_ = 0;
};

// Nearest-rank percentile of sorted values (p in 0..100).
double percentile(const std::vector<double>& sorted, double p);

}  // namespace strato::stats
