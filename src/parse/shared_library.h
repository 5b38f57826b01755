// A shared library loaded with dlopen() when a feature first needs it, its
// functions resolved by name: libcurl for the push sinks
// (sinks/curl_api.h), OpenSSL for TLS and basic auth (http/openssl_api.h),
// libsystemd for the D-Bus collectors (collectors/sdbus.h).
// Linked instead, each would be mapped, relocated and resident in every
// exporter, also in the many that use neither.
#ifndef HOST_EXPORTER_PARSE_SHARED_LIBRARY_H_
#define HOST_EXPORTER_PARSE_SHARED_LIBRARY_H_

#include <string>
#include <type_traits>

namespace host_exporter {

class SharedLibrary {
 public:
  /// Opens `soname` (RTLD_NOW | RTLD_LOCAL); false with error() set. The
  /// library stays loaded for the life of the process.
  bool Open(const char* soname);

  /// Resolves `name` into the function pointer *f; a missing symbol sets
  /// error() (the first one missing, with `hint` appended) and *f null.
  template <class F>
  void Get(F* f, const char* name, const char* hint = "") {
    *f = reinterpret_cast<F>(Symbol(name));
    if (*f == nullptr && error_.empty())
      error_ = soname_ + " has no " + name + hint;
  }

  /// True if Open() and every Get() so far succeeded.
  bool ok() const { return handle_ != nullptr && error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  void* Symbol(const char* name) const;

  void* handle_ = nullptr;
  std::string soname_;
  std::string error_;
};

}  // namespace host_exporter

#endif  // HOST_EXPORTER_PARSE_SHARED_LIBRARY_H_
