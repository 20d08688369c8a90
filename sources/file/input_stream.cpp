#include "input_stream.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "strato/engine.h"
#include "strato/error.h"

namespace strato::file {

namespace {

constexpr size_t kChunk = 1 << 20;  // bytes asked of the OS/decoder at a time
// How long a read of a FIFO/pipe/device waits before looking at the stop flag
// again: a stop request ends the read within about this long.
constexpr int kStopPollMs = 100;

// Reads the raw file, replaying the few bytes peeked to detect compression.
class FdReader {
 public:
  // `wait_for_data`: the fd can block indefinitely (not a regular file).
  FdReader(int fd, const std::string& path, bool wait_for_data)
      : fd_(fd), path_(path), wait_for_data_(wait_for_data) {}
  void unread(const uint8_t* p, size_t n) { prefix_.assign(p, p + n); }
  size_t read(uint8_t* dst, size_t cap) {
    if (prefix_pos_ < prefix_.size()) {
      size_t n = std::min(cap, prefix_.size() - prefix_pos_);
      std::memcpy(dst, prefix_.data() + prefix_pos_, n);
      prefix_pos_ += n;
      return n;
    }
    for (;;) {
      // A stop ends the input like end of file, so the outputs finish.
      if (wait_for_data_ && !wait_readable()) return 0;
      ssize_t r = ::read(fd_, dst, cap);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno == EINTR) {
        if (g_stop_requested.load()) return 0;
        continue;
      }
      throw Error(path_ + ": read error: " + std::strerror(errno));
    }
  }

 private:
  // The signal that sets the stop flag may be delivered to any thread, so a
  // read(2) blocked here need not see EINTR: wait in short polls instead and
  // look at the flag between them. False when a stop was requested.
  bool wait_readable() {
    for (;;) {
      if (g_stop_requested.load()) return false;
      pollfd p{fd_, POLLIN, 0};
      int rc = ::poll(&p, 1, kStopPollMs);
      // Readable, hung up or in error: read(2) tells which without blocking.
      if (rc > 0) return true;
      if (rc < 0 && errno != EINTR) throw Error(path_ + ": poll error: " + std::strerror(errno));
    }
  }

  int fd_;
  const std::string& path_;
  bool wait_for_data_;
  std::vector<uint8_t> prefix_;
  size_t prefix_pos_ = 0;
};

class RawDecoder : public Decoder {
 public:
  explicit RawDecoder(FdReader r) : r_(std::move(r)) {}
  size_t read(uint8_t* dst, size_t cap) override { return r_.read(dst, cap); }

 private:
  FdReader r_;
};

class GzipDecoder : public Decoder {
 public:
  GzipDecoder(FdReader r, const std::string& path) : r_(std::move(r)), path_(path), in_(256 * 1024) {
    std::memset(&z_, 0, sizeof z_);
    // 15+32: accept gzip or zlib headers.
    if (inflateInit2(&z_, 15 + 32) != Z_OK) throw Error(path + ": cannot initialise zlib");
  }
  ~GzipDecoder() override { inflateEnd(&z_); }

  size_t read(uint8_t* dst, size_t cap) override {
    if (done_) return 0;
    z_.next_out = dst;
    z_.avail_out = static_cast<uInt>(cap);
    while (z_.avail_out == cap) {
      if (z_.avail_in == 0 && !in_eof_) {
        size_t n = r_.read(in_.data(), in_.size());
        if (n == 0) in_eof_ = true;
        z_.next_in = in_.data();
        z_.avail_in = static_cast<uInt>(n);
      }
      if (member_end_ && z_.avail_in != 0) {
        // Concatenated gzip members continue the same stream; anything
        // else after a member is trailing garbage and ends it.
        if (z_.avail_in < 2 || z_.next_in[0] != 0x1f || z_.next_in[1] != 0x8b) {
          done_ = true;
          break;
        }
        inflateReset(&z_);
        member_end_ = false;
      }
      if (z_.avail_in == 0 && in_eof_) {
        if (!member_end_) strato::warn(path_ + ": gzip stream ends early (truncated .gz file)");
        done_ = true;
        break;
      }
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // The next member (if any) is looked for on the next call: reading
        // for it now could block a pipe's last packets behind input that
        // may never come.
        member_end_ = true;
        continue;
      }
      if (rc == Z_OK) {
        member_end_ = false;
        continue;
      }
      if (rc == Z_BUF_ERROR) continue;  // needs more input
      strato::warn(path_ + ": gzip data corrupt after " + std::to_string(z_.total_out) +
                   " decompressed bytes: " + (z_.msg ? z_.msg : "inflate error"));
      done_ = true;
      break;
    }
    return cap - z_.avail_out;
  }

