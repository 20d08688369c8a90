#include "strato/engine.h"

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <exception>
#include <mutex>
#include <thread>

#include "strato/dissector.h"
#include "strato/error.h"
#include "strato/flow_hash.h"
#include "ip_defrag.h"

namespace strato {

std::atomic<bool> g_stop_requested{false};

namespace flow = oneapi::tbb::flow;

struct Engine::Impl {
  EngineConfig cfg;
  std::vector<std::unique_ptr<Source>> sources;
  std::vector<std::unique_ptr<Sink>> sinks;
  std::vector<FILE*> sink_out;
  std::vector<std::unique_ptr<DisplayFilter>> sink_filter;  // null: no extra filter
  std::unique_ptr<DisplayFilter> filter;
  std::vector<std::unique_ptr<Shard>> shards;
  std::vector<uint8_t> wanted_fields;  // empty: every field
  std::vector<Dissector*> taps;        // dissectors that want every event (Dissector::wants_taps)
  bool dissect_events = true;
  // Most recently written first: a reused batch's events are likely still
  // in cache, where the oldest one's (a FIFO) never are.
  struct BatchPool {
    std::mutex mutex;
    std::vector<Batch*> free;
    void push(Batch* b) {
      std::lock_guard<std::mutex> lock(mutex);
      free.push_back(b);
    }
    bool try_pop(Batch*& b) {
      std::lock_guard<std::mutex> lock(mutex);
      if (free.empty()) return false;
      b = free.back();
      free.pop_back();
      return true;
    }
  } pool;
  std::vector<std::unique_ptr<Batch>> owned;
  std::mutex owned_mutex;

  // Source side (touched only by the input node, which runs serially).
  size_t current_source = 0;
  uint64_t next_seq = 0, next_number = 1, first_ts = 0, prev_ts = 0;
  bool have_first = false, input_done = false;
  size_t iface_count = 0;
  std::shared_ptr<const std::vector<InterfaceInfo>> iface_snapshot;

  // IP reassembly and stream renumbering (dissect node, serial).
  IpDefrag defrag;
  std::vector<std::vector<uint64_t>> stream_map[4];
  uint64_t next_global_stream[4] = {0, 0, 0, 0};

  // No display filter, for the pipeline or any sink: every event goes to
  // every sink, so the per-event verdict loops are skipped.
  bool all_pass = false;
  uint64_t all_sinks = 0;

  // Write side (serial).
  uint64_t events = 0, passed = 0;

  std::mutex error_mutex;
  std::exception_ptr error;
  std::atomic<bool> stop{false};

  Batch* get_batch() {
    Batch* b = nullptr;
    if (pool.try_pop(b)) {
      b->clear();
      return b;
    }
    auto nb = std::make_unique<Batch>();
    nb->out.resize(sinks.size());
    std::lock_guard<std::mutex> lock(owned_mutex);
    owned.push_back(std::move(nb));
    return owned.back().get();
  }

  // `halt`: drop batches still in flight. A source error does not halt:
  // everything read before the bad spot is still dissected and written.
  void fail(std::exception_ptr e, bool halt = true) {
    std::lock_guard<std::mutex> lock(error_mutex);
    if (!error) error = e;
    if (halt) stop = true;
  }

  bool should_stop() const { return stop.load() || g_stop_requested.load(); }

  // Input node body: one batch per call, in order.
  Batch* produce(oneapi::tbb::flow_control& fc) {
    while (!input_done) {
      if (should_stop()) {
        for (auto& s : sources) s->stop();
        input_done = true;
        break;
      }
      if (current_source >= sources.size()) {
        input_done = true;
        break;
      }
      // -c counts events read, as tshark's does (not events that pass -Y).
      size_t want = cfg.batch_size;
      if (cfg.max_events) {
        uint64_t left = cfg.max_events - (next_number - 1);
        if (left == 0) {
          input_done = true;
          break;
        }
        if (left < want) want = static_cast<size_t>(left);
      }
      Source& src = *sources[current_source];
      Batch* b = get_batch();
      bool more;
      try {
        more = src.read(*b, want);
      } catch (...) {
        fail(std::current_exception(), false);
        input_done = true;
        more = false;
        current_source = sources.size();
      }
      if (!more) ++current_source;
      if (b->count == 0) {
        pool.push(b);
        continue;
      }
      stamp(*b, src);
      return b;
    }
    fc.stop();
    return nullptr;
  }

