#include "batch_sources.h"

#include <queue>
#include <tuple>

#include "strato/error.h"

namespace strato::cli {

void CountingSource::open() { inner_->open(); }

bool CountingSource::read(Batch& batch, size_t max_events) {
  size_t w0 = warning_count();
  bool more = inner_->read(batch, max_events);
  if (warning_count() != w0) damaged_ = true;
  events_ += batch.count;
  return more;
}

struct MergeSource::Lane {
  size_t index = 0;
  std::string name;
  std::unique_ptr<Source> source;
  Batch buf;
  size_t pos = 0;
  bool eof = false, damaged = false, finished = false;
  std::vector<uint32_t> iface_map;  // the input's interface index -> merged index
};

namespace {

bool same_interface(const InterfaceInfo& a, const InterfaceInfo& b) {
  return a.name == b.name && a.description == b.description && a.link_type == b.link_type &&
         a.snaplen == b.snaplen && a.tsresol == b.tsresol && a.filter == b.filter && a.os == b.os;
}

// Lanes that own the merged reading while the heap orders their heads.
using Head = std::tuple<uint64_t, size_t>;  // ts_ns, lane

}  // namespace

MergeSource::MergeSource(std::vector<Input> inputs, DoneFn on_done, std::atomic<uint64_t>& events)
    : on_done_(std::move(on_done)), events_(events) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto l = std::make_unique<Lane>();
    l->index = i;
    l->name = std::move(inputs[i].name);
    l->source = std::move(inputs[i].source);
    lanes_.push_back(std::move(l));
  }
}

MergeSource::~MergeSource() = default;

void MergeSource::finish(Lane& l, bool ok, const std::string& msg) {
  if (l.finished) return;
  l.finished = true;
  l.eof = true;
  l.buf.clear();
  l.pos = 0;
  l.source.reset();  // frees its buffers and descriptor early
  on_done_(l.index, ok, msg);
}

// Reads the lane's next batch; false when the lane has no more events.
bool MergeSource::refill(Lane& l) {
  l.buf.clear();
  l.pos = 0;
  while (!l.eof) {
    size_t w0 = warning_count();
    bool more = false;
    try {
      more = l.source->read(l.buf, 256);
    } catch (const std::exception& e) {
      // Events already merged stay; the rest of this archive is skipped.
      finish(l, false, e.what());
      return false;
    }
    if (warning_count() != w0) l.damaged = true;
    if (!more) l.eof = true;
    const auto& src_ifaces = l.source->interfaces();
    for (size_t j = l.iface_map.size(); j < src_ifaces.size(); ++j) {
      size_t k = 0;
      while (k < ifaces_.size() && !same_interface(ifaces_[k], src_ifaces[j])) ++k;
      if (k == ifaces_.size()) {
        InterfaceInfo info = src_ifaces[j];
        info.has_id = true;
        info.section = 1;
        info.id_in_section = static_cast<uint32_t>(k);
        ifaces_.push_back(info);
      }
      l.iface_map.push_back(static_cast<uint32_t>(k));
    }
    if (l.buf.count) return true;
  }
  finish(l, !l.damaged, l.damaged ? l.name + ": damaged archive: read up to the damage (see the warning above)" : "");
  return false;
}

void MergeSource::open() {
  for (auto& l : lanes_) {
    try {
      l->source->open();
    } catch (const std::exception& e) {
      finish(*l, false, e.what());
    }
  }
}

bool MergeSource::read(Batch& batch, size_t max_events) {
  // The heap is rebuilt from the lanes' heads on each call: a call moves
  // hundreds of events, lanes number at most a few thousand.
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heap;
  for (auto& l : lanes_) {
    if (l->finished) continue;
    if (l->pos == l->buf.count && !refill(*l)) continue;
    heap.emplace(l->buf.events[l->pos].ts_ns, l->index);
  }
  while (batch.count < max_events && !heap.empty() && !stop_requested.load()) {
    Lane& l = *lanes_[std::get<1>(heap.top())];
    heap.pop();
    const Event& s = l.buf.events[l.pos++];
    Event& e = batch.append(l.buf.bytes.data() + s.data_off, s.cap_len);
    e.ts_ns = s.ts_ns;
    e.iface = s.iface < l.iface_map.size() ? l.iface_map[s.iface] : 0;
    e.link_type = s.link_type;
    e.orig_len = s.orig_len;
    e.epb_flags = s.epb_flags;
    e.comment = s.comment;
    e.process = s.process;
    if (l.pos == l.buf.count && !refill(l)) continue;
    heap.emplace(l.buf.events[l.pos].ts_ns, l.index);
  }
  events_ += batch.count;
  return !heap.empty() && !stop_requested.load();
}

void MergeSource::stop() {
  Source::stop();
  for (auto& l : lanes_)
    if (l->source) l->source->stop();
}

}  // namespace strato::cli
