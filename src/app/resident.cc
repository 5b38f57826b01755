#include "app/resident.h"

#include <malloc.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace host_exporter::app {
namespace {

struct Mapping {
  uintptr_t start = 0, end = 0;
  bool code_of_file = false;  // r-xp or r--p, and a path
  size_t rss_kb = 0, anonymous_kb = 0;
};

}  // namespace

Released ReleaseStartUpPages(const std::string& smaps) {
  Released out;
  // Read whole first: madvise() while reading would change the file.
  FILE* f = std::fopen(smaps.c_str(), "re");
  if (!f) {
    out.error = smaps + ": " + std::strerror(errno);
    return out;
  }
  std::vector<Mapping> maps;
  char line[4096];
  while (std::fgets(line, sizeof line, f)) {
    unsigned long start = 0, end = 0;
    char perms[8] = {};
    int path_at = 0;
    // "start-end perms offset dev inode   path"
    if (std::sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &start, &end, perms,
                    &path_at) == 3 &&
        path_at > 0) {
      Mapping m;
      m.start = start;
      m.end = end;
      m.code_of_file = (std::strcmp(perms, "r-xp") == 0 ||
                        std::strcmp(perms, "r--p") == 0) &&
                       line[path_at] == '/';
      maps.push_back(m);
      continue;
    }
    if (maps.empty()) continue;
    size_t kb = 0;
    if (std::sscanf(line, "Rss: %zu kB", &kb) == 1) {
      maps.back().rss_kb = kb;
    } else if (std::sscanf(line, "Anonymous: %zu kB", &kb) == 1) {
      maps.back().anonymous_kb = kb;
    }
  }
  std::fclose(f);
  // The mappings read are still those: after start-up the exporter maps no
  // file and unmaps none (dlopen() of OpenSSL or libcurl only adds some).
  for (const Mapping& m : maps) {
    // A page of code with a private copy (a debugger's breakpoint) would
    // be lost: such a mapping is left as it is.
    if (!m.code_of_file || m.anonymous_kb != 0 || m.rss_kb == 0) continue;
    if (madvise(reinterpret_cast<void*>(m.start), m.end - m.start,
                MADV_DONTNEED) == 0) {
      out.code_bytes += m.rss_kb * 1024;
      ++out.mappings;
    }
  }
  malloc_trim(0);
  return out;
}

}  // namespace host_exporter::app
