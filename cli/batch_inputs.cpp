#include "batch_inputs.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "strato/error.h"

namespace fs = std::filesystem;

namespace strato::cli {

namespace {

bool has_wildcard(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

std::vector<std::string> split_path(const std::string& p) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= p.size()) {
    size_t slash = p.find('/', pos);
    if (slash == std::string::npos) slash = p.size();
    if (slash > pos) parts.push_back(p.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return parts;
}

// `**` matches any number of whole directories, including none.
bool match_parts(const std::vector<std::string>& pat, size_t pi, const std::vector<std::string>& name, size_t ni) {
  if (pi == pat.size()) return ni == name.size();
  if (pat[pi] == "**") {
    for (size_t k = ni; k <= name.size(); ++k)
      if (match_parts(pat, pi + 1, name, k)) return true;
    return false;
  }
  if (ni == name.size()) return false;
  if (fnmatch(pat[pi].c_str(), name[ni].c_str(), FNM_PERIOD) != 0) return false;
  return match_parts(pat, pi + 1, name, ni + 1);
}

bool ends_with(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

BatchInput make_input(const fs::path& base, const std::string& rel) {
  BatchInput in;
  fs::path p = base.empty() ? fs::path(rel) : base / rel;
  in.path = p.string();
  in.rel = rel;
  struct stat st {};
  if (::stat(in.path.c_str(), &st) == 0) {
    in.size = static_cast<uint64_t>(st.st_size);
    in.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  }
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  in.key = ec ? fs::absolute(p).lexically_normal().string() : c.string();
  return in;
}

}  // namespace

std::vector<BatchInput> expand_inputs(const std::vector<std::string>& patterns) {
  std::vector<BatchInput> all;
  for (const std::string& pattern : patterns) {
    if (!has_wildcard(pattern)) {
      std::error_code ec;
      if (fs::is_directory(pattern, ec))
        throw usage_error("batch: " + pattern + ": is a directory (give a glob such as '" + pattern + "/**/*.pcapng')");
      if (!fs::is_regular_file(pattern, ec)) throw Error("batch: " + pattern + ": no such file");
      all.push_back(make_input(fs::path(pattern).parent_path(), fs::path(pattern).filename().string()));
      continue;
    }
    // The base is the leading run of components without wildcards.
    std::vector<std::string> parts = split_path(pattern);
    size_t first_wild = 0;
    while (first_wild < parts.size() && !has_wildcard(parts[first_wild])) ++first_wild;
    fs::path base = pattern[0] == '/' ? fs::path("/") : fs::path();
    for (size_t i = 0; i < first_wild; ++i) base /= parts[i];
    std::vector<std::string> pat(parts.begin() + static_cast<long>(first_wild), parts.end());
    fs::path walk_root = base.empty() ? fs::path(".") : base;
    std::error_code ec;
    size_t found = 0;
    if (fs::is_directory(walk_root, ec)) {
      fs::recursive_directory_iterator it(walk_root, fs::directory_options::skip_permission_denied, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string rel = it->path().lexically_relative(walk_root).generic_string();
        if (!match_parts(pat, 0, split_path(rel), 0)) continue;
        all.push_back(make_input(base, rel));
        ++found;
      }
      if (ec) throw Error("batch: " + walk_root.string() + ": cannot list: " + ec.message());
    }
    if (!found) throw Error("batch: no files match '" + pattern + "'");
  }
  std::sort(all.begin(), all.end(), [](const BatchInput& a, const BatchInput& b) { return a.path < b.path; });
  std::vector<BatchInput> out;
  std::set<std::string> seen;
  for (auto& in : all)
    if (seen.insert(in.key).second) out.push_back(std::move(in));
  return out;
}

std::string compression_of(const std::string& name) {
  if (ends_with(name, ".gz")) return "gzip";
  if (ends_with(name, ".zst")) return "zstd";
  return "";
}

std::string output_name(const std::string& rel, bool can_compress) {
  std::string suffix, stem = rel;
  for (const char* s : {".gz", ".zst"})
    if (ends_with(stem, s)) {
      suffix = s;
      stem.resize(stem.size() - suffix.size());
    }
  if (ends_with(stem, ".pcap")) stem += "ng";
  else if (ends_with(stem, ".scap")) stem.replace(stem.size() - 5, 5, ".pcapng");
  else if (!ends_with(stem, ".pcapng")) stem += ".pcapng";
  return can_compress ? stem + suffix : stem;
}

}  // namespace strato::cli
