#pragma once
// Sources a batch wraps around the file source: one that counts what it
// reads and notices the reader's warnings (a truncated archive is read up to
// the damage with a warning, not an error), and the k-way merge by time.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "strato/source.h"

namespace strato::cli {

class CountingSource : public Source {
 public:
  CountingSource(std::unique_ptr<Source> inner, std::atomic<uint64_t>& events)
      : inner_(std::move(inner)), events_(events) {}
  void open() override;
  bool read(Batch& batch, size_t max_events) override;
  const std::vector<InterfaceInfo>& interfaces() const override { return inner_->interfaces(); }
  SourceStats stats() const override { return inner_->stats(); }
  void stop() override { inner_->stop(); }
  // The reader warned (truncated or partly corrupt input) while reading.
  bool damaged() const { return damaged_; }

 private:
  std::unique_ptr<Source> inner_;
  std::atomic<uint64_t>& events_;
  bool damaged_ = false;
};

// Merges several sources by timestamp, as mergecap does: the earliest head
// event goes first, ties to the earlier input. Interfaces that describe the
// same thing are merged into one (mergecap's default), others appended.
class MergeSource : public Source {
 public:
  struct Input {
    std::string name;
    std::unique_ptr<Source> source;
  };
  // `on_done(i, ok, message)` is called once per input when it ends: ok is
  // false for a damaged input (message names the file and the offset).
  using DoneFn = std::function<void(size_t, bool, const std::string&)>;
  MergeSource(std::vector<Input> inputs, DoneFn on_done, std::atomic<uint64_t>& events);
  ~MergeSource() override;
  void open() override;
  bool read(Batch& batch, size_t max_events) override;
  const std::vector<InterfaceInfo>& interfaces() const override { return ifaces_; }
  void stop() override;

 private:
  struct Lane;
  bool refill(Lane& l);
  void finish(Lane& l, bool ok, const std::string& msg);

  std::vector<std::unique_ptr<Lane>> lanes_;
  std::vector<InterfaceInfo> ifaces_;
  DoneFn on_done_;
  std::atomic<uint64_t>& events_;
};

}  // namespace strato::cli
