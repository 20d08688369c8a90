#pragma once
// Where the sink's bytes go: the file as is, or through gzip or zstd.
// Compressed streams end a gzip member / zstd frame at every flush (each
// engine batch): concatenated members and frames are valid files, so a file
// cut short by kill -9 decompresses whole up to its last flushed batch.
#include <cstdio>
#include <memory>
#include <string>

namespace strato::pcapng {

enum class Compression { None, Gzip, Zstd };

// "zstd" or "gzip" ("" or "none": none); anything else is a usage error.
Compression parse_compression(const std::string& s);
// What a .gz or .zst name implies.
Compression compression_of_name(const std::string& path);
const char* to_string(Compression c);

class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual void write(const char* p, size_t n) = 0;
  // Makes everything written so far readable in the file (the kernel has
  // it; fsync is the caller's choice).
  virtual void flush() = 0;
};

// Writes to `f` (not owned); `name` is for error messages.
std::unique_ptr<OutputStream> make_output_stream(FILE* f, const std::string& name, Compression c);

// Compressors, in compressed_streams.cpp.
std::unique_ptr<OutputStream> make_gzip_stream(FILE* f, const std::string& name);
std::unique_ptr<OutputStream> make_zstd_stream(FILE* f, const std::string& name);

}  // namespace strato::pcapng
