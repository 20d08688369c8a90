#pragma once
// The archives a batch reads: shell-style globs with `**` expanded by strato
// itself (quoted on the command line so the shell leaves them alone).
#include <cstdint>
#include <string>
#include <vector>

namespace strato::cli {

struct BatchInput {
  std::string path;   // as found (base joined with rel)
  std::string key;    // canonical path: identity for dedup and the resume state
  std::string rel;    // path under the glob's base: names the per-file output
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

// Expands each pattern (`*`, `?`, `[...]` within a component, `**` across
// directories; a plain path names one file), then sorts by path and drops
// duplicates. A pattern that matches nothing is a one-line error.
std::vector<BatchInput> expand_inputs(const std::vector<std::string>& patterns);

// Output name for an input under -w OUTDIR: the relative path kept, the
// compression suffix kept only when the writer can compress, as pcapng.
std::string output_name(const std::string& rel, bool can_compress);

// "gzip", "zstd" or "" from a file name's suffix.
std::string compression_of(const std::string& name);

}  // namespace strato::cli
