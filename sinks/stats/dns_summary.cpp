// -z dns,tree: a DNS summary in the stats_tree layout. The first rows count
// what tshark's dns,tree counts (per DNS packet: query/response, rcode,
// opcode, query type and class); then the most asked names, unanswered
// queries and response-time percentiles, which tshark does not give.
#include <algorithm>
#include <vector>

#include "event_fields.h"
#include "statistic.h"
#include "stats_tree.h"

namespace strato::stats {
namespace {

class DnsSummary : public Statistic {
 public:
  explicit DnsSummary(std::string filter) : filter_(std::move(filter)) {
    auto& r = FieldRegistry::instance();
    dns_ = r.find("dns"), flags_ = r.find("dns.flags"), response_ = r.find("dns.flags.response"), rcode_ = r.find("dns.flags.rcode");
    opcode_ = r.find("dns.flags.opcode"), qtype_ = r.find("dns.qry.type"), qclass_ = r.find("dns.qry.class");
    qname_ = r.find("dns.qry.name"), time_ = r.find("dns.time");
    total_ = tree_.node(StatsTree::kRoot, "Total Packets");
    qr_ = tree_.node(total_, "Query/Response");
    rcodes_ = tree_.node(total_, "rcode");
    opcodes_ = tree_.node(total_, "opcodes");
    qtypes_ = tree_.node(total_, "Query Type");
    classes_ = tree_.node(total_, "Class");
    names_ = tree_.node(StatsTree::kRoot, "Query Names (top 10)");
    unanswered_ = tree_.node(StatsTree::kRoot, "Unanswered Queries");
    rtt_ = tree_.node(StatsTree::kRoot, "Response Time (msec)");
  }

  void add(const Event& ev) override {
    if (!first(ev, dns_)) return;
    if (!seen_) first_ns_ = ev.rel_ns, seen_ = true;
    last_ns_ = ev.rel_ns;
    tree_.count(total_);
    const FieldValue* resp = first(ev, response_);
    bool is_response = resp && resp->v.u;
    if (resp) tree_.count(qr_), tree_.count(tree_.node(qr_, is_response ? "Response" : "Query"));
    // tshark counts the header's rcode and opcode of queries too, though its
    // tree shows dns.flags.rcode for responses only: read them from dns.flags.
    if (const FieldValue* fl = first(ev, flags_)) {
      named(rcode_, fl->v.u & 0xf, rcodes_);
      named(opcode_, (fl->v.u >> 11) & 0xf, opcodes_);
    }
    if (const FieldValue* t = first(ev, qtype_)) named(qtype_, t->v.u, qtypes_);
    if (const FieldValue* c = first(ev, qclass_)) named(qclass_, c->v.u, classes_);
    if (resp && !is_response) {
      ++queries_;
      if (const FieldValue* n = first(ev, qname_)) {
        std::string name(field_bytes(ev, *n));
        tree_.count(names_), tree_.count(tree_.node(names_, name.empty() ? "<Root>" : name));
      }
    }
    if (const FieldValue* t = first(ev, time_); t && is_response) {
      ++answered_;
      double ms = millis(time_, *t);
      tree_.value(rtt_, ms, false);
      times_.push_back(ms);
    }
  }

  void print(std::string& out) const override {
    StatsTree t = tree_;
    for (size_t n : {qr_, rcodes_, opcodes_, qtypes_, classes_}) t.sort_children(n);
    t.sort_children(names_, 10);
    t.count(unanswered_, queries_ > answered_ ? queries_ - answered_ : 0);
    std::vector<double> sorted = times_;
    std::sort(sorted.begin(), sorted.end());
    if (!sorted.empty()) {
      t.set_plain(t.node(rtt_, "p50"), percentile(sorted, 50));
      t.set_plain(t.node(rtt_, "p90"), percentile(sorted, 90));
      t.set_plain(t.node(rtt_, "p99"), percentile(sorted, 99));
    }
    t.set_span(first_ns_, last_ns_);
    t.print(filter_.empty() ? "DNS" : "DNS (filter: " + filter_ + ")", out);
  }

 private:
  // Counts `v` under `parent`, by the value name field `f` gives it.
  void named(FieldId f, uint64_t v, size_t parent) {
    const char* name = f == kNoField ? nullptr : FieldRegistry::instance().info(f).value_name(v);
    tree_.count(parent);
    tree_.count(tree_.node(parent, name ? name : "Unknown (" + std::to_string(v) + ")"));
  }

  std::string filter_;
  FieldId dns_, flags_, response_, rcode_, opcode_, qtype_, qclass_, qname_, time_;
  StatsTree tree_;
  size_t total_, qr_, rcodes_, opcodes_, qtypes_, classes_, names_, unanswered_, rtt_;
  uint64_t queries_ = 0, answered_ = 0, first_ns_ = 0, last_ns_ = 0;
  bool seen_ = false;
  std::vector<double> times_;
};

}  // namespace

std::unique_ptr<Statistic> make_dns_summary(const std::string& filter) {
  return std::make_unique<DnsSummary>(filter);
}

}  // namespace strato::stats