 private:
  FdReader r_;
  const std::string& path_;
  std::vector<uint8_t> in_;
  z_stream z_;
  bool in_eof_ = false, done_ = false, member_end_ = false;
};

class ZstdDecoder : public Decoder {
 public:
  ZstdDecoder(FdReader r, const std::string& path)
      : r_(std::move(r)), path_(path), in_(ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {
    if (!dctx_) throw Error(path + ": cannot initialise zstd");
    // Bounds the window (and so memory) for hostile frames: 128 MiB.
    ZSTD_DCtx_setParameter(dctx_, ZSTD_d_windowLogMax, 27);
  }
  ~ZstdDecoder() override { ZSTD_freeDCtx(dctx_); }

  size_t read(uint8_t* dst, size_t cap) override {
    if (done_) return 0;
    ZSTD_outBuffer out{dst, cap, 0};
    while (out.pos == 0) {
      if (in_buf_.pos == in_buf_.size && !in_eof_) {
        size_t n = r_.read(in_.data(), in_.size());
        if (n == 0) in_eof_ = true;
        in_buf_ = ZSTD_inBuffer{in_.data(), n, 0};
      }
      if (in_buf_.pos == in_buf_.size && in_eof_ && !pending_) {
        done_ = true;
        break;
      }
      size_t rc = ZSTD_decompressStream(dctx_, &out, &in_buf_);
      if (ZSTD_isError(rc)) {
        strato::warn(path_ + ": zstd data corrupt: " + ZSTD_getErrorName(rc));
        done_ = true;
        break;
      }
      // rc != 0: a frame is still open (more input or output to come).
      pending_ = rc != 0;
      if (in_buf_.pos == in_buf_.size && in_eof_ && out.pos == 0) {
        if (pending_) strato::warn(path_ + ": zstd stream ends early (truncated .zst file)");
        done_ = true;
        break;
      }
    }
    return out.pos;
  }

 private:
  FdReader r_;
  const std::string& path_;
  std::vector<uint8_t> in_;
  ZSTD_inBuffer in_buf_{nullptr, 0, 0};
  ZSTD_DCtx* dctx_;
  bool in_eof_ = false, done_ = false, pending_ = false;
};

}  // namespace

InputStream::InputStream(const std::string& path) : path_(path) {
  // "-" is standard input, as in tshark; dup'd so closing it leaves fd 0 alone.
  fd_ = path == "-" ? ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  bool regular = true;
  if (fstat(fd_, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd_);
      throw Error(path + ": cannot open: " + std::strerror(EISDIR));
    }
    regular = S_ISREG(st.st_mode);
  }
#ifdef POSIX_FADV_SEQUENTIAL
  if (regular) posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  FdReader r(fd_, path_, !regular);
  uint8_t magic[4];
  size_t got = 0;
  try {
    while (got < sizeof magic) {
      size_t n = r.read(magic + got, sizeof magic - got);
      if (n == 0) break;
      got += n;
    }
  } catch (...) {
    ::close(fd_);
    throw;
  }
  r.unread(magic, got);
  if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    decoder_ = std::make_unique<GzipDecoder>(std::move(r), path_);
    compression_ = "gzip";
  } else if (got == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    decoder_ = std::make_unique<ZstdDecoder>(std::move(r), path_);
    compression_ = "zstd";
  } else {
    decoder_ = std::make_unique<RawDecoder>(std::move(r));
  }
  buf_.resize(kChunk);
}

InputStream::~InputStream() {
  decoder_.reset();
  if (fd_ >= 0) ::close(fd_);
}

bool InputStream::fill(size_t n) {
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  while (end_ < n && !eof_) {
    // Grow only as data actually arrives, so a bogus huge length in a
    // corrupt file costs at most twice the bytes that really exist.
    if (buf_.size() - end_ < kChunk / 4) buf_.resize(std::max(buf_.size() * 2, end_ + kChunk));
    size_t r = decoder_->read(buf_.data() + end_, buf_.size() - end_);
    if (r == 0) eof_ = true;
    end_ += r;
  }
  return end_ >= n;
}

}  // namespace strato::file
