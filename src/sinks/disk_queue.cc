#include "sinks/disk_queue.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace host_exporter::sinks {
namespace {

constexpr char kMagic[] = "HXQUEUE1";
constexpr uint64_t kHeader = 8;
constexpr uint64_t kRecordHeader = 16;
constexpr uint32_t kMaxRecord = 64u << 20;

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

void PutU32(std::string* s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s->push_back(static_cast<char>(v >> (8 * i)));
}
void PutU64(std::string* s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s->push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t GetLE(const char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint32_t Crc(const char* time_and_payload, size_t n) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(time_and_payload),
            static_cast<uInt>(n)));
}

bool PreadAll(int fd, char* buf, size_t n, uint64_t off) {
  while (n > 0) {
    ssize_t r = pread(fd, buf, n, static_cast<off_t>(off));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r == 0) errno = EIO;  // shorter than its recorded size
      return false;
    }
    buf += r;
    n -= static_cast<size_t>(r);
    off += static_cast<uint64_t>(r);
  }
  return true;
}

bool MkdirAll(const std::string& dir) {
  std::string cur;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || (dir[i] == '/' && i > 0)) {
      cur = dir.substr(0, i);
      if (mkdir(cur.c_str(), 0700) != 0 && errno != EEXIST) return false;
    }
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) return false;
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return false;
  }
  return true;
}

}  // namespace

DiskQueue::DiskQueue(DiskQueueOptions options) : options_(std::move(options)) {
  if (options_.segment_bytes == 0) {
    options_.segment_bytes =
        std::clamp<uint64_t>(options_.max_bytes / 8, 4096, uint64_t{8} << 20);
  }
  if (!options_.write_fn) options_.write_fn = ::write;
}

DiskQueue::~DiskQueue() { Close(); }

std::string DiskQueue::PathOf(uint64_t seq) const {
  char name[32];
  snprintf(name, sizeof name, "%020llu.seg",
           static_cast<unsigned long long>(seq));
  return options_.directory + "/" + name;
}

bool DiskQueue::Scan(Segment* s, uint64_t* cut, std::string* error) {
  struct stat st;
  if (fstat(s->fd, &st) != 0) {
    *error = Errno("stat", PathOf(s->seq));
    return false;
  }
  const uint64_t file = static_cast<uint64_t>(st.st_size);
  std::string data(file, '\0');
  if (file > 0 && !PreadAll(s->fd, data.data(), file, 0)) {
    *error = Errno("read", PathOf(s->seq));
    return false;
  }
  s->records = 0;
  s->size = 0;
  if (file >= kHeader && data.compare(0, kHeader, kMagic) == 0) {
    uint64_t off = kHeader;
    while (file - off >= kRecordHeader) {
      const uint64_t len = GetLE(&data[off], 4);
      const uint32_t crc = static_cast<uint32_t>(GetLE(&data[off + 4], 4));
      if (len > kMaxRecord || file - off - kRecordHeader < len) break;
      if (Crc(&data[off + 8], 8 + len) != crc) break;
      off += kRecordHeader + len;
      ++s->records;
    }
    s->size = off;
  }
  *cut = file - s->size;
  return true;
}

