#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "strato/plugin_manager.h"
#include "test_support.h"

namespace st = strato::test;

TEST(PluginLoader, BuiltInPluginsAreFoundBesideTheBinary) {
  auto r = st::run("env -u STRATO_PLUGIN_PATH " + st::strato_bin() + " plugins");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"dissector\tframe", "source\tfile", "dissector\tip", "dissector\ttcp", "sink\ttext",
                           "sink\tfields", "sink\tpcapng"})
    EXPECT_NE(r.out.find(name), std::string::npos) << "missing plugin line '" << name << "' in\n" << r.out;
}

TEST(PluginLoader, AbiMismatchIsReportedByFile) {
  strato::PluginManager pm;
  std::string path = st::build_dir() + "/tests/fixtures/fixture_bad_abi.so";
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  pm.load_file(path);
  ASSERT_EQ(pm.errors().size(), 1u);
  EXPECT_NE(pm.errors()[0].find(path), std::string::npos);
  EXPECT_NE(pm.errors()[0].find("ABI version 999"), std::string::npos) << pm.errors()[0];
  EXPECT_TRUE(pm.plugins().empty());
}

TEST(PluginLoader, NonPluginFileIsReportedByFile) {
  std::string path = st::temp_dir() + "/garbage.so";
  std::ofstream(path) << "not an ELF file";
  strato::PluginManager pm;
  pm.load_file(path);
  ASSERT_EQ(pm.errors().size(), 1u);
  EXPECT_NE(pm.errors()[0].find(path + ": cannot load"), std::string::npos) << pm.errors()[0];
}

TEST(PluginLoader, ExtraDirectoryFromEnvironmentIsSearched) {
  std::string dir = st::temp_dir() + "/extra-plugins";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(st::build_dir() + "/tests/fixtures/fixture_bad_abi.so", dir + "/bad.so",
                             std::filesystem::copy_options::overwrite_existing);
  auto r = st::run("STRATO_PLUGIN_PATH=" + dir + " " + st::strato_bin() + " plugins");
  EXPECT_NE(r.err.find(dir + "/bad.so: plugin ABI version 999"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("dissector\tframe"), std::string::npos);
}
