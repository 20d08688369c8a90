// zstd and gzip archives: the compressed files hold exactly what the plain
// ones hold (zstdcat/zcat | tshark -r -), tshark and strato read them back,
// and a file written over many batches (one frame or member each) is whole.
#include <fstream>

#include "archive_support.h"

namespace strato::test::archives {
namespace {

const char* kMixed = "captures/live/mixed-small.pcapng";

std::string magic(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char b[4] = {};
  f.read(b, 4);
  char hex[16];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", b[0] & 0xff, b[1] & 0xff, b[2] & 0xff, b[3] & 0xff);
  return hex;
}

std::vector<std::string> lines(const std::vector<Frame>& f) {
  std::vector<std::string> out;
  for (auto& x : f) out.push_back(x.line);
  return out;
}

// Writes the same ring plain and compressed; every compressed file must
// decompress to the frames of its plain twin.
void round_trip(const std::string& name, const std::string& ext, const std::string& flags, const std::string& cat,
                const std::string& want_magic) {
  std::string in = shared_file(kMixed);
  std::string plain = fresh_dir(name + "-plain"), packed = fresh_dir(name);
  // Small batches: each compressed file is many frames / members.
  std::string common = " read -r " + in + " --batch-size 7 -b packets:30 -w ";
  ASSERT_EQ(run(strato_tz() + common + plain + "/out.pcapng").exit_code, 0);
  CommandResult r = run(strato_tz() + common + packed + "/out" + ext + " " + flags);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto p = files_in(plain), c = files_in(packed);
  ASSERT_EQ(c.size(), 3u);
  ASSERT_EQ(p.size(), c.size());
  for (size_t i = 0; i < c.size(); ++i) {
    std::string base = p[i].substr(0, p[i].size() - std::string(".pcapng").size());
    EXPECT_EQ(c[i], base + ext);
    std::string f = packed + "/" + c[i];
    EXPECT_EQ(magic(f), want_magic) << c[i];
    auto want = lines(frames(plain + "/" + p[i]));
    EXPECT_EQ(lines(frames(f, cat)), want) << c[i];
    EXPECT_EQ(lines(frames(f)), want) << c[i] << " read by tshark directly";
    // strato reads its own archives back.
    CommandResult s = run(strato_bin() + " read -r " + f + " -T fields -e frame.len");
    ASSERT_EQ(s.exit_code, 0) << s.err;
    CommandResult t = run("tshark -n -r " + plain + "/" + p[i] + " -T fields -e frame.len");
    EXPECT_EQ(s.out, t.out) << c[i];
    EXPECT_EQ(s.err, "") << c[i];
  }
}

TEST(Compression, ZstdRingRoundTrip) { round_trip("zstd", ".pcapng.zst", "", "zstdcat", "28b52ffd"); }

TEST(Compression, GzipRingRoundTrip) { round_trip("gzip", ".pcapng.gz", "--compress gzip", "zcat", "1f8b0800"); }

TEST(Compression, FlagCompressesWhateverTheName) {
  std::string in = shared_file(kMixed);
  std::string dir = fresh_dir("flag");
  CommandResult r = run(strato_tz() + " read -r " + in + " -w " + dir + "/out.pcapng --compress zstd");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(magic(dir + "/out.pcapng"), "28b52ffd");
  EXPECT_EQ(lines(frames(dir + "/out.pcapng", "zstdcat")), lines(frames(in)));
}

TEST(Compression, SingleFileFromItsName) {
  std::string in = shared_file(kMixed);
  std::string dir = fresh_dir("single");
  for (const char* ext : {".zst", ".gz"}) {
    std::string out = dir + "/out.pcapng" + ext;
    CommandResult r = run(strato_bin() + " read -r " + in + " --batch-size 10 -w " + out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(magic(out).substr(0, 4), std::string(ext) == ".gz" ? "1f8b" : "28b5");
    EXPECT_EQ(lines(frames(out, std::string(ext) == ".gz" ? "zcat" : "zstdcat")), lines(frames(in))) << ext;
  }
  // Standard output compresses too.
  CommandResult r = run(strato_bin() + " read -r " + in + " -w - --compress gzip | zcat | tshark -n -r - -T fields -e frame.len | wc -l");
  EXPECT_EQ(r.out, "78\n");
}

}  // namespace
}  // namespace strato::test::archives
