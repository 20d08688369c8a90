#pragma once
// --resume STATEFILE: the archives a batch has finished (their output fully
// written), so a rerun after an interruption skips them. An archive counts as
// the same only with the same path, size and modification time.
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

#include "batch_inputs.h"

namespace strato::cli {

class BatchState {
 public:
  // Reads STATEFILE if it exists; a malformed line is an error naming it.
  explicit BatchState(std::string path);
  bool finished(const BatchInput& in) const;
  // Records `in` and rewrites the file atomically (temporary file, fsync,
  // rename): a kill at any moment leaves the old or the new list, whole.
  void mark_finished(const BatchInput& in);
  size_t size() const { return done_.size(); }

 private:
  using Entry = std::tuple<std::string, uint64_t, int64_t>;
  void save() const;
  std::string path_;
  std::set<Entry> done_;
  mutable std::mutex m_;
};

}  // namespace strato::cli
