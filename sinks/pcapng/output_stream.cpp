#include "output_stream.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "strato/error.h"

namespace strato::pcapng {

namespace {

class PlainStream : public OutputStream {
 public:
  PlainStream(FILE* f, std::string name) : f_(f), name_(std::move(name)) {}
  // A batch of single-file mode is one large block: write(2) it whole
  // rather than through stdio, which splits it into a buffer fill, the
  // middle, and a tail copied into the buffer and written at the flush
  // (three syscalls). Ring files get packets one at a time: those stay
  // buffered.
  void write(const char* p, size_t n) override {
    if (n < kDirect) {
      if (n && std::fwrite(p, 1, n, f_) != n) fail();
      return;
    }
    if (std::fflush(f_) != 0) fail();  // anything already in the FILE goes first
    int fd = fileno(f_);
    while (n) {
      ssize_t w = ::write(fd, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        fail();
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
  }
  void flush() override {
    if (std::fflush(f_) != 0) fail();
  }

 private:
  static constexpr size_t kDirect = 16384;

  [[noreturn]] void fail() { throw Error(name_ + ": write error: " + std::strerror(errno)); }

  FILE* f_;
  std::string name_;
};

bool ends_with(const std::string& s, const char* e) {
  size_t n = std::strlen(e);
  return s.size() >= n && s.compare(s.size() - n, n, e) == 0;
}

}  // namespace

Compression parse_compression(const std::string& s) {
  if (s.empty() || s == "none") return Compression::None;
  if (s == "zstd") return Compression::Zstd;
  if (s == "gzip") return Compression::Gzip;
  throw usage_error("--compress " + s + ": expected zstd or gzip");
}

Compression compression_of_name(const std::string& path) {
  if (ends_with(path, ".zst")) return Compression::Zstd;
  if (ends_with(path, ".gz")) return Compression::Gzip;
  return Compression::None;
}

const char* to_string(Compression c) {
  switch (c) {
    case Compression::Gzip: return "gzip";
    case Compression::Zstd: return "zstd";
    default: return "none";
  }
}

std::unique_ptr<OutputStream> make_output_stream(FILE* f, const std::string& name, Compression c) {
  switch (c) {
    case Compression::Gzip: return make_gzip_stream(f, name);
    case Compression::Zstd: return make_zstd_stream(f, name);
    default: return std::make_unique<PlainStream>(f, name);
  }
}

}  // namespace strato::pcapng
