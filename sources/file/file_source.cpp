#include "file_source.h"

#include "strato/error.h"

namespace strato::file {

FileSource::FileSource(std::vector<std::string> paths, const std::string& filter) : paths_(std::move(paths)) {
  if (paths_.empty()) throw usage_error("file: no input file (option 'path')");
  if (!filter.empty()) filter_ = std::make_unique<CaptureFilter>(filter);
}

void FileSource::open() {
  // Opening the first file now reports a missing or foreign file before any
  // output; the others are opened when reached.
  if (!reader_ && next_path_ == 0) next_file();
}

bool FileSource::next_file() {
  if (reader_) {
    dropped_done_ += reader_->dropped();
    reader_.reset();
  }
  if (next_path_ >= paths_.size()) return false;
  const std::string& path = paths_[next_path_++];
  reader_ = open_capture(std::make_unique<InputStream>(path), ifaces_);
  return true;
}

bool FileSource::read(Batch& batch, size_t max_events) {
  if (deferred_) {
    auto e = deferred_;
    deferred_ = nullptr;
    done_ = true;
    std::rethrow_exception(e);
  }
  if (done_) return false;
  try {
    if (!reader_ && !next_file()) return done_ = true, false;
    while (batch.count < max_events) {
      if (stop_requested.load(std::memory_order_relaxed)) return done_ = true, false;
      if (!reader_->next(pkt_)) {
        if (!next_file()) return done_ = true, false;
        continue;
      }
      ++stats_.received;
      if (filter_ && !filter_->match(pkt_.link_type, pkt_.swapped, pkt_.data, pkt_.cap_len, pkt_.orig_len)) {
        ++stats_.filtered;
        pkt_.shared_process.reset();  // not the next packet's
        continue;
      }
      Event& e = batch.append(pkt_.data, pkt_.cap_len);
      e.ts_ns = pkt_.ts_ns;
      e.iface = pkt_.iface;
      e.link_type = pkt_.link_type;
      e.orig_len = pkt_.orig_len;
      e.epb_flags = pkt_.epb_flags;
      if (!pkt_.comment.empty()) e.comment.assign(pkt_.comment);
      if (pkt_.shared_process) {
        e.process = std::move(pkt_.shared_process);
      } else if (pkt_.has_process) {
        e.process = std::make_unique<ProcessInfo>(pkt_.process);
        pkt_.has_process = false;
      }
    }
  } catch (...) {
    if (batch.count == 0) {
      done_ = true;
      throw;
    }
    deferred_ = std::current_exception();
  }
  return true;
}

SourceStats FileSource::stats() const {
  SourceStats s = stats_;
  s.dropped = dropped_done_ + (reader_ ? reader_->dropped() : 0);
  return s;
}

}  // namespace strato::file
