#include "file_naming.h"

#include <cstdio>
#include <ctime>

namespace strato::pcapng {

namespace {

bool compressor_ext(const std::string& e) { return e == ".gz" || e == ".zst"; }

}  // namespace

ArchiveName split_archive_name(const std::string& path) {
  size_t slash = path.rfind('/');
  size_t base = slash == std::string::npos ? 0 : slash + 1;
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || dot < base) return {path, ""};
  if (compressor_ext(path.substr(dot)) && dot > base) {
    size_t prev = path.rfind('.', dot - 1);
    if (prev != std::string::npos && prev >= base) dot = prev;
  }
  return {path.substr(0, dot), path.substr(dot)};
}

std::string ring_file_name(const ArchiveName& n, uint64_t seq, uint64_t first_ts_ns) {
  time_t t = static_cast<time_t>(first_ts_ns / 1000000000ull);
  struct tm tm {};
  localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
  char num[16];
  std::snprintf(num, sizeof num, "%05u", static_cast<unsigned>(seq % 100000));
  return n.prefix + "_" + num + "_" + stamp + n.suffix;
}

std::string partial_name(const std::string& path) {
  size_t slash = path.rfind('/');
  size_t base = slash == std::string::npos ? 0 : slash + 1;
  return path.substr(0, base) + "." + path.substr(base) + ".partial";
}

std::string directory_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace strato::pcapng
