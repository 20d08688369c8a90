// Bad -b/--compress values are one-line usage errors (exit 1) that leave no
// file behind.
#include "archive_support.h"

namespace strato::test::archives {
namespace {

struct Bad {
  const char* args;
  const char* message;
};

TEST(Usage, BadRingAndCompressValues) {
  std::string in = shared_file("captures/live/mixed-small.pcapng");
  std::string dir = fresh_dir("usage");
  std::string w = " -w " + dir + "/out.pcapng";
  const Bad cases[] = {
      {"-b filesize:abc", "strato: -b filesize:abc: expected a whole number after ':'\n"},
      {"-b filesize:0", "strato: -b filesize:0: must be at least 1\n"},
      {"-b duration:-3", "strato: -b duration:-3: expected a positive number of seconds after ':'\n"},
      {"-b interval:1.5", "strato: -b interval:1.5: expected a whole number after ':'\n"},
      {"-b packets:99999999999", "strato: -b packets:99999999999: number too large\n"},
      {"-b files:3",
       "strato: -b files:3: a ring buffer needs a switching condition (filesize, duration, interval or packets)\n"},
      {"-b size:3", "strato: -b size:3: unknown key 'size' (known: filesize, duration, interval, files, packets)\n"},
      {"-b packets", "strato: -b packets: expected KEY:NUM (filesize, duration, interval, files, packets)\n"},
      {"--compress lz4", "strato: --compress lz4: expected zstd or gzip\n"},
  };
  for (const Bad& b : cases) {
    CommandResult r = run(strato_bin() + " read -r " + in + w + " " + b.args);
    EXPECT_EQ(r.exit_code, 1) << b.args;
    EXPECT_EQ(r.err, b.message) << b.args;
  }
  EXPECT_TRUE(files_in(dir).empty());

  CommandResult r = run(strato_bin() + " read -r " + in + " -w - -b packets:5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "strato: read: -b cannot switch files of standard output (-w -)\n");
  EXPECT_EQ(r.out, "");
  r = run(strato_bin() + " read -r " + in + " -b packets:5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "strato: read: -b needs -w FILE\n");
  r = run(strato_bin() + " read -r " + in + " -w " + dir + "/x.pcapng.gz --compress zstd");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "strato: --compress zstd: " + dir + "/x.pcapng.gz names gzip compression\n");
  r = run(strato_bin() + " capture -b packets:5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "strato: capture: -b needs -w FILE\n");
}

TEST(Usage, UnwritableDirectory) {
  std::string in = shared_file("captures/live/mixed-small.pcapng");
  CommandResult r = run(strato_bin() + " read -r " + in + " -w /nonexistent/dir/out.pcapng -b packets:5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "strato: -w /nonexistent/dir/out.pcapng: cannot write files in /nonexistent/dir: No such file or directory\n");
  // Root passes permission checks: a "directory" that is a file cannot hold files either.
  std::string file = fresh_dir("notdir") + "/plain";
  ASSERT_EQ(run("touch " + file).exit_code, 0);
  r = run(strato_bin() + " read -r " + in + " -w " + file + "/out.pcapng -b packets:5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "strato: -w " + file + "/out.pcapng: cannot write files in " + file + ": Not a directory\n");
}

}  // namespace
}  // namespace strato::test::archives
