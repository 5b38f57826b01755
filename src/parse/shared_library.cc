#include "parse/shared_library.h"

#include <dlfcn.h>

namespace host_exporter {

bool SharedLibrary::Open(const char* soname) {
  soname_ = soname;
  handle_ = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) {
    const char* e = dlerror();
    error_ = std::string("cannot load ") + soname + ": " + (e ? e : "dlopen");
    return false;
  }
  return true;
}

void* SharedLibrary::Symbol(const char* name) const {
  return handle_ == nullptr ? nullptr : dlsym(handle_, name);
}

}  // namespace host_exporter
