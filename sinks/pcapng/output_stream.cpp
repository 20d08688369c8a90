#include "output_stream.h"

#include <cerrno>
#include <cstring>

#include "strato/error.h"

namespace strato::pcapng {

namespace {

class PlainStream : public OutputStream {
 public:
  PlainStream(FILE* f, std::string name) : f_(f), name_(std::move(name)) {}
  void write(const char* p, size_t n) override {
    if (n && std::fwrite(p, 1, n, f_) != n) throw Error(name_ + ": write error: " + std::strerror(errno));
  }
  void flush() override {
    if (std::fflush(f_) != 0) throw Error(name_ + ": write error: " + std::strerror(errno));
  }

 private:
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
