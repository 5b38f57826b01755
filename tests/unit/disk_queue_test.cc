// The disk queue of the push sinks: segment rotation, replay order after a
// reopen, acknowledgement, truncated segments, the byte bound, write
// failures (a full disk), and a sink falling back to memory. No sleeps.
#include "sinks/disk_queue.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/unit/temp_dir.h"

namespace host_exporter::sinks {
namespace {

class DiskQueueTest : public ::testing::Test {
 protected:
  DiskQueueOptions Options(uint64_t max_bytes = 1 << 20,
                           uint64_t segment_bytes = 100) {
    DiskQueueOptions o;
    o.directory = dir_;
    o.max_bytes = max_bytes;
    o.segment_bytes = segment_bytes;
    return o;
  }
  std::vector<std::string> Segments() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      if (e.path().extension() == ".seg") out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::vector<std::string> Items(int from, int to) {
    std::vector<std::string> v;
    for (int i = from; i < to; ++i) v.push_back("item" + std::to_string(i));
    return v;
  }
  static std::vector<std::string> ReadAll(DiskQueue* q) {
    std::vector<std::string> out, w;
    std::string err;
    EXPECT_TRUE(q->Read(1000000, &out, &err, &w)) << err;
    return out;
  }
  const testing::TempDir tmp_;
  const std::string dir_ = tmp_.dir() + "/q";  // created by Open()
};

TEST_F(DiskQueueTest, RotatesSegmentsAndReplaysInOrderAfterReopen) {
  std::string err;
  std::vector<std::string> warnings;
  {
    DiskQueue q(Options());
    ASSERT_TRUE(q.Open(&err, &warnings)) << err;
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(q.Append(Items(i * 3, i * 3 + 3), 1000 + i, nullptr, &err))
          << err;
    }
    EXPECT_EQ(q.pending(), 30u);
    EXPECT_EQ(q.Stats().oldest_ms, 1000);
    // 3 records of 21-22 bytes each: a new segment after every ~100 bytes.
    EXPECT_GE(Segments().size(), 4u);
  }  // like a kill: nothing but the files remains
  DiskQueue q(Options());
  ASSERT_TRUE(q.Open(&err, &warnings)) << err;
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(q.Stats().replayed, 30u);
  EXPECT_EQ(ReadAll(&q), Items(0, 30));
}

TEST_F(DiskQueueTest, AckRemovesForGoodRewindKeeps) {
  std::string err;
  std::vector<std::string> warnings, out;
  {
    DiskQueue q(Options());
    ASSERT_TRUE(q.Open(&err, &warnings)) << err;
    ASSERT_TRUE(q.Append(Items(0, 20), 1, nullptr, &err));
    const size_t segments = Segments().size();
    ASSERT_TRUE(q.Read(4, &out, &err, &warnings));
    EXPECT_EQ(out, Items(0, 4));
    EXPECT_EQ(q.pending(), 16u);
    q.Rewind();  // a failed attempt: the same four again
    out.clear();
    ASSERT_TRUE(q.Read(4, &out, &err, &warnings));
    EXPECT_EQ(out, Items(0, 4));
    ASSERT_TRUE(q.Ack(&err)) << err;
    EXPECT_EQ(q.pending(), 16u);
    EXPECT_EQ(q.Stats().pending, 16u);
    // One Append is one segment here; appending more seals it.
    ASSERT_TRUE(q.Append(Items(20, 25), 2, nullptr, &err));
    EXPECT_EQ(Segments().size(), segments + 1);
    out.clear();
    ASSERT_TRUE(q.Read(16, &out, &err, &warnings));
    EXPECT_EQ(out, Items(4, 20));
    ASSERT_TRUE(q.Ack(&err)) << err;
    EXPECT_EQ(Segments().size(), 1u) << "fully acknowledged segment deleted";
    out.clear();
    ASSERT_TRUE(q.Read(2, &out, &err, &warnings));  // in flight at the kill
    EXPECT_EQ(out, Items(20, 22));
  }
  DiskQueue q(Options());
  ASSERT_TRUE(q.Open(&err, &warnings)) << err;
  // Nothing acknowledged comes back; the batch in flight does.
  EXPECT_EQ(ReadAll(&q), Items(20, 25));
}

TEST_F(DiskQueueTest, TruncatedSegmentKeepsIntactRecordsAndCountsTheRest) {
  std::string err;
  std::vector<std::string> warnings;
  {
    DiskQueue q(Options(1 << 20, 1 << 20));
    ASSERT_TRUE(q.Open(&err, &warnings)) << err;
    ASSERT_TRUE(q.Append(Items(0, 10), 1, nullptr, &err));
  }
  auto segs = Segments();
  ASSERT_EQ(segs.size(), 1u);
  const auto size = std::filesystem::file_size(segs[0]);
  std::filesystem::resize_file(segs[0], size - 5);  // cut the last record
  DiskQueue q(Options());
  ASSERT_TRUE(q.Open(&err, &warnings)) << err;
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("truncated or damaged after 9 intact records"),
            std::string::npos)
      << warnings[0];
  EXPECT_EQ(q.Stats().corrupt_bytes, 16u + 5 - 5);  // "item9": 16 + 5 bytes
  EXPECT_EQ(q.Stats().replayed, 9u);
  EXPECT_EQ(ReadAll(&q), Items(0, 9));
}

