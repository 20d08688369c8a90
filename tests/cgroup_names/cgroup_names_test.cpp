// sources/ebpf/cgroup_names.cpp: the cgroup path of a kernel cgroup id, by
// file handle and by walking the tree, against directories made here (the
// id of a cgroup v2 directory is its inode number).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cgroup_filter.h"
#include "cgroup_names.h"

namespace {

using strato::ebpf::CgroupNames;

uint64_t id_of(const std::string& dir) {
  struct stat st {};
  return stat(dir.c_str(), &st) == 0 ? st.st_ino : 0;
}

class CgroupNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_ = strato::ebpf::cgroup2_mount();
    if (mount_.empty()) GTEST_SKIP() << "no cgroup v2 hierarchy mounted";
    if (geteuid() != 0) GTEST_SKIP() << "not root: cannot make cgroups";
    rel_ = "/strato-names-" + std::to_string(getpid());
    ASSERT_EQ(mkdir((mount_ + rel_).c_str(), 0755), 0);
  }
  void TearDown() override {
    if (rel_.empty()) return;
    rmdir((mount_ + rel_ + "/later").c_str());
    rmdir((mount_ + rel_ + "/child").c_str());
    rmdir((mount_ + rel_).c_str());
  }
  std::string mount_, rel_;
};

TEST_F(CgroupNamesTest, IdsNameTheirCgroupsAtOnceByHandle) {
  CgroupNames names(mount_);
  const std::string* root = names.find(id_of(mount_));
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(*root, "/");
  const std::string* mine = names.find(id_of(mount_ + rel_));
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(*mine, rel_);
  // Made after the lookups above: a handle finds it without waiting for a walk.
  ASSERT_EQ(mkdir((mount_ + rel_ + "/later").c_str(), 0755), 0);
  const std::string* later = names.find(id_of(mount_ + rel_ + "/later"));
  ASSERT_NE(later, nullptr);
  EXPECT_EQ(*later, rel_ + "/later");
  EXPECT_EQ(names.find(0), nullptr);
}

TEST_F(CgroupNamesTest, WalkingFindsNewCgroupsOnTheNextWalk) {
  ASSERT_EQ(mkdir((mount_ + rel_ + "/child").c_str(), 0755), 0);
  CgroupNames names(mount_, false);
  const std::string* child = names.find(id_of(mount_ + rel_ + "/child"));
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(*child, rel_ + "/child");
  ASSERT_EQ(mkdir((mount_ + rel_ + "/later").c_str(), 0755), 0);
  const uint64_t later = id_of(mount_ + rel_ + "/later");
  // Walks are at most every 200 ms: an id nothing has (yet) costs no walk each time.
  EXPECT_EQ(names.find(later), nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  const std::string* found = names.find(later);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(*found, rel_ + "/later");
}

TEST_F(CgroupNamesTest, RemovedCgroupIsNotFound) {
  ASSERT_EQ(mkdir((mount_ + rel_ + "/child").c_str(), 0755), 0);
  const uint64_t gone = id_of(mount_ + rel_ + "/child");
  ASSERT_EQ(rmdir((mount_ + rel_ + "/child").c_str()), 0);
  CgroupNames by_handle(mount_), walking(mount_, false);
  EXPECT_EQ(by_handle.find(gone), nullptr);
  EXPECT_EQ(walking.find(gone), nullptr);
}

TEST(CgroupNames, NoHierarchyFindsNothing) {
  CgroupNames names("");
  EXPECT_EQ(names.find(1), nullptr);
}

}  // namespace
