#include "archive_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "pcapng_encode.h"
#include "strato/error.h"

namespace strato::pcapng {

namespace {

[[noreturn]] void io_error(const std::string& name, const char* what) {
  throw Error(name + ": " + what + ": " + std::strerror(errno));
}

void sync_directory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the rename itself has happened
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

ArchiveWriter::ArchiveWriter(ArchiveOptions o, FILE* out)
    : o_(std::move(o)), name_(split_archive_name(o_.path)), policy_(o_.limits), out_(out) {
  append_shb(headers_);
}

ArchiveWriter::~ArchiveWriter() {
  // Only reached open after an error: the partial file stays as evidence,
  // under its partial name.
  stream_.reset();
  if (f_ && own_) std::fclose(f_);
}

void ArchiveWriter::start() {
  if (o_.ring) return;
  if (o_.path == "-") {
    f_ = out_ ? out_ : stdout;
  } else {
    f_ = std::fopen(o_.path.c_str(), "wb");
    if (!f_) io_error(o_.path, "cannot create");
    own_ = true;
  }
  stream_ = make_output_stream(f_, o_.path, o_.compression);
  put(headers_);
  stream_->flush();
}

void ArchiveWriter::put(const std::string& s) {
  stream_->write(s.data(), s.size());
  policy_.wrote(s.size());
}

void ArchiveWriter::add_interfaces(const std::string& idbs) {
  headers_ += idbs;
  if (stream_) put(idbs);
}

void ArchiveWriter::write(const std::string& blocks) { stream_->write(blocks.data(), blocks.size()); }

void ArchiveWriter::packet(uint64_t ts_ns, const char* blocks, size_t n) {
  if (!stream_ || policy_.must_switch(ts_ns)) {
    if (stream_) close_ring_file();
    open_ring_file(ts_ns);
  }
  stream_->write(blocks, n);
  policy_.wrote_packet(n);
}

void ArchiveWriter::end_batch() {
  if (stream_) stream_->flush();
}

void ArchiveWriter::open_ring_file(uint64_t ts_ns) {
  ++seq_;
  current_ = ring_file_name(name_, seq_, ts_ns);
  current_partial_ = partial_name(current_);
  // files:N counts the file being written.
  while (o_.limits.files && finished_.size() >= o_.limits.files) {
    if (::unlink(finished_.front().c_str()) != 0 && errno != ENOENT) io_error(finished_.front(), "cannot delete");
    finished_.pop_front();
  }
  f_ = std::fopen(current_partial_.c_str(), "wb");
  if (!f_) io_error(current_partial_, "cannot create");
  own_ = true;
  stream_ = make_output_stream(f_, current_partial_, o_.compression);
  policy_.file_opened(ts_ns);
  put(headers_);
}

void ArchiveWriter::close_ring_file() {
  stream_->flush();
  stream_.reset();
  FILE* f = f_;
  f_ = nullptr;
  bool bad = std::fflush(f) != 0 || ::fsync(fileno(f)) != 0;
  int err = errno;
  bad = std::fclose(f) != 0 || bad;
  if (bad) {
    errno = err;
    io_error(current_partial_, "write error");
  }
  if (std::rename(current_partial_.c_str(), current_.c_str()) != 0) io_error(current_, "cannot rename from partial file");
  sync_directory(directory_of(current_));
  finished_.push_back(current_);
}

void ArchiveWriter::finish() {
  if (finished_all_) return;
  finished_all_ = true;
  if (o_.ring) {
    if (!stream_) {
      auto now = std::chrono::system_clock::now().time_since_epoch();
      open_ring_file(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count()));
    }
    close_ring_file();
    return;
  }
  if (!f_) return;
  stream_->flush();
  stream_.reset();
  if (own_) {
    bool bad = std::fclose(f_) != 0;
    f_ = nullptr;
    if (bad) io_error(o_.path, "write error");
  }
}

}  // namespace strato::pcapng
