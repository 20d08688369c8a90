#include "stats_tree.h"

#include <algorithm>
#include <cmath>

#include "table_text.h"

namespace strato::stats {

namespace {
constexpr int kColumn = 14;
const char* const kHeads[] = {"Count", "Average", "Min Val", "Max Val", "Rate (ms)", "Percent"};
constexpr size_t kColumns = sizeof kHeads / sizeof kHeads[0];
}  // namespace

StatsTree::StatsTree() { nodes_.push_back({}); }

size_t StatsTree::node(size_t parent, const std::string& name) {
  for (size_t c : nodes_[parent].children)
    if (nodes_[c].name == name) return c;
  Node n;
  n.name = name;
  n.parent = parent;
  nodes_.push_back(std::move(n));
  nodes_[parent].children.push_back(nodes_.size() - 1);
  return nodes_.size() - 1;
}

void StatsTree::value(size_t n, double v, bool integer) {
  Node& x = nodes_[n];
  x.count += 1;
  if (x.values == 0 || v < x.min) x.min = v;
  if (x.values == 0 || v > x.max) x.max = v;
  x.values += 1;
  x.sum += v;
  x.integer = integer;
}

void StatsTree::set_plain(size_t n, double v) {
  nodes_[n].plain = true;
  nodes_[n].sum = v;
}

void StatsTree::sort_children(size_t n, size_t limit) {
  auto& ch = nodes_[n].children;
  std::stable_sort(ch.begin(), ch.end(), [&](size_t a, size_t b) { return nodes_[a].count > nodes_[b].count; });
  if (limit && ch.size() > limit) ch.resize(limit);
}

size_t StatsTree::name_width(size_t n, int depth) const {
  size_t w = 0;
  for (size_t c : nodes_[n].children) {
    w = std::max(w, static_cast<size_t>(depth) + nodes_[c].name.size());
    w = std::max(w, name_width(c, depth + 1));
  }
  return w;
}

void StatsTree::print(const std::string& title, std::string& out) const {
  size_t width = std::max<size_t>(name_width(kRoot, 0), 12) + 2;
  size_t line = width + kColumns * kColumn;
  out += "\n" + std::string(line, '=') + "\n" + title + ":\n";
  appendf(out, "%-*s", static_cast<int>(width), "Topic / Item");
  for (const char* h : kHeads) appendf(out, "%-*s", kColumn, h);
  out += "\n" + std::string(line, '-') + "\n";
  for (size_t c : nodes_[kRoot].children) print_node(c, 0, width, out);
  out += "\n" + std::string(line, '-') + "\n";
}

void StatsTree::print_node(size_t n, int depth, size_t width, std::string& out) const {
  const Node& x = nodes_[n];
  std::string name(static_cast<size_t>(depth), ' ');
  name += x.name;
  std::string row;
  appendf(row, "%-*s", static_cast<int>(width), name.c_str());
  auto cell = [&](const std::string& s) { appendf(row, "%-*s", kColumn, s.c_str()); };
  auto num = [&](double v, bool integer) {
    std::string s;
    if (integer) appendf(s, "%.0f", v);
    else appendf(s, "%.6f", v);
    return s;
  };
  if (x.plain) {
    cell("");
    cell(num(x.sum, false));
    cell(""), cell(""), cell(""), cell("");
  } else {
    cell(std::to_string(x.count));
    if (x.values) {
      std::string avg;
      appendf(avg, "%.2f", x.sum / static_cast<double>(x.values));
      cell(avg), cell(num(x.min, x.integer)), cell(num(x.max, x.integer));
    } else {
      cell(""), cell(""), cell("");
    }
    double span_ms = static_cast<double>(last_ns_ - first_ns_) / 1e6;
    std::string rate;
    appendf(rate, "%.4f", span_ms > 0 ? static_cast<double>(x.count) / span_ms : 0.0);
    cell(rate);
    std::string pct;
    uint64_t whole = x.parent == kRoot ? 0 : nodes_[x.parent].count;
    if (x.parent == kRoot) pct = "100%";
    else appendf(pct, "%.2f%%", whole ? 100.0 * static_cast<double>(x.count) / static_cast<double>(whole) : 0.0);
    cell(pct);
  }
  while (!row.empty() && row.back() == ' ') row.pop_back();
  out += row + "\n";
  for (size_t c : x.children) print_node(c, depth + 1, width, out);
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  // Nearest rank: the smallest value with at least p% of values at or below it.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  if (rank < 1) rank = 1;
  return sorted[std::min(rank, sorted.size()) - 1];
}

}  // namespace strato::stats
