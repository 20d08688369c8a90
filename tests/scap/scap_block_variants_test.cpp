// Event block variants the shared files do not carry (large 0x221, flagged
// 0x217, libscap's first 0x80xxABCD ids, unknown blocks), made by rewriting
// the blocks of real files: the events read must stay the same.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

#include "scap_support.h"

namespace {

using namespace strato::test;
using namespace scaptest;

std::string unwrapped(const std::string& file) {
  const std::string out = temp_dir() + "/variant_src.scap";
  auto r = run("zcat -f " + q(file) + " > " + q(out));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::ifstream f(out, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

uint32_t rd32(const std::string& s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}
void put32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }

std::string block(uint32_t type, const std::string& body) {
  std::string b;
  uint32_t len = static_cast<uint32_t>(12 + (body.size() + 3) / 4 * 4);
  put32(b, type);
  put32(b, len);
  b += body;
  b.append(len - 12 - body.size(), '\0');
  put32(b, len);
  return b;
}

// Calls `fn(type, body)` for each block; what it returns replaces the block.
std::string rewrite(const std::string& data, const std::function<std::string(uint32_t, const std::string&)>& fn) {
  std::string out;
  size_t off = 0;
  while (off + 12 <= data.size()) {
    uint32_t type = rd32(data, off), len = rd32(data, off + 4);
    out += fn(type, data.substr(off + 8, len - 12));
    off += len;
  }
  return out;
}

// A 0x216 body (cpu, ts, tid, len, type, nparams, u16 lengths, params) as 0x221 (u32 lengths).
std::string as_large(const std::string& b) {
  uint32_t nparams = rd32(b, 24);
  std::string out = b.substr(0, 28);
  for (uint32_t i = 0; i < nparams; ++i) {
    uint16_t l;
    std::memcpy(&l, b.data() + 28 + 2 * i, 2);
    put32(out, l);
  }
  out += b.substr(28 + 2 * nparams, rd32(b, 18) + 2 - (28 + 2 * nparams));
  uint32_t len = static_cast<uint32_t>(out.size() - 2);
  std::memcpy(out.data() + 18, &len, 4);
  return out;
}

std::vector<std::vector<std::string>> events(const std::string& path) {
  return strato_rows(path, {"evt.num", "evt.type", "evt.dir", "proc.name", "thread.tid", "fd.name", "evt.args"});
}

std::string save(const std::string& name, const std::string& data) {
  std::string path = temp_dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << data;
  return path;
}

TEST(ScapBlockVariants, LargeAndFlaggedEventBlocksReadAsTheOriginal) {
  const std::string file = scap_file("libs_sample.scap");
  const std::string data = unwrapped(file);
  auto want = events(file);
  ASSERT_EQ(want.size(), 402u);
  auto large = save("large.scap", rewrite(data, [](uint32_t t, const std::string& b) {
    return t == 0x216 ? block(0x221, as_large(b)) : block(t, b);
  }));
  EXPECT_EQ(events(large), want);
  // EVF: cpu id, u32 flags, event. Flag 4: u32 parameter lengths.
  auto flagged = save("flagged.scap", rewrite(data, [](uint32_t t, const std::string& b) {
    if (t != 0x216) return block(t, b);
    std::string body = b.substr(0, 2);
    put32(body, 0);
    return block(0x217, body + b.substr(2));
  }));
  EXPECT_EQ(events(flagged), want);
  auto flagged_large = save("flagged_large.scap", rewrite(data, [](uint32_t t, const std::string& b) {
    if (t != 0x216) return block(t, b);
    std::string l = as_large(b), body = l.substr(0, 2);
    put32(body, 4);
    return block(0x222, body + l.substr(2));
  }));
  EXPECT_EQ(events(flagged_large), want);
}

// Flag 1 marks events kept for state only: they are counted, not shown.
TEST(ScapBlockVariants, StateOnlyEventsAreCountedButNotShown) {
  const std::string file = scap_file("libs_sample.scap");
  auto all = events(file);
  size_t n = 0;
  auto marked = save("state_only.scap", rewrite(unwrapped(file), [&n](uint32_t t, const std::string& b) {
    if (t != 0x216) return block(t, b);
    std::string body = b.substr(0, 2);
    put32(body, (n++ % 2) ? 1 : 0);
    return block(0x217, body + b.substr(2));
  }));
  auto got = events(marked);
  ASSERT_LT(got.size(), all.size());
  ASSERT_GT(got.size(), all.size() / 4);
  // Whatever is shown is shown as in the original, under the same evt.num.
  size_t j = 0;
  for (auto& row : got) {
    while (j < all.size() && all[j][0] != row[0]) ++j;
    ASSERT_LT(j, all.size()) << "evt.num " << row[0] << " not in the original";
    EXPECT_EQ(row[1], all[j][1]);
    EXPECT_EQ(row[3], all[j][3]);
  }
}

// libscap's first block ids (events 0x8010ABCD, fd list 0x8001ABCD, user list
// 0x8012ABCD, machine info 0x8002ABCD) and blocks nobody knows, skipped.
TEST(ScapBlockVariants, LegacyBlockIdsAndUnknownBlocks) {
  const std::string file = scap_file("falco_cat_write.scap");
  auto want = events(file);
  ASSERT_EQ(want.size(), 85u);
  auto legacy = save("legacy.scap", rewrite(unwrapped(file), [](uint32_t t, const std::string& b) {
    uint32_t nt = t == 0x204 ? 0x8010ABCD : t == 0x203 ? 0x8001ABCD : t == 0x206 ? 0x8012ABCD : t == 0x201 ? 0x8002ABCD : t;
    std::string out = block(nt, b);
    if (t == 0x204) out += block(0x7777, "unknown block between events");
    return out;
  }));
  EXPECT_EQ(events(legacy), want);
}

}  // namespace