TEST_F(DiskQueueTest, DamagedRecordEndsItsSegmentOnly) {
  std::string err;
  std::vector<std::string> warnings;
  {
    DiskQueue q(Options(1 << 20, 60));
    ASSERT_TRUE(q.Open(&err, &warnings)) << err;
    ASSERT_TRUE(q.Append(Items(0, 3), 1, nullptr, &err));
    ASSERT_TRUE(q.Append(Items(3, 6), 1, nullptr, &err));
  }
  auto segs = Segments();
  ASSERT_EQ(segs.size(), 2u);
  {  // flip a payload byte of the second record of the first segment
    FILE* f = fopen(segs[0].c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    fseek(f, 8 + 21 + 16 + 2, SEEK_SET);
    fputc('X', f);
    fclose(f);
  }
  DiskQueue q(Options(1 << 20, 60));
  ASSERT_TRUE(q.Open(&err, &warnings)) << err;
  EXPECT_EQ(warnings.size(), 1u);
  std::vector<std::string> want = {"item0", "item3", "item4", "item5"};
  EXPECT_EQ(ReadAll(&q), want);
}

TEST_F(DiskQueueTest, BoundDropsOldestSegmentsAndCounts) {
  std::string err;
  std::vector<std::string> warnings;
  // 4 KiB segments, 16 KiB bound: 200 records of ~30 bytes per append.
  DiskQueue q(Options(16384, 4096));
  ASSERT_TRUE(q.Open(&err, &warnings)) << err;
  uint64_t dropped = 0;
  std::vector<std::string> all;
  for (int i = 0; i < 10; ++i) {
    auto items = Items(i * 200, i * 200 + 200);
    for (auto& it : items) it += "-padding-padding";
    all.insert(all.end(), items.begin(), items.end());
    ASSERT_TRUE(q.Append(items, i, &dropped, &err)) << err;
  }
  DiskQueueStats s = q.Stats();
  EXPECT_LE(s.bytes, 16384u + 8192u);
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(s.dropped, dropped);
  EXPECT_EQ(s.pending + dropped, 2000u);
  auto left = ReadAll(&q);
  ASSERT_EQ(left.size(), s.pending);
  // The newest survived, in order: the oldest were dropped.
  EXPECT_TRUE(std::equal(left.begin(), left.end(), all.end() - left.size()));
  EXPECT_GT(s.oldest_ms, 0);
}

TEST_F(DiskQueueTest, WriteFailureQueuesNothingAndLeavesNoHalfRecord) {
  std::string err;
  std::vector<std::string> warnings;
  DiskQueueOptions o = Options(1 << 20, 1 << 20);
  bool full = false;
  o.write_fn = [&full](int fd, const void* b, size_t n) -> ssize_t {
    if (!full) return ::write(fd, b, n);
    // A short write, then ENOSPC: as a filling disk does.
    if (n > 10) return ::write(fd, b, 10);
    errno = ENOSPC;
    return -1;
  };
  {
    DiskQueue q(o);
    ASSERT_TRUE(q.Open(&err, &warnings)) << err;
    ASSERT_TRUE(q.Append(Items(0, 3), 1, nullptr, &err));
    full = true;
    EXPECT_FALSE(q.Append(Items(3, 6), 1, nullptr, &err));
    EXPECT_NE(err.find("No space left on device"), std::string::npos) << err;
    EXPECT_EQ(q.pending(), 3u);
    full = false;
    ASSERT_TRUE(q.Append(Items(6, 7), 1, nullptr, &err)) << err;
    EXPECT_EQ(q.pending(), 4u);
  }
  DiskQueue q(Options());
  ASSERT_TRUE(q.Open(&err, &warnings)) << err;
  EXPECT_TRUE(warnings.empty()) << warnings[0];
  std::vector<std::string> want = {"item0", "item1", "item2", "item6"};
  EXPECT_EQ(ReadAll(&q), want);
}

TEST_F(DiskQueueTest, NewSegmentsFollowTheAcknowledgedOneEvenIfItIsGone) {
  std::string err;
  std::vector<std::string> warnings, out;
  {
    DiskQueue q(Options());
    ASSERT_TRUE(q.Open(&err, &warnings)) << err;
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(q.Append(Items(i * 10, i * 10 + 10), 1, nullptr, &err));
    }
    ASSERT_TRUE(q.Read(30, &out, &err, &warnings));
    ASSERT_TRUE(q.Ack(&err)) << err;
  }
  for (const auto& seg : Segments()) std::filesystem::remove(seg);
  {
    DiskQueue q(Options());
    ASSERT_TRUE(q.Open(&err, &warnings)) << err;
    ASSERT_TRUE(q.Append(Items(30, 33), 1, nullptr, &err));
  }
  DiskQueue q(Options());
  ASSERT_TRUE(q.Open(&err, &warnings)) << err;
  EXPECT_EQ(ReadAll(&q), Items(30, 33));
}

TEST_F(DiskQueueTest, OneProcessPerDirectory) {
  std::string err;
  std::vector<std::string> warnings;
  DiskQueue a(Options());
  ASSERT_TRUE(a.Open(&err, &warnings)) << err;
  DiskQueue b(Options());
  EXPECT_FALSE(b.Open(&err, &warnings));
  EXPECT_NE(err.find(dir_ + "/lock"), std::string::npos) << err;
  a.Close();
  EXPECT_TRUE(b.Open(&err, &warnings)) << err;
}

TEST_F(DiskQueueTest, UnusableDirectoryIsAnError) {
  std::string err;
  std::vector<std::string> warnings;
  DiskQueueOptions o = Options();
  o.directory = "/proc/host_exporter_queue";
  DiskQueue q(o);
  EXPECT_FALSE(q.Open(&err, &warnings));
  EXPECT_NE(err.find("/proc/host_exporter_queue"), std::string::npos) << err;
}

}  // namespace
}  // namespace host_exporter::sinks
