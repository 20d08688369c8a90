#pragma once
// Helpers shared by all test binaries.
#include <cstdint>
#include <string>
#include <vector>

namespace strato::test {

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs `cmd` through /bin/sh, capturing stdout and stderr.
CommandResult run(const std::string& cmd);

// Path of a file under ../shared (e.g. "captures/live/mixed-small.pcapng").
// Fails the calling test loudly, naming the file, when it is missing.
std::string shared_file(const std::string& rel);
std::vector<std::string> shared_files(const std::string& rel_dir, const std::string& suffix = "");

// The strato binary and the build directory.
std::string strato_bin();
std::string build_dir();
std::string source_dir();

// A fresh temporary directory, removed at process exit.
std::string temp_dir();

bool have_program(const std::string& name);

// Loads all plugins from the build tree once (for in-process tests).
void load_plugins();

std::vector<std::string> split_lines(const std::string& s);

}  // namespace strato::test
