// app/resident.h: start-up's resident code let go, private copies kept.
#include "app/resident.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "temp_dir.h"

namespace host_exporter::app {
namespace {

// Resident kB of the mappings of /proc/self/smaps that `keep` selects by
// their first line.
template <typename Keep>
size_t ResidentKb(Keep keep) {
  FILE* f = std::fopen("/proc/self/smaps", "re");
  EXPECT_NE(f, nullptr);
  if (!f) return 0;
  char line[4096];
  bool counting = false;
  size_t total = 0, kb = 0;
  while (std::fgets(line, sizeof line, f)) {
    if (std::sscanf(line, "Rss: %zu kB", &kb) == 1) {
      if (counting) total += kb;
    } else {
      unsigned long start = 0, end = 0;
      char perms[8];
      if (std::sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3)
        counting = keep(std::string(line));
    }
  }
  std::fclose(f);
  return total;
}

size_t ResidentKbAt(const void* addr) {
  char start[32];
  std::snprintf(start, sizeof start, "%lx-",
                reinterpret_cast<unsigned long>(addr));
  return ResidentKb(
      [&](const std::string& l) { return l.rfind(start, 0) == 0; });
}

// A page of `path` mapped privately, read (resident) and, with `write`,
// written (a private copy), then made read-only: an r--p mapping.
char* MapPage(const std::string& path, bool write) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  const long page = sysconf(_SC_PAGESIZE);
  void* p = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  ::close(fd);
  EXPECT_NE(p, MAP_FAILED);
  char* c = static_cast<char*>(p);
  volatile char first = c[0];
  (void)first;
  if (write) c[0] = 'X';
  EXPECT_EQ(mprotect(p, page, PROT_READ), 0);
  return c;
}

TEST(ReleaseStartUpPagesTest, CodeOfMappedFilesLeavesTheResidentSet) {
  auto code = [](const std::string& l) {
    return l.find(" r-xp ") != std::string::npos &&
           l.find(" /") != std::string::npos;
  };
  const size_t before = ResidentKb(code);
  const Released r = ReleaseStartUpPages();
  const size_t after = ResidentKb(code);
  EXPECT_EQ(r.error, "");
  EXPECT_GE(r.mappings, 2u);  // this binary and libc at least
  EXPECT_GT(r.code_bytes, 0u);
  // What ran since (this test's reading of smaps) came back; most did not.
  EXPECT_LT(after, before / 2) << "before " << before << " kB";
}

TEST(ReleaseStartUpPagesTest, ReadOnlyPagesOfAFileLeaveAndPrivateCopiesStay) {
  host_exporter::testing::TempDir dir;
  const std::string path = dir.Write("data", std::string(8192, 'a'));
  char* clean = MapPage(path, false);
  char* copied = MapPage(path, true);
  ASSERT_GT(ResidentKbAt(clean), 0u);
  ASSERT_GT(ResidentKbAt(copied), 0u);
  ReleaseStartUpPages();
  EXPECT_EQ(ResidentKbAt(clean), 0u);
  // Dropping the copy would have read the file's 'a' back.
  EXPECT_EQ(copied[0], 'X');
  EXPECT_EQ(clean[0], 'a');
  const long page = sysconf(_SC_PAGESIZE);
  munmap(clean, page);
  munmap(copied, page);
}

TEST(ReleaseStartUpPagesTest, UnreadableMapsFileIsNamed) {
  const Released r = ReleaseStartUpPages("/nonexistent/smaps");
  EXPECT_NE(r.error.find("/nonexistent/smaps"), std::string::npos) << r.error;
  EXPECT_EQ(r.mappings, 0u);
}

}  // namespace
}  // namespace host_exporter::app
