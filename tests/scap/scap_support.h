#pragma once
// Shared by the .scap tests: running strato and Debian's sysdig 0.29 (the
// oracle) over the files in ../shared/captures/scap.
#include <string>
#include <vector>

#include "test_support.h"

namespace scaptest {

inline std::string q(const std::string& s) { return "'" + s + "'"; }

inline std::string scap_file(const std::string& name) { return strato::test::shared_file("captures/scap/" + name); }

// strato's fields, one row per event, columns split on '|'.
inline std::vector<std::vector<std::string>> strato_rows(const std::string& file, const std::vector<std::string>& fields,
                                                        const std::string& extra = "") {
  std::string cmd = q(strato::test::strato_bin()) + " read -r " + q(file) + " " + extra + " -T fields -E separator='|'";
  for (auto& f : fields) cmd += " -e " + f;
  auto r = strato::test::run(cmd);
  std::vector<std::vector<std::string>> rows;
  if (r.exit_code != 0) {
    rows.push_back({"strato failed: " + r.err});
    return rows;
  }
  for (auto& line : strato::test::split_lines(r.out)) {
    std::vector<std::string> row;
    size_t pos = 0;
    for (;;) {
      size_t bar = line.find('|', pos);
      row.push_back(line.substr(pos, bar == std::string::npos ? std::string::npos : bar - pos));
      if (bar == std::string::npos) break;
      pos = bar + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Lines of `sysdig -r FILE -p FORMAT [FILTER]`; ok=false when sysdig cannot read the file.
struct SysdigOut {
  bool ok = false;
  std::vector<std::string> lines;
  std::string err;
};
inline SysdigOut sysdig(const std::string& file, const std::string& format, const std::string& filter = "") {
  auto r = strato::test::run("sysdig -r " + q(file) + " -p " + q(format) + (filter.empty() ? "" : " " + q(filter)));
  SysdigOut o;
  o.ok = r.exit_code == 0 && r.err.find("Could not") == std::string::npos;
  o.lines = strato::test::split_lines(r.out);
  o.err = r.err;
  return o;
}

}  // namespace scaptest
