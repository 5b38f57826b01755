// A scratch directory for a test: created fresh (mkdtemp under the system's
// temporary directory), removed with everything in it at the end.
#ifndef HOST_EXPORTER_TESTS_UNIT_TEMP_DIR_H_
#define HOST_EXPORTER_TESTS_UNIT_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace host_exporter::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "host_exporter_test.XXXXXX")
            .string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
    dir_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Writes <dir>/<rel>, creating directories; returns the full path.
  std::string Write(const std::string& rel, const std::string& text) const {
    const std::string p = dir_ + "/" + rel;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace host_exporter::testing

#endif  // HOST_EXPORTER_TESTS_UNIT_TEMP_DIR_H_
