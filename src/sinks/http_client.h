// A minimal HTTP POST client on libcurl for the push sinks: one connection
// kept alive between requests, TLS with the system trust store, timeouts.
// One instance is used by one thread; Abort() may be called from any thread.
#ifndef HOST_EXPORTER_SINKS_HTTP_CLIENT_H_
#define HOST_EXPORTER_SINKS_HTTP_CLIENT_H_

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace host_exporter::sinks {

struct CurlApi;  // sinks/curl_api.h

/// What one request came back with.
struct HttpResponse {
  long status = 0;       ///< HTTP status; 0 if no response (see `error`)
  std::string body;      ///< the first 4 KiB of the response body
  std::string error;     ///< transport error (connect, TLS, timeout), or ""
  bool aborted = false;  ///< ended by Abort()
};

/// A request's credentials and headers.
struct HttpRequestOptions {
  std::vector<std::string> headers;  ///< "Name: value"
  std::string username;              ///< basic auth if non-empty
  std::string password;
  std::chrono::milliseconds timeout{5000};  ///< whole request
};

/// POSTs bodies over a reused libcurl handle.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `body` to `url`; never throws. A response that did not arrive
  /// whole (header block not ended, body shorter than its Content-Length,
  /// connection closed mid-chunk) is a transport error: status 0.
  HttpResponse Post(const std::string& url, const std::string& body,
                    const HttpRequestOptions& options);
  /// Ends the request in progress at once (and every later one, until
  /// ClearAbort()) with a transport error. Thread-safe.
  void Abort();
  void ClearAbort();

 private:
  const CurlApi* api_;      // null if libcurl could not be loaded
  std::string load_error_;  // then why
  void* curl_ = nullptr;    // CURL*
  void* multi_ = nullptr;   // CURLM*: its connection cache keeps it alive
  std::atomic<bool> abort_{false};
};

/// Loads and initializes libcurl once per process (call before starting
/// threads; see curl_api.h).
void GlobalHttpInit();

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_HTTP_CLIENT_H_
