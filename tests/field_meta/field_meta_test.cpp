// Field metadata against tshark 4.0: the tree lines (-V) of generic fields
// (bit patterns of masked fields, true/false strings, value strings and
// their "Unknown", hex widths, DEC_HEX/HEX_DEC, chars, times, bytes...), their
// -T fields values, and `strato fields` as `tshark -G fields`. The Lua
// postdissector field_kinds.lua declares one field of each kind and runs
// unchanged in both.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace st = strato::test;

namespace {

std::string q(const std::string& s) { return "'" + s + "'"; }

std::string script() { return st::source_dir() + "/tests/field_meta/field_kinds.lua"; }

std::string lua_arg() { return " -X lua_script:" + q(script()); }

// A zone away from UTC, so that local and UTC absolute times differ.
const char kTz[] = "TZ=America/New_York ";

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cols;
  std::stringstream ls(line);
  for (std::string col; std::getline(ls, col, '\t');) cols.push_back(col);
  if (!line.empty() && line.back() == '\t') cols.emplace_back();
  return cols;
}

// The lines of every "Field Kinds" subtree of a -V output.
std::vector<std::string> fkd_subtrees(const std::string& out) {
  std::vector<std::string> v;
  bool on = false;
  for (auto& line : st::split_lines(out)) {
    if (line == "Field Kinds") on = true;
    else if (!line.empty() && line[0] != ' ') on = false;
    if (on) v.push_back(line);
  }
  return v;
}

// Names the first difference of two line lists and how many lines differ.
void expect_same_lines(const std::vector<std::string>& t, const std::vector<std::string>& o, const std::string& what) {
  size_t differ = 0, first = 0;
  for (size_t i = 0; i < std::max(t.size(), o.size()); ++i) {
    if (i < t.size() && i < o.size() && t[i] == o[i]) continue;
    if (differ++ == 0) first = i;
  }
  EXPECT_EQ(differ, 0u) << what << ": " << differ << " of " << t.size() << " lines differ (strato " << o.size()
                        << ")\n  first differing line " << first + 1
                        << "\n  tshark: " << (first < t.size() ? t[first] : "(no line)")
                        << "\n  strato: " << (first < o.size() ? o[first] : "(no line)");
}

std::string capture() { return st::shared_file("captures/live/mixed-small.pcapng"); }

// Every fkd.* abbreviation field_kinds.lua declares.
std::vector<std::string> fkd_fields() {
  auto r = st::run("grep -o '\"fkd\\.[a-z0-9_.]*\"' " + q(script()) + " | tr -d '\"'");
  return st::split_lines(r.out);
}

TEST(FieldMeta, VerboseTreeLinesMatchTshark) {
  std::string cap = capture();
  auto theirs = st::run(kTz + std::string("tshark -n -r ") + q(cap) + lua_arg() + " -V");
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  ASSERT_EQ(theirs.out.find("Lua Error"), std::string::npos) << "field_kinds.lua fails in tshark itself";
  auto ours = st::run(kTz + q(st::strato_bin()) + " read -n -r " + q(cap) + lua_arg() + " -V");
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  auto t = fkd_subtrees(theirs.out), o = fkd_subtrees(ours.out);
  // The oracle has what the test is about: masked fields, TFS, Unknown, chars.
  ASSERT_GE(t.size(), 1000u);
  for (const char* want : {"0... .... = Bool bit 7: Low", ".... ...1 = Bool bit 0: True", "U8 named: Unknown (17)",
                           "U16 dec-hex: ", "U24 hex-dec: 0x", ".... .... 0000 0000 0000 .... .... .... = Mask 32: 0x000",
                           "UTC", "EDT", "Char: 't'", "Char hex: '\\x", "\xe2\x80\xa6", "[Bool: "}) {
    EXPECT_NE(theirs.out.find(want), std::string::npos) << "tshark's output lacks " << want;
  }
  expect_same_lines(t, o, "Field Kinds subtrees of -V");
}

TEST(FieldMeta, FieldValuesMatchTshark) {
  std::string cap = capture();
  auto fields = fkd_fields();
  ASSERT_GE(fields.size(), 45u);
  std::string args = lua_arg() + " -T fields -E occurrence=a";
  for (auto& f : fields) args += " -e " + f;
  auto theirs = st::run(kTz + std::string("tshark -n -r ") + q(cap) + args);
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  auto ours = st::run(kTz + q(st::strato_bin()) + " read -n -r " + q(cap) + args);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  auto t = st::split_lines(theirs.out);
  ASSERT_GE(t.size(), 50u);
  expect_same_lines(t, st::split_lines(ours.out), "-T fields of every fkd field");
}

// The fkd rows of `tshark -G fields` and `strato fields`, as sorted lines.
std::vector<std::string> fkd_rows(const std::string& out) {
  std::vector<std::string> v;
  for (auto& line : st::split_lines(out)) {
    auto c = split_tabs(line);
    if ((c.size() == 3 && c[0] == "P" && c[2] == "fkd") || (c.size() >= 5 && c[0] == "F" && c[4] == "fkd"))
      v.push_back(line);
  }
  std::sort(v.begin(), v.end());
  return v;
}

TEST(FieldMeta, FieldListMatchesTsharkG) {
  auto theirs = st::run("tshark -G fields" + lua_arg());
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  auto t = fkd_rows(theirs.out);
  ASSERT_GE(t.size(), 50u) << "tshark -G fields lists too few fkd fields";
  auto ours = st::run(q(st::strato_bin()) + " fields" + lua_arg());
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  expect_same_lines(t, fkd_rows(ours.out), "fkd rows of -G fields");
}

// Built-in fields: where strato and tshark give a field the same type, the
// base column follows the same rules (empty for non-numeric types, the
// parent width of booleans, BASE_* of integers); the type and base columns
// agree on most fields (a floor, so that they do not get worse).
TEST(FieldMeta, BuiltinFieldListCloseToTsharkG) {
  auto theirs = st::run("tshark -G fields");
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  auto ours = st::run(q(st::strato_bin()) + " fields");
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  std::map<std::string, std::vector<std::string>> t;
  for (auto& line : st::split_lines(theirs.out)) {
    auto c = split_tabs(line);
    if (c.size() >= 8 && c[0] == "F") t[c[2]] = c;
  }
  size_t common = 0, same_type = 0, same_base = 0;
  std::string wrong;
  for (auto& line : st::split_lines(ours.out)) {
    auto c = split_tabs(line);
    if (c.size() < 8 || c[0] != "F") continue;
    ASSERT_EQ(c.size(), 8u) << "not 8 columns: " << line;
    auto it = t.find(c[2]);
    if (it == t.end()) continue;
    ++common;
    if (it->second[3] != c[3]) continue;
    ++same_type;
    if (it->second[5] == c[5]) {
      ++same_base;
      continue;
    }
    bool integer = c[3].rfind("FT_UINT", 0) == 0 || c[3].rfind("FT_INT", 0) == 0 || c[3] == "FT_CHAR";
    if (!integer && c[3] != "FT_BOOLEAN") wrong += "\n  " + c[2] + " " + c[3] + ": '" + c[5] + "' for '" + it->second[5] + "'";
  }
  EXPECT_TRUE(wrong.empty()) << "base column of non-numeric fields differs from tshark's:" << wrong;
  ASSERT_GE(common, 500u);
  EXPECT_GE(same_type * 100, common * 85) << same_type << " of " << common << " types agree";
  EXPECT_GE(same_base * 100, same_type * 90) << same_base << " of " << same_type << " base columns agree";
}

}  // namespace
