// A procfs file parsed each cycle into a value its collector keeps.
#ifndef HOST_EXPORTER_COLLECTORS_PARSED_FILE_H_
#define HOST_EXPORTER_COLLECTORS_PARSED_FILE_H_

#include <string>
#include <string_view>

#include "collectors/toolkit.h"

namespace host_exporter {

/// The file `rel` below procfs (`/proc/stat`, `/proc/diskstats`) read each
/// cycle into a kept buffer (ReadPathInto) and parsed by
/// `Parse(text, &value)` into a kept T whose storage the parser reuses
/// ("" or why the text is bad): a steady cycle allocates nothing for it.
/// The path is made once per procfs root. A failed read throws CollectError
/// "<path>: <strerror>", a bad text "<path>: <why>". The value (which may
/// view the text) is valid until the next Read(). A collector's own state;
/// not thread-safe.
template <typename T, std::string (*Parse)(std::string_view, T*)>
class ParsedProcFile {
 public:
  explicit ParsedProcFile(std::string_view rel) : rel_(rel) {}

  const T& Read(const HostPaths& paths) {
    if (path_.empty() || paths.procfs != procfs_) {
      procfs_ = paths.procfs;
      path_ = paths.Proc(rel_);
    }
    if (const int error = ReadPathInto(path_, &text_); error != 0) {
      ThrowErrno(path_, error);
    }
    if (std::string why = Parse(text_, &value_); !why.empty()) {
      ThrowParseError(why, path_);
    }
    return value_;
  }

  /// The path last read.
  const std::string& path() const { return path_; }

 private:
  std::string rel_;
  std::string procfs_, path_;
  std::string text_;
  T value_{};
};

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_PARSED_FILE_H_
