// What the exporter keeps resident after start-up.
#ifndef HOST_EXPORTER_APP_RESIDENT_H_
#define HOST_EXPORTER_APP_RESIDENT_H_

#include <cstddef>
#include <string>

namespace host_exporter::app {

/// What ReleaseStartUpPages() did.
struct Released {
  size_t code_bytes = 0;  ///< resident code of mapped files no longer mapped
  size_t mappings = 0;    ///< code mappings released
  std::string error;      ///< why nothing was done, when nothing was
};

/// Drops this process's page-table entries of the code of its mapped files
/// (its own binary, libc, libm, the loader: mappings `r-xp` of a file with
/// no private copy of a page) and returns the heap's free memory
/// (malloc_trim). Start-up runs code once (argument and config parsing,
/// collectors' construction, the server's start) that then stays resident
/// and counted in RSS; after this, a cycle's and a scrape's code comes back
/// on its first use, from the page cache, and nothing else does. The
/// pages stay in the page cache, shared, until the kernel reclaims them.
/// `smaps`: the file to read (/proc/self/smaps).
Released ReleaseStartUpPages(const std::string& smaps = "/proc/self/smaps");

}  // namespace host_exporter::app

#endif  // HOST_EXPORTER_APP_RESIDENT_H_
