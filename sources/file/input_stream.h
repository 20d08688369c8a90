#pragma once
// A buffered byte stream over a file that may be gzip- or zstd-compressed
// (detected by magic bytes). Readers ask for N contiguous bytes at a time and
// consume them; memory stays bounded by the largest record, never the file.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace strato::file {

// Produces decompressed (or raw) bytes; returns 0 at the end of the stream.
class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual size_t read(uint8_t* dst, size_t cap) = 0;
};

class InputStream {
 public:
  // `path` "-" reads standard input. FIFOs, pipes and devices are read in
  // short waits that end the stream (as at end of file) once
  // strato::g_stop_requested is set, whichever thread took the signal.
  // Throws strato::Error "PATH: cannot open: <strerror>".
  explicit InputStream(const std::string& path);
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  // Makes at least `n` contiguous bytes available at data(); false when the
  // stream ends first (then avail() < n holds what is left).
  bool ensure(size_t n) {
    if (end_ - pos_ >= n) return true;
    return fill(n);
  }
  const uint8_t* data() const { return buf_.data() + pos_; }
  size_t avail() const { return end_ - pos_; }
  void consume(size_t n) {
    pos_ += n;
    offset_ += n;
  }
  // Offset of data() in the (decompressed) stream.
  uint64_t offset() const { return offset_; }
  const std::string& path() const { return path_; }
  const char* compression() const { return compression_; }

 private:
  bool fill(size_t n);

  std::string path_;
  int fd_ = -1;
  std::unique_ptr<Decoder> decoder_;
  const char* compression_ = "none";
  std::vector<uint8_t> buf_;
  size_t pos_ = 0, end_ = 0;
  uint64_t offset_ = 0;
  bool eof_ = false;
};

}  // namespace strato::file
