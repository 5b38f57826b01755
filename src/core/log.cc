#include "host_exporter/log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace host_exporter {
namespace {

const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::string Now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                now.time_since_epoch())
                .count() %
            1000;
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendLogfmtValue(std::string* out, std::string_view s) {
  bool quote = s.empty();
  for (unsigned char c : s) {
    if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f) {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out->append(s);
    return;
  }
  AppendJsonString(out, s);  // logfmt quoting uses the same escapes
}

}  // namespace

bool ParseLogLevel(std::string_view s, LogLevel* out) {
  std::string l(s);
  for (char& c : l) c = static_cast<char>(std::tolower(c));
  // Python's level names too (the script's logging.log_level): NOTSET logs
  // everything, CRITICAL and FATAL are its errors.
  if (l == "debug" || l == "notset") {
    *out = LogLevel::kDebug;
  } else if (l == "info") {
    *out = LogLevel::kInfo;
  } else if (l == "warn" || l == "warning") {
    *out = LogLevel::kWarn;
  } else if (l == "error" || l == "critical" || l == "fatal") {
    *out = LogLevel::kError;
  } else {
    return false;
  }
  return true;
}

std::string FormatLogLine(bool json, std::string_view ts, LogLevel level,
                          std::string_view msg, const LogFields& fields) {
  std::string out;
  out.reserve(96 + msg.size());
  if (json) {
    out.append("{\"ts\":");
    AppendJsonString(&out, ts);
    out.append(",\"level\":");
    AppendJsonString(&out, LevelName(level));
    out.append(",\"msg\":");
    AppendJsonString(&out, msg);
    for (const auto& [k, v] : fields) {
      out.push_back(',');
      AppendJsonString(&out, k);
      out.push_back(':');
      AppendJsonString(&out, v);
    }
    out.push_back('}');
  } else {
    out.append("ts=").append(ts);
    out.append(" level=").append(LevelName(level));
    out.append(" msg=");
    AppendLogfmtValue(&out, msg);
    for (const auto& [k, v] : fields) {
      out.push_back(' ');
      out.append(k).push_back('=');
      AppendLogfmtValue(&out, v);
    }
  }
  return out;
}

int OpenLogFile(const std::string& file, std::string* error) {
  // O_NONBLOCK: a FIFO without a reader fails (ENXIO) instead of blocking
  // the open; it stays non-blocking so a full pipe drops lines (counted as
  // write failures) instead of stopping the exporter.
  int fd = ::open(
      file.c_str(),
      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0640);
  if (fd < 0) {
    *error = "cannot open log file " + file + ": " + std::strerror(errno);
    return -1;
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && !S_ISFIFO(st.st_mode)) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  }
  return fd;
}

bool CheckLogFile(const std::string& file, std::string* error) {
  if (file.empty()) return true;
  // OpenLogFile()'s open without O_CREAT: an existing file (or FIFO) is
  // opened and closed, unchanged.
  int fd = ::open(file.c_str(),
                  O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd >= 0) {
    ::close(fd);
    return true;
  }
  if (errno != ENOENT) {
    *error = "cannot open log file " + file + ": " + std::strerror(errno);
    return false;
  }
  // It would be created: its directory must exist and be writable.
  const size_t slash = file.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : file.substr(0, slash);
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    *error = "cannot open log file " + file + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

Logger::~Logger() {
  if (fd_ > 2) ::close(fd_);
}

bool Logger::Configure(LogLevel level, std::string_view format,
                       const std::string& file, std::string* error) {
  int fd = 2;
  if (!file.empty()) {
    fd = OpenLogFile(file, error);
    if (fd < 0) return false;
  }
  Use(level, format, file, fd);
  return true;
}

void Logger::Use(LogLevel level, std::string_view format,
                 const std::string& file, int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ > 2 && fd_ != fd) ::close(fd_);
  fd_ = fd;
  file_ = file;
  level_ = level;
  json_ = format == "json";
}

bool Logger::Reopen(std::string* error) {
  std::string file;
  {
    std::lock_guard<std::mutex> lock(mu_);
    file = file_;
  }
  if (file.empty()) return true;
  int fd = OpenLogFile(file, error);
  if (fd < 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ > 2) ::close(fd_);
  fd_ = fd;
  return true;
}

bool Logger::Enabled(LogLevel level) const {
  std::lock_guard<std::mutex> lock(mu_);
  return level >= level_;
}

unsigned long Logger::write_failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return write_failures_;
}

void Logger::Log(LogLevel level, std::string_view msg,
                 const LogFields& fields) {
  std::lock_guard<std::mutex> lock(mu_);
  if (level < level_) return;
  std::string line = FormatLogLine(json_, Now(), level, msg, fields);
  line.push_back('\n');
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(fd_, line.data() + off, line.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ++write_failures_;
      return;
    }
    off += static_cast<size_t>(n);
  }
}

}  // namespace host_exporter
