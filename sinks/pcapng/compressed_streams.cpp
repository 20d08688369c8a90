// gzip and zstd output: a batch's bytes are gathered, then compressed as one
// gzip member or zstd frame. A frame per batch costs a few bytes and some
// ratio on tiny live batches, and buys files that are valid at every batch
// boundary (a streaming flush would leave an unterminated frame that
// decompressors report as truncated).
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

#include "output_stream.h"
#include "strato/error.h"

namespace strato::pcapng {

namespace {

class BufferedCompressor : public OutputStream {
 public:
  BufferedCompressor(FILE* f, std::string name) : name_(std::move(name)), f_(f) {}
  void write(const char* p, size_t n) override { pending_.append(p, n); }
  void flush() override {
    if (pending_.empty()) return;
    compress(pending_, out_);
    pending_.clear();
    if (std::fwrite(out_.data(), 1, out_.size(), f_) != out_.size() || std::fflush(f_) != 0)
      throw Error(name_ + ": write error: " + std::strerror(errno));
  }

 protected:
  virtual void compress(const std::string& in, std::string& out) = 0;
  std::string name_;

 private:
  FILE* f_;
  std::string pending_, out_;
};

class GzipStream : public BufferedCompressor {
 public:
  GzipStream(FILE* f, std::string name) : BufferedCompressor(f, std::move(name)) {
    // 15 + 16: a gzip header and trailer around the deflate data.
    if (deflateInit2(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw Error(name_ + ": cannot initialise zlib");
  }
  ~GzipStream() override { deflateEnd(&z_); }

 private:
  void compress(const std::string& in, std::string& out) override {
    deflateReset(&z_);
    out.resize(deflateBound(&z_, in.size()) + 32);
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    z_.next_out = reinterpret_cast<Bytef*>(out.data());
    z_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&z_, Z_FINISH) != Z_STREAM_END) throw Error(name_ + ": gzip compression failed");
    out.resize(out.size() - z_.avail_out);
  }
  z_stream z_{};
};

class ZstdStream : public BufferedCompressor {
 public:
  ZstdStream(FILE* f, std::string name) : BufferedCompressor(f, std::move(name)), c_(ZSTD_createCCtx()) {
    if (!c_) throw Error(name_ + ": cannot initialise zstd");
    ZSTD_CCtx_setParameter(c_, ZSTD_c_compressionLevel, 3);
    // Lets readers tell a damaged frame from a good one.
    ZSTD_CCtx_setParameter(c_, ZSTD_c_checksumFlag, 1);
  }
  ~ZstdStream() override { ZSTD_freeCCtx(c_); }

 private:
  void compress(const std::string& in, std::string& out) override {
    out.resize(ZSTD_compressBound(in.size()));
    size_t n = ZSTD_compress2(c_, out.data(), out.size(), in.data(), in.size());
    if (ZSTD_isError(n)) throw Error(name_ + ": zstd compression failed: " + ZSTD_getErrorName(n));
    out.resize(n);
  }
  ZSTD_CCtx* c_;
};

}  // namespace

std::unique_ptr<OutputStream> make_gzip_stream(FILE* f, const std::string& name) {
  return std::make_unique<GzipStream>(f, name);
}

std::unique_ptr<OutputStream> make_zstd_stream(FILE* f, const std::string& name) {
  return std::make_unique<ZstdStream>(f, name);
}

}  // namespace strato::pcapng
