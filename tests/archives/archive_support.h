#pragma once
// Helpers of the archive tests: tshark's view of files (one line per frame:
// epoch time, length, captured length), ring files of a run, the file names
// dumpcap would give.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "test_support.h"

namespace strato::test::archives {

namespace fs = std::filesystem;

struct Frame {
  std::string line;  // as tshark prints it: compared whole
  uint64_t ts_ns = 0;
  uint64_t cap_len = 0;
};

// Frames of `file` as tshark reads it (`cat` pipes a decompressor's output).
inline std::vector<Frame> frames(const std::string& file, const std::string& cat = "") {
  std::string fields = " -T fields -e frame.time_epoch -e frame.len -e frame.cap_len";
  std::string cmd = cat.empty() ? "tshark -n -r '" + file + "'" + fields
                                : cat + " '" + file + "' | tshark -n -r -" + fields;
  CommandResult r = run(cmd);
  EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.err;
  std::vector<Frame> out;
  for (const std::string& l : split_lines(r.out)) {
    Frame f;
    f.line = l;
    size_t dot = l.find('.'), tab = l.find('\t'), tab2 = l.rfind('\t');
    std::string frac = l.substr(dot + 1, tab - dot - 1);
    frac.resize(9, '0');
    f.ts_ns = std::stoull(l.substr(0, dot)) * 1000000000ull + std::stoull(frac);
    f.cap_len = std::stoull(l.substr(tab2 + 1));
    out.push_back(f);
  }
  return out;
}

// Files in `dir` (hidden ones too), sorted by name.
inline std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// PREFIX_NNNNN_YYYYMMDDhhmmss.EXT in UTC (the tests run strato with TZ=UTC).
inline std::string ring_name(const std::string& prefix, unsigned seq, uint64_t ts_ns, const std::string& ext) {
  time_t t = static_cast<time_t>(ts_ns / 1000000000ull);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "_%05u_%04d%02d%02d%02d%02d%02d", seq, tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return prefix + buf + ext;
}

// A fresh directory for one test.
inline std::string fresh_dir(const std::string& name) {
  std::string d = temp_dir() + "/" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

inline uint64_t file_size(const std::string& path) { return fs::file_size(path); }

inline std::string strato_tz() { return "TZ=UTC " + strato_bin(); }

}  // namespace strato::test::archives