  void stamp(Batch& b, Source& src) {
    b.seal();
    b.seq = next_seq++;
    const auto& ifs = src.interfaces();
    if (!iface_snapshot || ifs.size() != iface_count) {
      iface_snapshot = std::make_shared<const std::vector<InterfaceInfo>>(ifs);
      iface_count = ifs.size();
    }
    b.interfaces = iface_snapshot;
    for (size_t i = 0; i < b.count; ++i) {
      Event& e = b.events[i];
      e.number = next_number++;
      if (!have_first) {
        first_ts = prev_ts = e.ts_ns;
        have_first = true;
      }
      e.rel_ns = e.ts_ns - first_ts;
      e.delta_ns = e.ts_ns - prev_ts;
      prev_ts = e.ts_ns;
    }
  }

  void dissect(Batch& b) {
    if (!dissect_events) return;
    const size_t n = shards.size();
    for (auto& sh : shards) sh->interfaces = b.interfaces.get();
    if (n == 1) {
      for (size_t i = 0; i < b.count; ++i) {
        defrag.feed(b.events[i]);
        b.events[i].shard = 0;
        dissect_event(b.events[i], *shards[0]);
      }
    } else {
      for (size_t i = 0; i < b.count; ++i) {
        Event& e = b.events[i];
        defrag.feed(e);
        e.shard = static_cast<uint32_t>(IpDefrag::shard_hash(e) % n);
      }
      oneapi::tbb::parallel_for(size_t(0), n, [&](size_t k) {
        Shard& shard = *shards[k];
        for (size_t i = 0; i < b.count; ++i)
          if (b.events[i].shard == k) dissect_event(b.events[i], shard);
      });
    }
    renumber_streams(b);
  }

  // Shards hand out local stream ids; number them in capture order here so
  // tcp.stream equals tshark's whatever the thread count.
  void renumber_streams(Batch& b) {
    for (size_t i = 0; i < b.count; ++i) {
      Dissection& d = b.events[i].dissection;
      for (uint32_t item : d.stream_items) {
        FieldValue& fv = d.fields[item];
        if (!(fv.flags & FieldValue::StreamId)) continue;
        uint64_t v = fv.v.u;
        unsigned kind = (v >> 56) & 3;
        size_t shard = (v >> 40) & 0xffff;
        uint64_t local = v & 0xffffffffffull;
        auto& per_shard = stream_map[kind];
        if (per_shard.size() <= shard) per_shard.resize(shard + 1);
        auto& m = per_shard[shard];
        if (m.size() <= local) m.resize(local + 1, 0);
        if (m[local] == 0) m[local] = ++next_global_stream[kind];
        fv.v.u = m[local] - 1;
        fv.flags &= ~FieldValue::StreamId;
      }
    }
  }

  void filter_and_format(Batch& b) {
    if (all_pass) {
      // Nothing to decide: one pass marks every event for every sink.
      for (size_t i = 0; i < b.count; ++i) {
        Event& e = b.events[i];
        e.sink_mask = all_sinks;
        e.passed = true;
      }
      for (size_t s = 0; s < sinks.size(); ++s) sinks[s]->format(b, b.out[s]);
      return;
    }
    for (size_t i = 0; i < b.count; ++i) {
      Event& e = b.events[i];
      bool ok = !filter || filter->match(e);
      e.sink_mask = 0;
      for (size_t s = 0; s < sinks.size(); ++s)
        if ((ok || sinks[s]->wants_all_events()) && (!sink_filter[s] || sink_filter[s]->match(e))) e.sink_mask |= 1ull << s;
    }
    for (size_t s = 0; s < sinks.size(); ++s) {
      select_sink(b, s);
      sinks[s]->format(b, b.out[s]);
    }
  }

