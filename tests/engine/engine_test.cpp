// The engine in-process, with a synthetic source of real-format Ethernet/IPv4/UDP
// frames over many flows and a recording sink: order, stream numbering,
// thread-count independence, -c, back-pressure and error propagation.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>

#include "strato/dissector.h"
#include "strato/engine.h"
#include "strato/error.h"
#include "strato/plugin_manager.h"
#include "test_support.h"

namespace st = strato::test;
using namespace strato;

namespace {

std::vector<uint8_t> udp_frame(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq) {
  std::vector<uint8_t> f(14 + 20 + 8 + 4, 0);
  f[12] = 0x08;
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x45;
  ip[2] = 0;
  ip[3] = 32;
  ip[8] = 64;
  ip[9] = 17;
  for (int i = 0; i < 4; ++i) ip[12 + i] = src >> (24 - 8 * i), ip[16 + i] = dst >> (24 - 8 * i);
  uint8_t* udp = ip + 20;
  udp[0] = sport >> 8, udp[1] = sport & 255, udp[2] = dport >> 8, udp[3] = dport & 255, udp[5] = 12;
  for (int i = 0; i < 4; ++i) udp[8 + i] = seq >> (24 - 8 * i);
  return f;
}

class SyntheticSource : public Source {
 public:
  SyntheticSource(uint64_t n, uint64_t fail_after = 0) : n_(n), fail_after_(fail_after) {
    ifs_.push_back(InterfaceInfo{"synthetic", "", 1});
  }
  void open() override {}
  bool read(Batch& b, size_t max) override {
    while (b.count < max && i_ < n_) {
      if (fail_after_ && i_ == fail_after_) throw Error("synthetic: byte offset 1234: corrupt block");
      // 300 flows, both directions, in an order that interleaves them.
      uint32_t flow = (i_ * 7919) % 300;
      bool reply = (i_ / 300) % 2;
      uint32_t a = 0x0a000001 + flow, b2 = 0x0a010001;
      uint16_t pa = 10000 + flow, pb = 53;
      auto f = reply ? udp_frame(b2, a, pb, pa, i_) : udp_frame(a, b2, pa, pb, i_);
      Event& e = b.append(f.data(), f.size());
      e.ts_ns = 1'700'000'000'000'000'000ull + i_ * 1000;
      e.link_type = 1;
      e.orig_len = e.cap_len;
      ++i_;
    }
    return i_ < n_;
  }
  const std::vector<InterfaceInfo>& interfaces() const override { return ifs_; }

 private:
  uint64_t n_, fail_after_, i_ = 0;
  std::vector<InterfaceInfo> ifs_;
};

// The same frames, lent from a small pool of buffers instead of copied into
// the batch, as the live source does. A buffer is reused (overwritten) as
// soon as it comes back: one given back while its batch is still in flight
// would change what the sink reads.
struct Loans {
  uint64_t lent = 0, returned = 0, twice = 0;
};

class LendingSource : public Source, private Batch::Lender {
 public:
  LendingSource(uint64_t n, Loans& loans) : copy_(n), loans_(loans) {}
  void open() override {}
  bool read(Batch& b, size_t max) override {
    Batch scratch;
    bool more = copy_.read(scratch, max - b.count);
    scratch.seal();
    for (size_t i = 0; i < scratch.count; ++i) {
      const Event& s = scratch.events[i];
      Buffer* buf = take();
      buf->bytes.assign(s.data, s.data + s.cap_len);
      std::shared_ptr<const ProcessInfo> none;
      Event& e = b.append_lent(buf->bytes.data(), s.cap_len, none, *this, buf);
      e.ts_ns = s.ts_ns;
      e.link_type = s.link_type;
      e.orig_len = s.orig_len;
      ++loans_.lent;
    }
    return more;
  }
  const std::vector<InterfaceInfo>& interfaces() const override { return copy_.interfaces(); }
  ~LendingSource() override {
    for (Buffer* b : free_) delete b;
  }

 private:
  struct Buffer {
    std::vector<uint8_t> bytes;
    bool out = false;
  };
  Buffer* take() {
    Buffer* b = free_.empty() ? new Buffer : free_.back();
    if (!free_.empty()) free_.pop_back();
    b->out = true;
    return b;
  }
  void give_back(void* loan) override {
    auto* b = static_cast<Buffer*>(loan);
    if (!b->out) ++loans_.twice;
    b->out = false;
    std::fill(b->bytes.begin(), b->bytes.end(), 0xee);
    free_.push_back(b);
    ++loans_.returned;
  }
  SyntheticSource copy_;
  Loans& loans_;
  std::vector<Buffer*> free_;
};

struct Record {
  std::vector<std::string> lines;
  std::atomic<int> finished{0};
};

// Formats "number stream" per passing event in parallel; appends in order.
class RecordingSink : public Sink {
 public:
  explicit RecordingSink(Record& r) : r_(r) {
    stream_ = FieldRegistry::instance().find("udp.stream");
    port_ = FieldRegistry::instance().find("udp.srcport");
  }
  void format(const Batch& b, std::string& out) const override {
    for (size_t i = 0; i < b.count; ++i) {
      const Event& e = b.events[i];
      if (!e.passed) continue;
      out += std::to_string(e.number);
      for (auto& fv : e.dissection.fields)
        if (fv.id == stream_ || fv.id == port_) out += " " + std::to_string(fv.v.u);
      out += "\n";
    }
  }
  void write(const Batch&, const std::string& formatted) override {
    size_t pos = 0, nl;
    while ((nl = formatted.find('\n', pos)) != std::string::npos) {
      r_.lines.push_back(formatted.substr(pos, nl - pos));
      pos = nl + 1;
    }
  }
  void finish() override { ++r_.finished; }

