#pragma once
// Names of ring files, as dumpcap gives them: PREFIX_NNNNN_YYYYMMDDhhmmss.EXT
// from -w PREFIX.EXT, and the hidden name a file has while being written.
#include <cstdint>
#include <string>

namespace strato::pcapng {

struct ArchiveName {
  std::string prefix;  // directory and name up to the extension
  std::string suffix;  // ".pcapng", ".pcapng.zst" (compressor extensions keep the one before), or ""
};

ArchiveName split_archive_name(const std::string& path);

// Sequence numbers wrap at 100000 as dumpcap's do; the time is the local
// time (TZ) of the file's first packet.
std::string ring_file_name(const ArchiveName& n, uint64_t seq, uint64_t first_ts_ns);

// DIR/.NAME.partial: in the same directory so the final rename is atomic,
// hidden so that globs over an archive directory skip it.
std::string partial_name(const std::string& path);

// The directory part of `path` ("." when none).
std::string directory_of(const std::string& path);

}  // namespace strato::pcapng