bool DiskQueue::Open(std::string* error, std::vector<std::string>* warnings) {
  const std::string& dir = options_.directory;
  if (!MkdirAll(dir)) {
    *error = Errno("cannot create the queue directory", dir);
    return false;
  }
  // One process per directory: a second exporter (or sink) on the same
  // queue would interleave writes.
  const std::string lock_path = dir + "/lock";
  lock_fd_ = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) {
    *error = Errno("cannot create", lock_path);
    return false;
  }
  if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    *error = Errno("cannot lock (another process uses this queue?)", lock_path);
    close(lock_fd_);
    lock_fd_ = -1;
    return false;
  }
  uint64_t ack_seq = 0, ack_off = 0;
  {
    std::string ack_path = dir + "/ack";
    int fd = open(ack_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      char buf[64] = {0};
      ssize_t n = read(fd, buf, sizeof buf - 1);
      close(fd);
      unsigned long long a = 0, b = 0;
      if (n <= 0 || sscanf(buf, "%llu %llu", &a, &b) != 2) {
        warnings->push_back(ack_path +
                            ": unreadable, replaying every segment (points "
                            "may be sent twice)");
      } else {
        ack_seq = a;
        ack_off = b;
      }
    } else if (errno != ENOENT) {
      *error = Errno("cannot read", ack_path);
      return false;
    }
  }
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    *error = Errno("cannot list", dir);
    return false;
  }
  std::vector<uint64_t> seqs;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() == 24 && name.compare(20, 4, ".seg") == 0 &&
        std::all_of(name.begin(), name.begin() + 20,
                    [](char c) { return c >= '0' && c <= '9'; })) {
      seqs.push_back(std::stoull(name.substr(0, 20)));
    }
  }
  closedir(d);
  unlink((dir + "/ack.tmp").c_str());
  std::sort(seqs.begin(), seqs.end());
  // New segments come after the acknowledged one even if it is gone, or
  // the next Open() would take them for acknowledged.
  next_seq_ = std::max(next_seq_, ack_seq + 1);
  for (uint64_t seq : seqs) {
    next_seq_ = std::max(next_seq_, seq + 1);
    const std::string path = PathOf(seq);
    if (seq < ack_seq) {  // acknowledged, not yet deleted
      unlink(path.c_str());
      continue;
    }
    Segment s;
    s.seq = seq;
    s.fd = open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (s.fd < 0) {
      *error = Errno("cannot open", path);
      Close();
      return false;
    }
    uint64_t cut = 0;
    if (!Scan(&s, &cut, error)) {
      close(s.fd);
      Close();
      return false;
    }
    if (s.size < kHeader) {
      warnings->push_back(path + ": not a queue segment, " +
                          std::to_string(cut) + " bytes discarded");
      stats_.corrupt_bytes += cut;
      close(s.fd);
      unlink(path.c_str());
      continue;
    }
    if (cut > 0) {
      warnings->push_back(path + ": truncated or damaged after " +
                          std::to_string(s.records) + " intact records, " +
                          std::to_string(cut) + " bytes discarded");
      stats_.corrupt_bytes += cut;
      if (ftruncate(s.fd, static_cast<off_t>(s.size)) != 0) {
        // Harmless: appends go to a new segment, the scan stops there again.
      }
    }
    total_records_ += s.records;
    bytes_ += s.size;
    segments_.push_back(s);
  }
  ack_ = {0, kHeader, 0};
  if (!segments_.empty() && segments_[0].seq == ack_seq && ack_off > kHeader) {
    // Count the acknowledged records before ack_off.
    Segment& s = segments_[0];
    uint64_t off = kHeader, recs = 0;
    char h[kRecordHeader];
    while (off < ack_off && off < s.size && PreadAll(s.fd, h, sizeof h, off)) {
      off += kRecordHeader + GetLE(h, 4);
      ++recs;
    }
    if (off == ack_off) {
      ack_ = {0, off, recs};
    } else {
      warnings->push_back(dir + "/ack: offset " + std::to_string(ack_off) +
                          " is not a record boundary of " + PathOf(s.seq) +
                          ", replaying it whole (points may be sent twice)");
    }
  }
  TrimAcked();
  read_ = ack_;
  sealed_tail_ = true;
  stats_.replayed = total_records_ - acked_;
  EnforceBound();
  return true;
}

void DiskQueue::Normalize(Position* p) const {
  while (p->seg + 1 < segments_.size() && p->off >= segments_[p->seg].size) {
    *p = {p->seg + 1, kHeader, 0};
  }
}

