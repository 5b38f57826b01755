#include "sinks/secrets.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace host_exporter::sinks {

std::string OtherReadableWarning(const std::string& path,
                                 const std::string& what) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || (st.st_mode & S_IROTH) == 0) return "";
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o",
                static_cast<unsigned>(st.st_mode & 07777));
  return "file " + path + " holding " + what +
         " is readable by other users (mode " + mode + "); chmod o-r it";
}

bool ResolveSecret(const SecretSpec& spec, std::string* out,
                   std::vector<std::string>* warnings, std::string* error) {
  out->clear();
  if (!spec.value.empty()) {
    *out = spec.value;
    return true;
  }
  if (!spec.file.empty()) {
    std::ifstream in(spec.file, std::ios::binary);
    if (!in) {
      *error = spec.file_key + ": cannot read " + spec.file + ": " +
               std::strerror(errno);
      return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    *out = ss.str();
    if (!out->empty() && out->back() == '\n') out->pop_back();
    if (!out->empty() && out->back() == '\r') out->pop_back();
    if (out->empty()) {
      *error = spec.file_key + ": " + spec.file + " is empty";
      return false;
    }
    std::string w = OtherReadableWarning(spec.file, spec.file_key);
    if (!w.empty()) warnings->push_back(w);
    return true;
  }
  if (!spec.env.empty()) {
    if (const char* v = std::getenv(spec.env.c_str()); v != nullptr) *out = v;
  }
  return true;
}

}  // namespace host_exporter::sinks
