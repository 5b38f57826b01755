// libcurl, loaded with dlopen() when a push sink first needs it instead of
// linked: linked, libcurl and what it pulls in (GnuTLS, krb5, LDAP, libssh2,
// nghttp2, p11-kit, ...) cost about 6 MB of resident memory and their
// constructors' start-up time in every exporter, also in the many that
// only serve /metrics.
#ifndef HOST_EXPORTER_SINKS_CURL_API_H_
#define HOST_EXPORTER_SINKS_CURL_API_H_

#define CURL_DISABLE_TYPECHECK  // curl_easy_setopt a plain function below
#include <curl/curl.h>

#include <string>

namespace host_exporter::sinks {

/// The libcurl functions the sinks call, resolved from libcurl.so.4.
struct CurlApi {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_perform) multi_perform;
  decltype(&::curl_multi_poll) multi_poll;
  decltype(&::curl_multi_wakeup) multi_wakeup;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_url) url;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_url_set) url_set;
  decltype(&::curl_url_get) url_get;
  decltype(&::curl_url_strerror) url_strerror;
  decltype(&::curl_free) free;
};

/// libcurl, loaded and curl_global_init()ed on the first call (thread-safe);
/// null if it cannot be loaded, with the reason in *error if given.
const CurlApi* Curl(std::string* error = nullptr);

/// Whether libcurl is loaded in this process (tests: it is not, without a
/// push sink).
bool CurlLoaded();

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_CURL_API_H_