bool DiskQueue::NewSegment(std::string* error) {
  if (!segments_.empty() && !sealed_tail_) fdatasync(segments_.back().fd);
  Segment s;
  s.seq = next_seq_++;
  const std::string path = PathOf(s.seq);
  s.fd = open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC,
              0600);
  if (s.fd < 0) {
    *error = Errno("cannot create", path);
    return false;
  }
  ssize_t n = options_.write_fn(s.fd, kMagic, kHeader);
  if (n != static_cast<ssize_t>(kHeader)) {
    if (n >= 0) errno = ENOSPC;
    *error = Errno("cannot write", path);
    close(s.fd);
    unlink(path.c_str());
    return false;
  }
  s.size = kHeader;
  bytes_ += kHeader;
  segments_.push_back(s);
  sealed_tail_ = false;
  return true;
}

bool DiskQueue::Append(const std::vector<std::string>& items, int64_t unix_ms,
                       uint64_t* dropped, std::string* error) {
  if (items.empty()) return true;
  if (sealed_tail_ || segments_.empty() ||
      segments_.back().size >= options_.segment_bytes) {
    if (!NewSegment(error)) return false;
  }
  std::string buf;
  size_t total = 0;
  for (const auto& it : items) total += kRecordHeader + it.size();
  buf.reserve(total);
  for (const auto& it : items) {
    std::string rec;
    rec.reserve(8 + it.size());
    PutU64(&rec, static_cast<uint64_t>(unix_ms));
    rec.append(it);
    PutU32(&buf, static_cast<uint32_t>(it.size()));
    PutU32(&buf, Crc(rec.data(), rec.size()));
    buf.append(rec);
  }
  Segment& tail = segments_.back();
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n =
        options_.write_fn(tail.fd, buf.data() + done, buf.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = ENOSPC;
      *error = Errno("cannot write", PathOf(tail.seq));
      // No half record stays behind; if even that fails, the next Open()
      // finds the cut record by its CRC. Later appends go to a new segment.
      if (ftruncate(tail.fd, static_cast<off_t>(tail.size)) != 0) {
      }
      sealed_tail_ = true;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  tail.size += buf.size();
  tail.records += items.size();
  total_records_ += items.size();
  bytes_ += buf.size();
  Normalize(&read_);
  if (inflight_ == 0) read_ = ack_;
  uint64_t n = EnforceBound();
  if (dropped != nullptr) *dropped += n;
  return true;
}

void DiskQueue::TrimAcked() {
  // Fully acknowledged segments before the first pending record go.
  Normalize(&ack_);
  while (!segments_.empty() && ack_.seg > 0) {
    RemoveFrontSegment();
    --ack_.seg;
  }
  acked_ = ack_.recs;
}

void DiskQueue::RemoveFrontSegment() {
  Segment s = segments_.front();
  total_records_ -= s.records;
  bytes_ -= s.size;
  close(s.fd);
  unlink(PathOf(s.seq).c_str());
  segments_.pop_front();
}

void DiskQueue::DropFront() {
  RemoveFrontSegment();
  ack_ = {0, kHeader, 0};
  acked_ = 0;
  Normalize(&ack_);
  read_ = ack_;
}

uint64_t DiskQueue::EnforceBound() {
  uint64_t dropped = 0;
  // Never the records in flight: the bound waits for their answer.
  while (bytes_ > options_.max_bytes && segments_.size() > 1 &&
         inflight_ == 0) {
    dropped += segments_.front().records - ack_.recs;
    DropFront();
  }
  if (bytes_ > options_.max_bytes && segments_.size() == 1) {
    sealed_tail_ = true;  // dropped whole at the next append
  }
  stats_.dropped += dropped;
  return dropped;
}

bool DiskQueue::Read(size_t n, std::vector<std::string>* out,
                     std::string* error, std::vector<std::string>* warnings) {
  if (inflight_ > 0) Rewind();
  Position p = ack_;
  size_t got = 0;
  char h[kRecordHeader];
  while (got < n) {
    Normalize(&p);
    if (p.seg >= segments_.size()) break;
    Segment& s = segments_[p.seg];
    if (p.off >= s.size) break;  // the end of the last segment
    std::string rec;
    bool ok =
        s.size - p.off >= kRecordHeader && PreadAll(s.fd, h, sizeof h, p.off);
    if (!ok && errno != EIO && s.size - p.off >= kRecordHeader) {
      *error = Errno("cannot read", PathOf(s.seq));
      return false;
    }
    uint64_t len = ok ? GetLE(h, 4) : 0;
    ok = ok && len <= s.size - p.off - kRecordHeader;
    if (ok) {
      rec.resize(8 + len);
      std::memcpy(rec.data(), h + 8, 8);
      ok =
          PreadAll(s.fd, rec.data() + 8, len, p.off + kRecordHeader) &&
          Crc(rec.data(), rec.size()) == static_cast<uint32_t>(GetLE(h + 4, 4));
    }
    if (!ok) {  // damaged since Open(): the rest of the segment goes
      warnings->push_back(PathOf(s.seq) + ": damaged after " +
                          std::to_string(p.recs) + " records, " +
                          std::to_string(s.size - p.off) + " bytes discarded");
      stats_.corrupt_bytes += s.size - p.off;
      total_records_ -= s.records - p.recs;
      bytes_ -= s.size - p.off;
      s.records = p.recs;
      s.size = p.off;
      if (p.seg + 1 == segments_.size()) sealed_tail_ = true;
      if (p.seg + 1 == segments_.size()) break;
      continue;
    }
    out->push_back(rec.substr(8));
    p.off += kRecordHeader + len;
    ++p.recs;
    ++got;
  }
  read_ = p;
  inflight_ = got;
  return true;
}

bool DiskQueue::WriteAck(std::string* error) {
  if (segments_.empty()) return true;
  const std::string tmp = options_.directory + "/ack.tmp";
  const std::string path = options_.directory + "/ack";
  const std::string text = std::to_string(segments_[ack_.seg].seq) + " " +
                           std::to_string(ack_.off) + "\n";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    *error = Errno("cannot create", tmp);
    return false;
  }
  ssize_t n = options_.write_fn(fd, text.data(), text.size());
  close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    if (n >= 0) errno = ENOSPC;
    *error = Errno("cannot write", tmp);
    unlink(tmp.c_str());
    return false;
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    *error = Errno("cannot rename to", path);
    return false;
  }
  return true;
}

