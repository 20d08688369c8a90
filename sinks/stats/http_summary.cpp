// -z http,tree: an HTTP summary in the stats_tree layout. The packet rows
// count what tshark's http,tree counts (requests by method, responses by
// status class and code); then requests by host, errors and response-time
// percentiles.
#include <algorithm>
#include <vector>

#include "event_fields.h"
#include "statistic.h"
#include "stats_tree.h"

namespace strato::stats {
namespace {

const char* status_class(uint64_t code) {
  switch (code / 100) {
    case 1: return "1xx: Informational";
    case 2: return "2xx: Success";
    case 3: return "3xx: Redirection";
    case 4: return "4xx: Client Error";
    case 5: return "5xx: Server Error";
    default: return "???: broken";
  }
}

// Standard reason phrases (RFC 9110 and friends): like tshark, rows are named
// by the code's standard phrase, not by what the server wrote.
const char* standard_phrase(uint64_t code) {
  static const struct { uint16_t code; const char* phrase; } kPhrases[] = {
      {100, "Continue"}, {101, "Switching Protocols"}, {102, "Processing"}, {103, "Early Hints"},
      {200, "OK"}, {201, "Created"}, {202, "Accepted"}, {203, "Non-authoritative Information"},
      {204, "No Content"}, {205, "Reset Content"}, {206, "Partial Content"}, {207, "Multi-Status"},
      {208, "Already Reported"}, {226, "IM Used"},
      {300, "Multiple Choices"}, {301, "Moved Permanently"}, {302, "Found"}, {303, "See Other"},
      {304, "Not Modified"}, {305, "Use Proxy"}, {307, "Temporary Redirect"}, {308, "Permanent Redirect"},
      {400, "Bad Request"}, {401, "Unauthorized"}, {402, "Payment Required"}, {403, "Forbidden"},
      {404, "Not Found"}, {405, "Method Not Allowed"}, {406, "Not Acceptable"},
      {407, "Proxy Authentication Required"}, {408, "Request Time-out"}, {409, "Conflict"}, {410, "Gone"},
      {411, "Length Required"}, {412, "Precondition Failed"}, {413, "Request Entity Too Large"},
      {414, "Request-URI Too Long"}, {415, "Unsupported Media Type"}, {416, "Requested Range Not Satisfiable"},
      {417, "Expectation Failed"}, {418, "I'm a teapot"}, {421, "Misdirected Request"},
      {422, "Unprocessable Entity"}, {423, "Locked"}, {424, "Failed Dependency"}, {425, "Too Early"},
      {426, "Upgrade Required"}, {428, "Precondition Required"}, {429, "Too Many Requests"},
      {431, "Request Header Fields Too Large"}, {451, "Unavailable For Legal Reasons"},
      {500, "Internal Server Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
      {503, "Service Unavailable"}, {504, "Gateway Time-out"}, {505, "HTTP Version not supported"},
      {506, "Variant Also Negotiates"}, {507, "Insufficient Storage"}, {508, "Loop Detected"},
      {510, "Not Extended"}, {511, "Network Authentication Required"},
  };
  for (const auto& p : kPhrases)
    if (p.code == code) return p.phrase;
  return nullptr;
}

class HttpSummary : public Statistic {
 public:
  explicit HttpSummary(std::string filter) : filter_(std::move(filter)) {
    auto& r = FieldRegistry::instance();
    http_ = r.find("http"), method_ = r.find("http.request.method"), code_ = r.find("http.response.code");
    phrase_ = r.find("http.response.phrase"), host_ = r.find("http.host"), time_ = r.find("http.time");
    total_ = tree_.node(StatsTree::kRoot, "Total HTTP Packets");
    requests_ = tree_.node(total_, "HTTP Request Packets");
    responses_ = tree_.node(total_, "HTTP Response Packets");
    other_ = tree_.node(total_, "Other HTTP Packets");
    hosts_ = tree_.node(StatsTree::kRoot, "HTTP Requests by HTTP Host (top 10)");
    errors_ = tree_.node(StatsTree::kRoot, "HTTP Errors (status >= 400)");
    rtt_ = tree_.node(StatsTree::kRoot, "Response Time (msec)");
  }

  void add(const Event& ev) override {
    if (!first(ev, http_)) return;
    if (!seen_) first_ns_ = ev.rel_ns, seen_ = true;
    last_ns_ = ev.rel_ns;
    tree_.count(total_);
    const FieldValue* method = first(ev, method_);
    const FieldValue* code = first(ev, code_);
    if (method) {
      tree_.count(requests_);
      tree_.count(tree_.node(requests_, std::string(field_bytes(ev, *method))));
      if (const FieldValue* h = first(ev, host_)) {
        tree_.count(hosts_);
        tree_.count(tree_.node(hosts_, std::string(field_bytes(ev, *h))));
      }
    } else if (code) {
      tree_.count(responses_);
      size_t cls = tree_.node(responses_, status_class(code->v.u));
      tree_.count(cls);
      std::string label = std::to_string(code->v.u);
      if (const char* std_phrase = standard_phrase(code->v.u)) label += std::string(" ") + std_phrase;
      else if (const FieldValue* p = first(ev, phrase_)) label += " " + std::string(field_bytes(ev, *p));
      tree_.count(tree_.node(cls, label));
      if (code->v.u >= 400) tree_.count(errors_);
      if (const FieldValue* t = first(ev, time_)) {
        double ms = millis(time_, *t);
        tree_.value(rtt_, ms, false);
        times_.push_back(ms);
      }
    } else {
      tree_.count(other_);
    }
  }

  void print(std::string& out) const override {
    StatsTree t = tree_;
    t.sort_children(requests_);
    t.sort_children(responses_);
    t.sort_children(hosts_, 10);
    std::vector<double> sorted = times_;
    std::sort(sorted.begin(), sorted.end());
    if (!sorted.empty()) {
      t.set_plain(t.node(rtt_, "p50"), percentile(sorted, 50));
      t.set_plain(t.node(rtt_, "p90"), percentile(sorted, 90));
      t.set_plain(t.node(rtt_, "p99"), percentile(sorted, 99));
    }
    t.set_span(first_ns_, last_ns_);
    t.print(filter_.empty() ? "HTTP" : "HTTP (filter: " + filter_ + ")", out);
  }

 private:
  std::string filter_;
  FieldId http_, method_, code_, phrase_, host_, time_;
  StatsTree tree_;
  size_t total_, requests_, responses_, other_, hosts_, errors_, rtt_;
  uint64_t first_ns_ = 0, last_ns_ = 0;
  bool seen_ = false;
  std::vector<double> times_;
};

}  // namespace

std::unique_ptr<Statistic> make_http_summary(const std::string& filter) {
  return std::make_unique<HttpSummary>(filter);
}

}  // namespace strato::stats
