// -z io,phs: tshark's protocol hierarchy. Each frame's top-level protocol
// items (after "frame"), in tree order, form one path; every node on the path
// counts the frame and its length on the wire.
#include <vector>

#include "statistic.h"
#include "strato/field.h"
#include "table_text.h"

namespace strato::stats {
namespace {

class IoPhs : public Statistic {
 public:
  explicit IoPhs(std::string filter) : filter_(std::move(filter)) { nodes_.push_back({}); }

  void add(const Event& ev) override {
    auto& reg = FieldRegistry::instance();
    if (frame_ == kNoField) frame_ = reg.find("frame");
    // The process node is strato's metadata, not a protocol tshark would count.
    if (process_ == kNoField) process_ = reg.find("process");
    size_t at = 0;  // root
    for (const FieldValue& fv : ev.dissection.fields) {
      if (fv.parent != -1 || fv.id == frame_ || fv.id == process_ || fv.id >= reg.size()) continue;
      if (reg.info(fv.id).type != FieldType::Protocol) continue;
      at = child(at, fv.id);
      nodes_[at].frames += 1;
      nodes_[at].bytes += ev.orig_len;
    }
  }

  void print(std::string& out) const override {
    out += "\n===================================================================\n";
    out += "Protocol Hierarchy Statistics\n";
    out += "Filter: " + filter_ + "\n\n";
    print_children(0, 0, out);
    out += "===================================================================\n";
  }

 private:
  struct Node {
    FieldId id = kNoField;
    uint64_t frames = 0, bytes = 0;
    std::vector<size_t> children;  // in order of first appearance
  };

  size_t child(size_t parent, FieldId id) {
    for (size_t c : nodes_[parent].children)
      if (nodes_[c].id == id) return c;
    nodes_.push_back({id, 0, 0, {}});
    size_t c = nodes_.size() - 1;
    nodes_[parent].children.push_back(c);
    return c;
  }

  void print_children(size_t n, int depth, std::string& out) const {
    auto& reg = FieldRegistry::instance();
    for (size_t c : nodes_[n].children) {
      std::string name(static_cast<size_t>(depth) * 2, ' ');
      name += reg.info(nodes_[c].id).abbrev;
      appendf(out, "%-40s frames:%llu bytes:%llu\n", name.c_str(), (unsigned long long)nodes_[c].frames,
              (unsigned long long)nodes_[c].bytes);
      print_children(c, depth + 1, out);
    }
  }

  std::string filter_;
  std::vector<Node> nodes_;
  FieldId frame_ = kNoField, process_ = kNoField;
};

}  // namespace

std::unique_ptr<Statistic> make_io_phs(const std::string& filter) { return std::make_unique<IoPhs>(filter); }

}  // namespace strato::stats
