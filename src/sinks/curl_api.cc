#include "sinks/curl_api.h"

#include <atomic>
#include <mutex>

#include "parse/shared_library.h"

namespace host_exporter::sinks {
namespace {

std::atomic<bool> loaded{false};

}  // namespace

const CurlApi* Curl(std::string* error) {
  static CurlApi api;
  static std::string failure;
  static bool ok = false;
  static std::once_flag once;
  std::call_once(once, [] {
    // The soname of libcurl4 (-openssl, -gnutls) on Debian and elsewhere.
    SharedLibrary lib;
    auto get = [&](auto& f, const char* name) {
      lib.Get(&f, name, " (libcurl 7.85 or later needed)");
    };
    if (!lib.Open("libcurl.so.4")) {
      failure = lib.error();
      return;
    }
    get(api.global_init, "curl_global_init");
    get(api.easy_init, "curl_easy_init");
    get(api.easy_cleanup, "curl_easy_cleanup");
    get(api.easy_reset, "curl_easy_reset");
    get(api.easy_setopt, "curl_easy_setopt");
    get(api.easy_getinfo, "curl_easy_getinfo");
    get(api.easy_strerror, "curl_easy_strerror");
    get(api.multi_init, "curl_multi_init");
    get(api.multi_cleanup, "curl_multi_cleanup");
    get(api.multi_add_handle, "curl_multi_add_handle");
    get(api.multi_remove_handle, "curl_multi_remove_handle");
    get(api.multi_perform, "curl_multi_perform");
    get(api.multi_poll, "curl_multi_poll");
    get(api.multi_wakeup, "curl_multi_wakeup");
    get(api.multi_info_read, "curl_multi_info_read");
    get(api.slist_append, "curl_slist_append");
    get(api.slist_free_all, "curl_slist_free_all");
    get(api.url, "curl_url");
    get(api.url_cleanup, "curl_url_cleanup");
    get(api.url_set, "curl_url_set");
    get(api.url_get, "curl_url_get");
    get(api.url_strerror, "curl_url_strerror");
    get(api.free, "curl_free");
    if (!lib.ok()) {  // the handle stays open: harmless, once per process
      failure = lib.error();
      return;
    }
    api.global_init(CURL_GLOBAL_DEFAULT);
    ok = true;
    loaded = true;
  });
  if (!ok && error != nullptr) *error = failure;
  return ok ? &api : nullptr;
}

bool CurlLoaded() { return loaded.load(); }

}  // namespace host_exporter::sinks
