#include "test_support.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "strato/plugin_manager.h"

namespace fs = std::filesystem;

namespace strato::test {

CommandResult run(const std::string& cmd) {
  CommandResult r;
  std::string errfile = temp_dir() + "/stderr." + std::to_string(getpid()) + "." + std::to_string(rand());
  std::string full = "(" + cmd + ") 2>" + errfile;
  FILE* p = popen(full.c_str(), "r");
  if (!p) return r;
  std::array<char, 65536> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  std::ifstream ef(errfile);
  std::stringstream ss;
  ss << ef.rdbuf();
  r.err = ss.str();
  fs::remove(errfile);
  return r;
}

std::string shared_file(const std::string& rel) {
  std::string p = std::string(STRATO_SHARED_DIR) + "/" + rel;
  if (!fs::exists(p)) ADD_FAILURE() << "missing test input " << p << " (expected ../shared/" << rel << " beside the project)";
  return p;
}

std::vector<std::string> shared_files(const std::string& rel_dir, const std::string& suffix) {
  std::vector<std::string> v;
  std::string d = std::string(STRATO_SHARED_DIR) + "/" + rel_dir;
  if (!fs::is_directory(d)) {
    ADD_FAILURE() << "missing test input directory " << d;
    return v;
  }
  for (auto& e : fs::directory_iterator(d)) {
    std::string p = e.path().string();
    if (e.is_regular_file() && (suffix.empty() || p.ends_with(suffix))) v.push_back(p);
  }
  std::sort(v.begin(), v.end());
  return v;
}

std::string strato_bin() { return STRATO_BINARY; }
std::string build_dir() { return STRATO_BUILD_DIR; }
std::string source_dir() { return STRATO_SOURCE_DIR; }

std::string temp_dir() {
  static std::string dir = [] {
    char tmpl[] = "/tmp/strato-test-XXXXXX";
    std::string d = mkdtemp(tmpl);
    static struct Cleanup {
      std::string d;
      ~Cleanup() { std::error_code ec; fs::remove_all(d, ec); }
    } cleanup{d};
    return d;
  }();
  return dir;
}

bool have_program(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

void load_plugins() {
  static bool done = [] {
    PluginManager::instance().load_all();
    PluginManager::instance().init_dissectors();
    return true;
  }();
  (void)done;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream ss(s);
  std::string line;
  while (std::getline(ss, line)) v.push_back(line);
  return v;
}

}  // namespace strato::test
