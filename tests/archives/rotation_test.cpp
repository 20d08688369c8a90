// Exact rotation boundaries of every -b condition on real captures: file
// names, the frames in each file, and all files together equal the input
// frame by frame (tshark reads both sides).
#include "archive_support.h"

namespace strato::test::archives {
namespace {

const char* kMixed = "captures/live/mixed-small.pcapng";
const char* kAfs = "captures/tcpdump-tests/afs.pcap";  // 601 packets over 129 s

// Splits `in` where `starts_new(file_first, prev, next, count_in_file)` says.
template <class F>
std::vector<std::vector<Frame>> split(const std::vector<Frame>& in, F starts_new) {
  std::vector<std::vector<Frame>> out;
  for (const Frame& f : in) {
    if (out.empty() || starts_new(out.back(), f)) out.emplace_back();
    out.back().push_back(f);
  }
  return out;
}

// Runs `strato read -r INPUT -w DIR/out.pcapng ARGS` and checks the ring
// against `expected`: names from each group's first frame, frames per file.
void expect_ring(const std::string& dir, const std::string& args, const std::string& input,
                 const std::vector<std::vector<Frame>>& expected, unsigned first_seq = 1) {
  CommandResult r = run(strato_tz() + " read -r " + input + " -w " + dir + "/out.pcapng " + args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> names;
  for (size_t i = 0; i < expected.size(); ++i)
    names.push_back(ring_name("out", static_cast<unsigned>(first_seq + i), expected[i].front().ts_ns, ".pcapng"));
  ASSERT_EQ(files_in(dir), names) << args;
  for (size_t i = 0; i < names.size(); ++i) {
    std::vector<Frame> got = frames(dir + "/" + names[i]);
    ASSERT_EQ(got.size(), expected[i].size()) << names[i];
    for (size_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k].line, expected[i][k].line) << names[i] << " frame " << k;
  }
}

TEST(Rotation, PacketsSwitchAfterNPackets) {
  std::string in = shared_file(kMixed);
  auto all = frames(in);
  ASSERT_EQ(all.size(), 78u);
  auto groups = split(all, [](const std::vector<Frame>& cur, const Frame&) { return cur.size() == 20; });
  ASSERT_EQ(groups.size(), 4u);
  expect_ring(fresh_dir("packets"), "-b packets:20", in, groups);
}

TEST(Rotation, DurationCountsFromTheFilesFirstPacket) {
  std::string in = shared_file(kAfs);
  auto all = frames(in);
  const uint64_t d = 10'000'000'000ull;
  auto groups = split(all, [&](const std::vector<Frame>& cur, const Frame& f) { return f.ts_ns - cur.front().ts_ns >= d; });
  ASSERT_GT(groups.size(), 5u);
  expect_ring(fresh_dir("duration"), "-b duration:10", in, groups);
}

TEST(Rotation, IntervalSwitchesOnMultiplesOfTheInterval) {
  std::string in = shared_file(kAfs);
  auto all = frames(in);
  const uint64_t iv = 30'000'000'000ull;
  auto groups = split(all, [&](const std::vector<Frame>& cur, const Frame& f) { return f.ts_ns / iv != cur.front().ts_ns / iv; });
  ASSERT_GE(groups.size(), 5u);
  // The first file starts mid-interval: it is shorter than 30 s.
  EXPECT_LT(groups[0].back().ts_ns - groups[0].front().ts_ns, iv);
  expect_ring(fresh_dir("interval"), "-b interval:30", in, groups);
}

TEST(Rotation, FilesizeSwitchesOnceAFileReachesTheLimit) {
  std::string in = shared_file(kAfs);
  auto all = frames(in);
  std::string dir = fresh_dir("filesize");
  CommandResult r = run(strato_tz() + " read -r " + in + " -w " + dir + "/out.pcapng -b filesize:40");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> names = files_in(dir);
  ASSERT_GE(names.size(), 5u);
  size_t at = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string path = dir + "/" + names[i];
    std::vector<Frame> got = frames(path);
    ASSERT_FALSE(got.empty()) << names[i];
    EXPECT_EQ(names[i], ring_name("out", static_cast<unsigned>(i + 1), got.front().ts_ns, ".pcapng"));
    // afs.pcap packets carry no options: an EPB is 32 bytes plus the padded data.
    uint64_t last_epb = 32 + (got.back().cap_len + 3) / 4 * 4;
    uint64_t size = file_size(path);
    if (i + 1 < names.size()) EXPECT_GE(size, 40000u) << names[i];
    EXPECT_LT(size - last_epb, 40000u) << names[i] << ": should have switched before its last packet";
    for (const Frame& f : got) {
      ASSERT_LT(at, all.size());
      EXPECT_EQ(f.line, all[at].line) << names[i];
      ++at;
    }
  }
  EXPECT_EQ(at, all.size());
}

TEST(Rotation, AnyConditionSwitches) {
  std::string in = shared_file(kAfs);
  auto all = frames(in);
  const uint64_t d = 20'000'000'000ull;
  auto groups = split(all, [&](const std::vector<Frame>& cur, const Frame& f) {
    return cur.size() == 100 || f.ts_ns - cur.front().ts_ns >= d;
  });
  bool by_count = false, by_time = false;
  for (size_t i = 0; i + 1 < groups.size(); ++i) (groups[i].size() == 100 ? by_count : by_time) = true;
  ASSERT_TRUE(by_count && by_time) << "the capture should exercise both conditions";
  expect_ring(fresh_dir("combined"), "-b packets:100 -b duration:20", in, groups);
}

TEST(Rotation, FilesKeepsTheNewestN) {
  std::string in = shared_file(kMixed);
  auto all = frames(in);
  auto groups = split(all, [](const std::vector<Frame>& cur, const Frame&) { return cur.size() == 20; });
  // Files 3 and 4 remain, numbered as dumpcap numbers them (not reused).
  std::vector<std::vector<Frame>> kept(groups.begin() + 2, groups.end());
  expect_ring(fresh_dir("files"), "-b packets:20 -b files:2", in, kept, 3);
}

TEST(Rotation, NamesKeepTheExtensionAndDirectory) {
  std::string in = shared_file(kMixed);
  auto all = frames(in);
  std::string dir = fresh_dir("names");
  CommandResult r = run(strato_tz() + " read -r " + in + " -w " + dir + "/cap -b packets:50");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{ring_name("cap", 1, all[0].ts_ns, ""),
                                                      ring_name("cap", 2, all[50].ts_ns, "")}));
}

