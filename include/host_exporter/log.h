// A small structured logger: logfmt (node_exporter's default look) or JSON,
// to stderr or a file that is reopened on SIGHUP so logrotate works.
//
// Written here rather than taken from a library: the formats must match
// node_exporter's go-kit output (ts=… level=… msg=…), the sink must survive
// a full disk without blocking or throwing, and it is ~150 lines.
#ifndef HOST_EXPORTER_LOG_H_
#define HOST_EXPORTER_LOG_H_

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace host_exporter {

/// Severity, lowest first.
enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

/// Parses "debug", "info", "warn"/"warning", "error" (any case; also the
/// script-era Python names "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL").
bool ParseLogLevel(std::string_view s, LogLevel* out);

/// Key/value pairs attached to a log line.
using LogFields = std::vector<std::pair<std::string, std::string>>;

/// Thread-safe logger. Write failures (disk full, file removed) are counted
/// and otherwise ignored: logging never stops the exporter.
class Logger {
 public:
  Logger() = default;
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  /// Sets level, format ("logfmt" or "json") and destination ("" = stderr).
  /// Returns false with *error naming the file if it cannot be opened; the
  /// previous destination is kept then.
  bool Configure(LogLevel level, std::string_view format,
                 const std::string& file, std::string* error);
  /// Sets level, format and destination: `fd` (from OpenLogFile(), owned
  /// from now on) writing to `file`, or 2 and "" for stderr. Cannot fail:
  /// a reload opens the file first, then applies everything.
  void Use(LogLevel level, std::string_view format, const std::string& file,
           int fd);
  /// Reopens the log file (after logrotate moved it). No-op for stderr.
  bool Reopen(std::string* error);

  void Log(LogLevel level, std::string_view msg, const LogFields& fields = {});
  void Debug(std::string_view msg, const LogFields& f = {}) {
    Log(LogLevel::kDebug, msg, f);
  }
  void Info(std::string_view msg, const LogFields& f = {}) {
    Log(LogLevel::kInfo, msg, f);
  }
  void Warn(std::string_view msg, const LogFields& f = {}) {
    Log(LogLevel::kWarn, msg, f);
  }
  void Error(std::string_view msg, const LogFields& f = {}) {
    Log(LogLevel::kError, msg, f);
  }

  /// True if a message at `level` would be written.
  bool Enabled(LogLevel level) const;
  /// How many lines could not be written.
  unsigned long write_failures() const;

 private:
  mutable std::mutex mu_;
  LogLevel level_ = LogLevel::kInfo;
  bool json_ = false;
  std::string file_;
  int fd_ = 2;
  unsigned long write_failures_ = 0;
};

/// Opens a log file for appending (created with mode 0640), never blocking
/// on a FIFO without a reader. Returns the descriptor, or -1 with *error
/// ("cannot open log file <file>: why").
int OpenLogFile(const std::string& file, std::string* error);

/// Whether OpenLogFile() would succeed, without creating anything: an
/// existing file must be writable, else its directory must exist and be
/// writable (--check-config). "" is stderr: true.
bool CheckLogFile(const std::string& file, std::string* error);

/// Formats one line (without the trailing newline); exposed for tests.
std::string FormatLogLine(bool json, std::string_view ts, LogLevel level,
                          std::string_view msg, const LogFields& fields);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_LOG_H_