 private:
  Record& r_;
  FieldId stream_, port_;
};

std::vector<std::string> run_engine(unsigned threads, uint64_t n, uint64_t max_events = 0, size_t batch = 64,
                                    const std::string& filter = "") {
  st::load_plugins();
  EngineConfig cfg;
  cfg.threads = threads;
  cfg.batch_size = batch;
  cfg.max_events = max_events;
  cfg.display_filter = filter;
  Engine engine(cfg);
  Record rec;
  engine.add_source(std::make_unique<SyntheticSource>(n));
  engine.add_sink(std::make_unique<RecordingSink>(rec));
  EngineStats stats = engine.run();
  EXPECT_EQ(rec.finished.load(), 1);
  EXPECT_EQ(stats.events >= stats.passed, true);
  return rec.lines;
}

}  // namespace

TEST(Engine, EmitsEveryEventInCaptureOrder) {
  auto lines = run_engine(4, 10000);
  ASSERT_EQ(lines.size(), 10000u);
  for (size_t i = 0; i < lines.size(); ++i)
    ASSERT_EQ(lines[i].substr(0, lines[i].find(' ')), std::to_string(i + 1)) << "line " << i;
}

TEST(Engine, OutputIsIdenticalForAnyThreadCount) {
  auto one = run_engine(1, 20000);
  ASSERT_EQ(one.size(), 20000u);
  EXPECT_EQ(one, run_engine(2, 20000));
  EXPECT_EQ(one, run_engine(4, 20000, 0, 17));
  EXPECT_EQ(one, run_engine(8, 20000, 0, 512));
}

TEST(Engine, StreamNumbersFollowFirstAppearance) {
  auto lines = run_engine(4, 3000);
  ASSERT_EQ(lines.size(), 3000u);
  // udp.stream must count flows in the order they first appear.
  std::map<std::string, uint64_t> seen;  // stream -> first line
  uint64_t expected_next = 0;
  for (auto& l : lines) {
    std::istringstream is(l);
    uint64_t number, port, stream;
    ASSERT_TRUE(is >> number >> port >> stream) << l;
    std::string key = std::to_string(stream);
    if (!seen.count(key)) {
      EXPECT_EQ(stream, expected_next) << "frame " << number;
      seen[key] = number;
      ++expected_next;
    }
  }
  EXPECT_EQ(expected_next, 300u);
}

TEST(Engine, CountLimitStopsAfterExactlyN) {
  auto lines = run_engine(4, 10000, 777, 64);
  ASSERT_EQ(lines.size(), 777u);
  EXPECT_EQ(lines.back().substr(0, 4), "777 ");
}

TEST(Engine, SourceErrorPropagatesAndSinksStillFinish) {
  st::load_plugins();
  EngineConfig cfg;
  cfg.threads = 2;
  cfg.batch_size = 100;
  Engine engine(cfg);
  Record rec;
  engine.add_source(std::make_unique<SyntheticSource>(5000, 2500));
  engine.add_sink(std::make_unique<RecordingSink>(rec));
  try {
    engine.run();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("byte offset 1234"), std::string::npos);
  }
  EXPECT_EQ(rec.finished.load(), 1);
  EXPECT_EQ(rec.lines.size(), 2500u);  // everything before the corrupt block
}

TEST(Engine, LentBytesStayUntilTheirBatchIsDone) {
  st::load_plugins();
  const uint64_t n = 20000;
  const auto copied = run_engine(2, n, 0, 64);
  Loans loans;
  std::vector<std::string> lent;
  {
    EngineConfig cfg;
    cfg.threads = 2;
    cfg.batch_size = 64;
    Engine engine(cfg);
    Record rec;
    engine.add_source(std::make_unique<LendingSource>(n, loans));
    engine.add_sink(std::make_unique<RecordingSink>(rec));
    engine.run();
    lent = rec.lines;
  }
  ASSERT_EQ(lent.size(), n);
  EXPECT_EQ(lent, copied);
  EXPECT_EQ(loans.lent, n);
  EXPECT_EQ(loans.returned, n);  // every loan back once the engine is gone
  EXPECT_EQ(loans.twice, 0u);
}

TEST(Engine, BackPressureBoundsBatchesInFlight) {
  st::load_plugins();
  EngineConfig cfg;
  cfg.threads = 2;
  cfg.batch_size = 16;
  cfg.max_in_flight = 6;
  Engine engine(cfg);
  Record rec;
  engine.add_source(std::make_unique<SyntheticSource>(50000));
  engine.add_sink(std::make_unique<RecordingSink>(rec));
  EngineStats stats = engine.run();
  EXPECT_EQ(rec.lines.size(), 50000u);
  // 3125 batches went through; only a handful ever existed at once.
  EXPECT_LE(stats.batches_allocated, cfg.max_in_flight + 1);
}
