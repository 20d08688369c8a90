// Pipeline files: working examples run, and bad files get an error with the
// file, line and offending key.
#include <gtest/gtest.h>

#include <fstream>

#include "test_support.h"

namespace st = strato::test;

namespace {
std::string write_pipeline(const std::string& name, const std::string& text) {
  std::string p = st::temp_dir() + "/" + name;
  std::ofstream(p) << text;
  return p;
}

st::CommandResult run_pipeline(const std::string& path) {
  return st::run("cd " + st::source_dir() + " && " + st::strato_bin() + " run " + path);
}
}  // namespace

TEST(PipelineFile, UnknownOptionNamesLineAndKey) {
  auto p = write_pipeline("bad-option.yaml",
                          "sources:\n  cap:\n    plugin: file\n    path: x.pcap\nsinks:\n  out:\n    inputs: [cap]\n"
                          "    plugin: fields\n    feild: ip.src\n");
  auto r = run_pipeline(p);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(p + ":9: sink 'out': unknown option 'feild' for plugin 'fields'"), std::string::npos) << r.err;
}

TEST(PipelineFile, UnknownPluginAndInputAreNamed) {
  auto p = write_pipeline("bad-plugin.yaml",
                          "sources:\n  cap:\n    plugin: flie\n    path: x.pcap\nsinks:\n  out:\n    inputs: [cap]\n"
                          "    plugin: fields\n");
  auto r = run_pipeline(p);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(p + ":3: source 'cap': unknown source plugin 'flie'"), std::string::npos) << r.err;

  auto q = write_pipeline("bad-input.yaml",
                          "sources:\n  cap:\n    plugin: file\n    path: x.pcap\nsinks:\n  out:\n    inputs: [nope]\n"
                          "    plugin: fields\n    field: ip.src\n");
  r = run_pipeline(q);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("sink 'out': unknown input 'nope'"), std::string::npos) << r.err;
}

TEST(PipelineFile, SyntaxErrorAndUnknownSection) {
  auto p = write_pipeline("syntax.yaml", "sources:\n  cap: [unclosed\n");
  auto r = run_pipeline(p);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(p + ":"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("YAML syntax error"), std::string::npos) << r.err;

  auto q = write_pipeline("section.yaml", "sauces:\n  cap: {plugin: file}\n");
  r = run_pipeline(q);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(q + ":1: unknown key 'sauces'"), std::string::npos) << r.err;
}

// The bundled examples run and give what the equivalent `strato read` gives.
TEST(PipelineFile, DnsSummaryExampleMatchesReadCommand) {
  auto r = run_pipeline("pipelines/dns-summary.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto direct = st::run("cd " + st::source_dir() + " && " + st::strato_bin() +
                        " read -r samples/mixed-small.pcapng -Y dns -T fields -E header=y -e frame.number -e ip.src "
                        "-e dns.id -e dns.flags.response -e dns.qry.name -e dns.qry.type -e dns.flags.rcode -e dns.a "
                        "-e dns.time");
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  ASSERT_FALSE(direct.out.empty());
  EXPECT_EQ(r.out.substr(0, direct.out.size()), direct.out);
}

TEST(PipelineFile, HttpErrorsExampleWritesNdjsonAndPcapng) {
  std::string dir = st::temp_dir() + "/http-errors";
  auto r = st::run("mkdir -p " + dir + " && cd " + dir + " && ln -sf " + st::source_dir() + "/samples samples && " +
                   st::strato_bin() + " run " + st::source_dir() + "/pipelines/http-errors.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto oracle = st::run("tshark -r " + st::source_dir() +
                        "/samples/mixed-small.pcapng -Y 'http.response.code >= 500 || http.response.code == 404' "
                        "-T fields -e frame.number 2>/dev/null");
  auto frames = st::split_lines(oracle.out);
  ASSERT_FALSE(frames.empty());
  auto lines = st::split_lines(st::run("cat " + dir + "/http-errors.ndjson").out);
  EXPECT_EQ(lines.size(), frames.size());
  auto written = st::run("tshark -r " + dir + "/http-errors.pcapng -T fields -e frame.len 2>/dev/null");
  EXPECT_EQ(written.exit_code, 0) << written.out;
  EXPECT_EQ(st::split_lines(written.out).size(), frames.size()) << written.out;
}