bool DiskQueue::Ack(std::string* error) {
  if (inflight_ == 0) return true;
  ack_ = read_;
  inflight_ = 0;
  TrimAcked();
  read_ = ack_;
  return WriteAck(error);
}

void DiskQueue::Rewind() {
  read_ = ack_;
  inflight_ = 0;
}

int64_t DiskQueue::TimeAt(Position p) {
  Normalize(&p);
  if (p.seg >= segments_.size()) return 0;
  const Segment& s = segments_[p.seg];
  if (p.off + kRecordHeader > s.size) return 0;
  char h[kRecordHeader];
  if (!PreadAll(s.fd, h, sizeof h, p.off)) return 0;
  return static_cast<int64_t>(GetLE(h + 8, 8));
}

int64_t DiskQueue::next_ms() { return pending() == 0 ? 0 : TimeAt(read_); }

DiskQueueStats DiskQueue::Stats() {
  DiskQueueStats s = stats_;
  s.bytes = bytes_;
  s.pending = total_records_ - acked_;
  s.oldest_ms = s.pending == 0 ? 0 : TimeAt(ack_);
  return s;
}

void DiskQueue::Close() {
  if (!segments_.empty() && !sealed_tail_) fdatasync(segments_.back().fd);
  sealed_tail_ = true;
  for (auto& s : segments_) {
    if (s.fd >= 0) close(s.fd);
    s.fd = -1;
  }
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the lock
  lock_fd_ = -1;
}

}  // namespace host_exporter::sinks
