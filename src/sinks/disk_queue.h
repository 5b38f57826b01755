// An on-disk FIFO of push items (one per point or sample) for a push sink:
// what is buffered survives kill -9, a crash, an OOM kill or an upgrade, and
// an outage may last as long as the byte bound allows.
//
// Layout: a directory holds segment files "<20-digit sequence>.seg", an
// acknowledgement file "ack" and a file "lock" that the process using the
// queue holds a flock(2) on. A segment starts with the 8 bytes "HXQUEUE1";
// then records, each:
//   u32 little-endian  payload length
//   u32 little-endian  CRC-32 (zlib) of the 8 time bytes and the payload
//   i64 little-endian  Unix time in ms when the item was queued
//   payload            the encoded item (a line, a protobuf TimeSeries)
// "ack" holds "<sequence> <offset>\n": every record before that byte offset
// of that segment, and every older segment, was delivered (or given up);
// it is replaced with rename(2). Fully acknowledged segments are deleted.
//
// Durability: records are write(2)n before the items count as queued, so a
// killed or crashed process loses nothing; fdatasync(2) runs when a segment
// is sealed and at Close(), so a power loss may lose the newest records of
// the open segment. A record cut off (or damaged) is detected by its length
// and CRC when the queue is opened: the intact records before it are kept,
// the rest of that segment is discarded and counted.
//
// Not thread-safe: the owner serializes calls.
#ifndef HOST_EXPORTER_SINKS_DISK_QUEUE_H_
#define HOST_EXPORTER_SINKS_DISK_QUEUE_H_

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace host_exporter::sinks {

struct DiskQueueOptions {
  std::string directory;
  /// Segment bytes on disk at most; beyond, the oldest segment goes.
  uint64_t max_bytes = uint64_t{256} << 20;
  /// A segment is sealed once it is this big; 0: max_bytes / 8, within
  /// 4 KiB … 8 MiB.
  uint64_t segment_bytes = 0;
  /// write(2) unless set (tests inject failures: a full disk).
  std::function<ssize_t(int, const void*, size_t)> write_fn;
};

struct DiskQueueStats {
  uint64_t bytes = 0;     ///< segment bytes on disk
  uint64_t pending = 0;   ///< records not acknowledged (incl. in flight)
  uint64_t replayed = 0;  ///< records found unacknowledged by Open(), before
                          ///< the bound removed any (see dropped)
  uint64_t dropped = 0;   ///< records removed at the byte bound
  uint64_t corrupt_bytes = 0;  ///< discarded: truncated or damaged records
  int64_t oldest_ms = 0;       ///< queue time of the oldest pending, 0: none
};

class DiskQueue {
 public:
  explicit DiskQueue(DiskQueueOptions options);
  ~DiskQueue();
  DiskQueue(const DiskQueue&) = delete;
  DiskQueue& operator=(const DiskQueue&) = delete;

  /// Creates the directory (0700) if needed, locks it, reads "ack", checks
  /// every segment. False with *error if the directory or a segment cannot be
  /// used; a truncated or damaged segment is not an error: one line for
  /// each is added to *warnings.
  bool Open(std::string* error, std::vector<std::string>* warnings);
  /// Appends one record per item, then applies the byte bound (the number of
  /// records it removed is added to *dropped). False with *error if they
  /// could not be written (none of them is then queued).
  bool Append(const std::vector<std::string>& items, int64_t unix_ms,
              uint64_t* dropped, std::string* error);
  /// Reads up to `n` records from the oldest pending: they are in flight
  /// until Ack() or Rewind(). Only one read may be in flight. A damaged
  /// record ends its segment (counted in corrupt_bytes, warning added).
  /// False with *error on an I/O error.
  bool Read(size_t n, std::vector<std::string>* out, std::string* error,
            std::vector<std::string>* warnings);
  /// The records in flight are done with: removed for good.
  bool Ack(std::string* error);
  /// The records in flight are pending again.
  void Rewind();
  /// Seals the open segment (fdatasync) and closes the files.
  void Close();

  /// Records pending, not in flight.
  uint64_t pending() const { return total_records_ - acked_ - inflight_; }
  /// Queue time of the oldest record not in flight, 0 if none.
  int64_t next_ms();
  DiskQueueStats Stats();
  const std::string& directory() const { return options_.directory; }

 private:
  struct Segment {
    uint64_t seq = 0;
    uint64_t size = 0;     // valid bytes, header included
    uint64_t records = 0;  // valid records
    int fd = -1;
  };
  struct Position {
    size_t seg = 0;     // index into segments_
    uint64_t off = 0;   // byte offset in it
    uint64_t recs = 0;  // records of that segment before off
  };
  std::string PathOf(uint64_t seq) const;
  bool NewSegment(std::string* error);
  // Scans a segment from its header: sets size and records to the intact
  // prefix; *cut = bytes after it.
  bool Scan(Segment* s, uint64_t* cut, std::string* error);
  // Time of the record at `p` (0 if at the end).
  int64_t TimeAt(Position p);
  void Normalize(Position* p) const;
  bool WriteAck(std::string* error);
  void TrimAcked();
  void DropFront();
  // Closes and deletes the oldest segment and takes it off the counts.
  void RemoveFrontSegment();
  uint64_t EnforceBound();

  DiskQueueOptions options_;
  std::deque<Segment> segments_;
  Position ack_;                // first record not acknowledged
  Position read_;               // first record not in flight
  bool sealed_tail_ = true;     // appends go to a new segment
  uint64_t total_records_ = 0;  // records in segments_ (acked ones too)
  uint64_t acked_ = 0;          // acknowledged records still in segments_
  uint64_t inflight_ = 0;
  uint64_t bytes_ = 0;
  uint64_t next_seq_ = 1;
  int lock_fd_ = -1;  // flock(2)ed "lock" file
  DiskQueueStats stats_;
};

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_DISK_QUEUE_H_