  static void select_sink(Batch& b, size_t s) {
    for (size_t i = 0; i < b.count; ++i) b.events[i].passed = (b.events[i].sink_mask >> s) & 1;
  }

  // Records only the fields that sinks and filters read, when all of them
  // say which (tree labels need every item, so they disable this).
  void choose_fields(uint32_t needs) {
    wanted_fields.clear();
    dissect_events = true;
    if (needs & Sink::kNeedLabels) return;
    std::vector<FieldId> ids;
    for (auto& s : sinks)
      if (!s->wanted_fields(ids)) return;
    // Nothing reads a field, a column or a verdict (-w alone, -q): the bytes
    // go out as they came, so dissecting them would only cost time.
    bool any_filter = filter != nullptr;
    for (auto& f : sink_filter) any_filter |= f != nullptr;
    if (needs == 0 && ids.empty() && !any_filter && taps.empty()) dissect_events = false;
    auto add_filter = [&](const std::unique_ptr<DisplayFilter>& f) {
      if (!f) return;
      for (FieldId id : f->fields()) ids.push_back(id);
    };
    add_filter(filter);
    for (auto& f : sink_filter) add_filter(f);
    for (const Dissector* d : DissectorTables::instance().dissectors()) d->wanted_fields(ids);
    const FieldRegistry& reg = FieldRegistry::instance();
    wanted_fields.assign(reg.size(), 0);
    for (FieldId id = 0; id < reg.size(); ++id)
      if (reg.info(id).type == FieldType::Protocol) wanted_fields[id] = 1;
    for (FieldId id : ids)
      if (id < wanted_fields.size()) wanted_fields[id] = 1;
  }