TEST(Rotation, DisplayFilterDecidesWhatCounts) {
  std::string in = shared_file(kMixed);
  CommandResult t = run("tshark -n -r " + in + " -Y tcp -T fields -e frame.time_epoch -e frame.len -e frame.cap_len");
  ASSERT_EQ(t.exit_code, 0);
  std::vector<Frame> tcp;
  for (auto& l : split_lines(t.out)) tcp.push_back({l, 0, 0});
  ASSERT_GT(tcp.size(), 10u);
  std::string dir = fresh_dir("filtered");
  CommandResult r = run(strato_tz() + " read -r " + in + " -Y tcp -w " + dir + "/out.pcapng -b packets:10");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> got;
  auto names = files_in(dir);
  EXPECT_EQ(names.size(), (tcp.size() + 9) / 10);
  for (size_t i = 0; i < names.size(); ++i) {
    auto f = frames(dir + "/" + names[i]);
    EXPECT_EQ(f.size(), i + 1 < names.size() ? 10u : tcp.size() - 10 * i);
    for (auto& x : f) got.push_back(x.line);
  }
  ASSERT_EQ(got.size(), tcp.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], tcp[i].line);
}

TEST(Rotation, NoPacketsStillLeavesOneValidFile) {
  std::string dir = fresh_dir("empty");
  CommandResult r = run(strato_tz() + " read -r " + shared_file(kMixed) + " -Y 'frame.len > 100000' -w " + dir +
                        "/out.pcapng -b packets:5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto names = files_in(dir);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0].rfind("out_00001_", 0), 0u) << names[0];
  EXPECT_EQ(frames(dir + "/" + names[0]).size(), 0u);
}

TEST(Rotation, PipelineSinkTakesTheSameOptions) {
  std::string in = shared_file(kMixed);
  auto all = frames(in);
  std::string dir = fresh_dir("pipeline");
  std::string yaml = temp_dir() + "/ring.yaml";
  FILE* f = std::fopen(yaml.c_str(), "w");
  ASSERT_TRUE(f);
  std::fprintf(f,
               "sources:\n  cap: { plugin: file, path: %s }\n"
               "sinks:\n  ring: { inputs: [cap], plugin: pcapng, file: %s/out.pcapng.zst, ring: [packets:30, files:2] }\n",
               in.c_str(), dir.c_str());
  std::fclose(f);
  CommandResult r = run(strato_tz() + " run " + yaml);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(files_in(dir), (std::vector<std::string>{ring_name("out", 2, all[30].ts_ns, ".pcapng.zst"),
                                                      ring_name("out", 3, all[60].ts_ns, ".pcapng.zst")}));
}

}  // namespace
}  // namespace strato::test::archives
