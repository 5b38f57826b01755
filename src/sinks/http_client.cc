#include "sinks/http_client.h"

#include <algorithm>
#include <mutex>
#include <string_view>

#include "build_config.h"
#include "sinks/curl_api.h"

namespace host_exporter::sinks {
namespace {

constexpr size_t kMaxBody = 4096;

size_t CollectBody(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  size_t len = size * n;
  if (body->size() < kMaxBody)
    body->append(data, std::min(len, kMaxBody - body->size()));
  return len;
}

// Whether the header block of the final (non-1xx) response was ended by its
// empty line: libcurl reports success for a reply cut off inside the header
// block ("HTTP/1.1 204 No Content\r\nContent-Le" and close).
struct HeaderState {
  bool final_status = false;
  bool complete = false;
};

size_t WatchHeaders(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<HeaderState*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    // A status line starts a block: 1xx blocks are followed by another.
    size_t sp = line.find(' ');
    st->final_status = sp != std::string_view::npos && sp + 1 < line.size() &&
                       line[sp + 1] != '1';
    st->complete = false;
  } else if ((line == "\r\n" || line == "\n") && st->final_status) {
    st->complete = true;
  }
  return size * n;
}

}  // namespace

void GlobalHttpInit() { Curl(); }

HttpClient::HttpClient() : api_(Curl(&load_error_)) {
  if (api_ == nullptr) return;
  curl_ = api_->easy_init();
  multi_ = api_->multi_init();
}

HttpClient::~HttpClient() {
  if (curl_ != nullptr) api_->easy_cleanup(static_cast<CURL*>(curl_));
  if (multi_ != nullptr) api_->multi_cleanup(static_cast<CURLM*>(multi_));
}

void HttpClient::Abort() {
  abort_ = true;
  if (multi_ != nullptr) api_->multi_wakeup(static_cast<CURLM*>(multi_));
}

void HttpClient::ClearAbort() { abort_ = false; }

HttpResponse HttpClient::Post(const std::string& url, const std::string& body,
                              const HttpRequestOptions& options) {
  HttpResponse r;
  CURL* c = static_cast<CURL*>(curl_);
  CURLM* m = static_cast<CURLM*>(multi_);
  if (c == nullptr || m == nullptr) {
    r.error = api_ == nullptr ? load_error_ : "curl_easy_init failed";
    return r;
  }
  if (abort_) {
    r.error = "aborted: stopping";
    r.aborted = true;
    return r;
  }
  api_->easy_reset(c);
  curl_slist* headers = nullptr;
  for (const auto& h : options.headers)
    headers = api_->slist_append(headers, h.c_str());
  // No "Expect: 100-continue" round trip for large bodies.
  headers = api_->slist_append(headers, "Expect:");
  char errbuf[CURL_ERROR_SIZE] = {0};
  HeaderState header_state;
  const long timeout_ms = static_cast<long>(options.timeout.count());
  api_->easy_setopt(c, CURLOPT_URL, url.c_str());
  api_->easy_setopt(c, CURLOPT_POST, 1L);
  api_->easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  api_->easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                    static_cast<curl_off_t>(body.size()));
  api_->easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  api_->easy_setopt(c, CURLOPT_USERAGENT,
                    "host_exporter/" HOST_EXPORTER_VERSION);
  api_->easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  api_->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  api_->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  api_->easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  api_->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  api_->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  api_->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  api_->easy_setopt(c, CURLOPT_WRITEFUNCTION, CollectBody);
  api_->easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  api_->easy_setopt(c, CURLOPT_HEADERFUNCTION, WatchHeaders);
  api_->easy_setopt(c, CURLOPT_HEADERDATA, &header_state);
  if (!options.username.empty() || !options.password.empty()) {
    api_->easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    api_->easy_setopt(c, CURLOPT_USERNAME, options.username.c_str());
    api_->easy_setopt(c, CURLOPT_PASSWORD, options.password.c_str());
  }
  // The multi interface, so that Abort() can wake a request that waits for
  // an answer (curl_multi_wakeup) instead of letting it run to its timeout.
  CURLcode rc = CURLE_OK;
  bool done = false;
  if (api_->multi_add_handle(m, c) != CURLM_OK) {
    rc = CURLE_FAILED_INIT;
    done = true;
  }
  while (!done) {
    int running = 0;
    if (api_->multi_perform(m, &running) != CURLM_OK) {
      rc = CURLE_FAILED_INIT;
      break;
    }
    int left = 0;
    while (CURLMsg* msg = api_->multi_info_read(m, &left)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == c) {
        rc = msg->data.result;
        done = true;
      }
    }
    if (done) break;
    if (abort_) {
      r.aborted = true;
      break;
    }
    api_->multi_poll(m, nullptr, 0, 1000, nullptr);
    if (abort_) {
      r.aborted = true;
      break;
    }
  }
  if (r.aborted) {
    r.error = "aborted: stopping";
  } else if (rc != CURLE_OK) {
    r.error = errbuf[0] != '\0' ? errbuf : api_->easy_strerror(rc);
  } else if (!header_state.complete) {
    r.error = "incomplete response: the header block was cut off";
  } else {
    api_->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  }
  api_->multi_remove_handle(m, c);
  api_->easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  api_->easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  api_->easy_setopt(c, CURLOPT_HEADERDATA, nullptr);
  api_->slist_free_all(headers);
  return r;
}

}  // namespace host_exporter::sinks
