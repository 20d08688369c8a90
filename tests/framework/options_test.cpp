#include <gtest/gtest.h>

#include "strato/error.h"
#include "strato/plugin.h"

using strato::OptionSpec;
using strato::Options;

namespace {
const std::vector<OptionSpec> kSpecs = {
    {"path", "string", nullptr, "file", true, true},
    {"snaplen", "integer", "262144", "bytes", false, false},
    {"promisc", "boolean", "false", "promiscuous", false, false},
};
}

TEST(Options, DefaultsRequiredAndRepeats) {
  Options o("source 'file'", kSpecs, {{"path", "a.pcap"}, {"path", "b.pcap"}});
  EXPECT_EQ(o.list("path"), (std::vector<std::string>{"a.pcap", "b.pcap"}));
  EXPECT_EQ(o.integer("snaplen"), 262144);
  EXPECT_FALSE(o.boolean("promisc"));
}

TEST(Options, UnknownOptionIsNamed) {
  try {
    Options o("source 'file'", kSpecs, {{"path", "a"}, {"snaplne", "3"}});
    FAIL() << "no error";
  } catch (const strato::Error& e) {
    EXPECT_EQ(e.kind(), strato::Error::Kind::Usage);
    EXPECT_NE(std::string(e.what()).find("unknown option 'snaplne'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("source 'file'"), std::string::npos) << e.what();
  }
}

TEST(Options, TypeAndRequiredErrors) {
  EXPECT_THROW(Options("x", kSpecs, {{"path", "a"}, {"snaplen", "big"}}), strato::Error);
  EXPECT_THROW(Options("x", kSpecs, {{"path", "a"}, {"promisc", "maybe"}}), strato::Error);
  EXPECT_THROW(Options("x", kSpecs, {}), strato::Error);
  Options ok("x", kSpecs, {{"path", "a"}, {"snaplen", "0x40"}, {"promisc", "yes"}});
  EXPECT_EQ(ok.integer("snaplen"), 64);
  EXPECT_TRUE(ok.boolean("promisc"));
}
