// sources/ebpf/cgroup_filter.cpp: which cgroups --container and --cgroup
// select at the start (the kernel's mkdir hook applies the same rules to the
// ones made later), on a directory tree made here: the rules look at names
// and inode numbers only.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "cgroup_filter.h"
#include "process_table.h"

namespace {

using strato::ebpf::CgroupFilter;
using strato::ebpf::cgroup_within;
using strato::ebpf::names_container;
using strato::ebpf::ProcessTable;
using strato::ebpf::selected_cgroups;

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kOther = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

TEST(CgroupSelection, ContainerNamesAsRuntimesMakeThem) {
  const std::string shorter = kId.substr(0, 12);
  for (const std::string& name : std::vector<std::string>{"docker-" + kId + ".scope", "cri-containerd-" + kId + ".scope", "crio-" + kId + ".scope",
                                  "libpod-" + kId + ".scope", kId}) {
    EXPECT_TRUE(names_container(name, shorter)) << name;
    EXPECT_TRUE(names_container(name, kId)) << name;
  }
  EXPECT_FALSE(names_container("docker-" + kOther + ".scope", shorter));
  EXPECT_FALSE(names_container("pod" + kId, shorter)) << "the id must follow a dash or start the name";
  EXPECT_FALSE(names_container("system.slice", shorter));
  EXPECT_FALSE(names_container("docker-" + kId + ".scope", "")) << "no id selects nothing";
  // Podman's and CRI-O's container monitor: its own cgroup, named after the container.
  EXPECT_FALSE(names_container("libpod-conmon-" + kId + ".scope", shorter));
  EXPECT_FALSE(names_container("crio-conmon-" + kId + ".scope", kId));
}

// container.id follows the same rules as --container, as sysdig's does.
TEST(CgroupSelection, ContainerIdIsReadFromTheCgroupPath) {
  const std::string shorter = kId.substr(0, 12);
  EXPECT_EQ(ProcessTable::container_from_cgroup("/system.slice/docker-" + kId + ".scope"), shorter);
  EXPECT_EQ(ProcessTable::container_from_cgroup("/kubepods/burstable/pod1234/" + kId), shorter);
  EXPECT_EQ(ProcessTable::container_from_cgroup("/machine.slice/libpod-" + kId + ".scope/container"), shorter);
  EXPECT_EQ(ProcessTable::container_from_cgroup("/machine.slice/libpod-conmon-" + kId + ".scope"), "");
  EXPECT_EQ(ProcessTable::container_from_cgroup("/user.slice/user-1000.slice/session-2.scope"), "");
  EXPECT_EQ(ProcessTable::container_from_cgroup("/docker-" + kId.substr(1) + ".scope"), "") << "63 digits";
}

TEST(CgroupSelection, WithinAContainerIsAnyPartOfThePath) {
  CgroupFilter c;
  c.container = kId.substr(0, 12);
  EXPECT_TRUE(cgroup_within("/system.slice/docker-" + kId + ".scope", c));
  EXPECT_TRUE(cgroup_within("/kubepods/besteffort/pod1/" + kId + "/init", c)) << "the container's own sub-cgroup";
  EXPECT_FALSE(cgroup_within("/system.slice/docker-" + kOther + ".scope", c));
  EXPECT_FALSE(cgroup_within("/", c));
  CgroupFilter p;
  p.path = "/a/b";
  EXPECT_TRUE(cgroup_within("/a/b", p));
  EXPECT_TRUE(cgroup_within("/a/b/c", p));
  EXPECT_FALSE(cgroup_within("/a/bc", p));
  EXPECT_FALSE(cgroup_within("/a", p));
}

class CgroupTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/strato-cgroup-tree-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    for (const std::string& d : std::vector<std::string>{"/a", "/a/docker-" + kId + ".scope", "/a/docker-" + kId + ".scope/sub", "/b",
                                 "/b/" + kId, "/c", "/c/docker-" + kOther + ".scope"})
      ASSERT_EQ(mkdir((root_ + d).c_str(), 0755), 0) << d;
  }
  void TearDown() override {
    if (!root_.empty()) std::system(("rm -rf '" + root_ + "'").c_str());
  }
  uint64_t id(const std::string& rel) const {
    struct stat st {};
    return stat((root_ + rel).c_str(), &st) == 0 ? st.st_ino : 0;
  }
  static std::vector<uint64_t> sorted(std::vector<uint64_t> v) {
    std::sort(v.begin(), v.end());
    return v;
  }
  std::string root_;
};

TEST_F(CgroupTree, ContainerSelectsItsCgroupsAndWhatIsBelowThem) {
  CgroupFilter f;
  f.container = kId.substr(0, 12);
  EXPECT_EQ(sorted(selected_cgroups(root_, f)),
            sorted({id("/a/docker-" + kId + ".scope"), id("/a/docker-" + kId + ".scope/sub"), id("/b/" + kId)}));
}

TEST_F(CgroupTree, PathSelectsThatCgroupAndWhatIsBelowIt) {
  CgroupFilter f;
  f.path = "/a";
  EXPECT_EQ(sorted(selected_cgroups(root_, f)),
            sorted({id("/a"), id("/a/docker-" + kId + ".scope"), id("/a/docker-" + kId + ".scope/sub")}));
  f.path = "/";
  EXPECT_EQ(selected_cgroups(root_, f).size(), 8u) << "the root and all seven below it";
  f.path = "/nothing";
  EXPECT_TRUE(selected_cgroups(root_, f).empty());
}

}  // namespace