  void write(Batch& b) {
    for (Dissector* d : taps)
      for (size_t i = 0; i < b.count; ++i) d->tap(b.events[i]);
    events += b.count;
    if (all_pass) {
      if (all_sinks) passed += b.count;
    } else {
      for (size_t i = 0; i < b.count; ++i) passed += b.events[i].sink_mask != 0;
    }
    for (size_t s = 0; s < sinks.size(); ++s) {
      if (!all_pass) select_sink(b, s);
      sinks[s]->write(b, b.out[s]);
    }
  }
};

Engine::Engine(EngineConfig cfg) : impl_(std::make_unique<Impl>()) {
  impl_->cfg = std::move(cfg);
  if (impl_->cfg.threads == 0) impl_->cfg.threads = std::max(1u, std::thread::hardware_concurrency());
  if (impl_->cfg.batch_size == 0) impl_->cfg.batch_size = 512;
  if (impl_->cfg.max_in_flight == 0) impl_->cfg.max_in_flight = 4 * impl_->cfg.threads + 2;
  if (!impl_->cfg.display_filter.empty()) impl_->filter = DisplayFilter::compile(impl_->cfg.display_filter);
}

Engine::~Engine() = default;

void Engine::add_source(std::unique_ptr<Source> s) { impl_->sources.push_back(std::move(s)); }
void Engine::add_sink(std::unique_ptr<Sink> s, FILE* out, const std::string& filter) {
  if (impl_->sinks.size() == 64) throw usage_error("at most 64 sinks in one pipeline");
  impl_->sinks.push_back(std::move(s));
  impl_->sink_out.push_back(out ? out : stdout);
  impl_->sink_filter.push_back(filter.empty() ? nullptr : DisplayFilter::compile(filter));
}
void Engine::stop() { impl_->stop = true; }

EngineStats Engine::run() {
  Impl& m = *impl_;
  const unsigned threads = m.cfg.threads;

  for (auto& s : m.sources) s->open();
  SinkContext sctx;
  sctx.need_tree = m.cfg.need_tree;
  sctx.interfaces = m.sources.empty() ? nullptr : &m.sources.front()->interfaces();
  for (size_t i = 0; i < m.sinks.size(); ++i) {
    sctx.out = m.sink_out[i];
    m.sinks[i]->start(sctx);
  }
  for (Dissector* d : DissectorTables::instance().dissectors())
    if (d->wants_taps()) m.taps.push_back(d);
  uint32_t needs = 0;
  for (auto& s : m.sinks) needs |= s->needs();
  if (m.cfg.need_tree) needs |= Sink::kNeedLabels;
  m.choose_fields(needs);
  m.all_pass = !m.filter;
  for (auto& f : m.sink_filter) m.all_pass = m.all_pass && !f;
  m.all_sinks = m.sinks.size() == 64 ? ~0ull : (1ull << m.sinks.size()) - 1;
  for (unsigned i = 0; i < threads; ++i) {
    m.shards.push_back(std::make_unique<Shard>(i));
    m.shards.back()->want_labels = needs & Sink::kNeedLabels;
    m.shards.back()->want_columns = needs & Sink::kNeedColumns;
    m.shards.back()->wanted = m.wanted_fields.empty() ? nullptr : &m.wanted_fields;
  }

  oneapi::tbb::global_control gc(oneapi::tbb::global_control::max_allowed_parallelism, threads);
  oneapi::tbb::task_arena arena(static_cast<int>(threads));
  arena.execute([&] {
    flow::graph g;
    flow::input_node<Batch*> input(g, [&](oneapi::tbb::flow_control& fc) { return m.produce(fc); });
    flow::limiter_node<Batch*> limiter(g, m.cfg.max_in_flight);
    flow::sequencer_node<Batch*> order_in(g, [](Batch* b) { return b->seq; });
    flow::function_node<Batch*, Batch*> dissect(g, flow::serial, [&](Batch* b) {
      if (!m.stop.load()) {
        try {
          m.dissect(*b);
        } catch (...) {
          m.fail(std::current_exception());
        }
      }
      return b;
    });
    flow::function_node<Batch*, Batch*> format(g, flow::unlimited, [&](Batch* b) {
      if (!m.stop.load()) {
        try {
          m.filter_and_format(*b);
        } catch (...) {
          m.fail(std::current_exception());
        }
      }
      return b;
    });
    flow::sequencer_node<Batch*> order_out(g, [](Batch* b) { return b->seq; });
    flow::function_node<Batch*, flow::continue_msg> write(g, flow::serial, [&](Batch* b) {
      if (!m.stop.load() || !m.error) {
        try {
          m.write(*b);
        } catch (...) {
          m.fail(std::current_exception());
        }
      }
      m.pool.push(b);
      return flow::continue_msg();
    });
    flow::make_edge(input, limiter);
    flow::make_edge(limiter, order_in);
    flow::make_edge(order_in, dissect);
    flow::make_edge(dissect, format);
    flow::make_edge(format, order_out);
    flow::make_edge(order_out, write);
    flow::make_edge(write, limiter.decrementer());
    input.activate();
    g.wait_for_all();
  });

  // Sinks finish even after an error or SIGINT so output files stay complete.
  std::exception_ptr sink_error;
  for (auto& s : m.sinks) {
    try {
      s->finish();
    } catch (...) {
      if (!sink_error) sink_error = std::current_exception();
    }
  }
  for (Dissector* d : m.taps) {
    try {
      d->end_taps();
    } catch (...) {
      if (!sink_error) sink_error = std::current_exception();
    }
  }
  if (m.defrag.dropped_datagrams())
    warn(std::to_string(m.defrag.dropped_datagrams()) + " incomplete IP datagrams (" +
         std::to_string(m.defrag.dropped_bytes()) + " bytes of fragments) dropped from reassembly: too old or too many pending");
  if (m.error) std::rethrow_exception(m.error);
  if (sink_error) std::rethrow_exception(sink_error);

  EngineStats st;
  st.events = m.events;
  st.passed = m.passed;
  st.batches_allocated = m.owned.size();
  for (auto& s : m.sources) {
    SourceStats ss = s->stats();
    st.source.received += ss.received;
    st.source.dropped += ss.dropped;
    st.source.filtered += ss.filtered;
    st.source.dropped_user += ss.dropped_user;
  }
  return st;
}

}  // namespace strato
