#include "sinks/remote_write_sink.h"

namespace host_exporter::sinks {

PushSinkOptions RemoteWriteSinkOptions(const RemoteWriteConfig& rw,
                                       const std::string& password,
                                       const std::string& bearer_token,
                                       LabelPairs external_labels) {
  PushSinkOptions o;
  o.name = "remote_write";
  o.url = rw.url;
  o.request.timeout = rw.remote_timeout;
  o.request.headers = {"Content-Type: application/x-protobuf",
                       "Content-Encoding: snappy",
                       "X-Prometheus-Remote-Write-Version: 0.1.0"};
  if (!bearer_token.empty()) {
    o.request.headers.push_back("Authorization: Bearer " + bearer_token);
  } else if (!rw.username.empty()) {
    o.request.username = rw.username;
    o.request.password = password;
  }
  o.make_body = [](std::string raw) { return SnappyCompress(raw); };
  o.encode = [labels = std::move(external_labels)](
                 const Snapshot& s, std::vector<std::string>* out) {
    EncodeTimeSeries(s.families, s.timestamp, labels, out);
  };
  o.batch_size = rw.max_samples_per_send;
  o.flush_interval = rw.batch_send_deadline;
  o.max_buffer = rw.capacity;
  o.min_backoff = rw.min_backoff;
  o.max_backoff = rw.max_backoff;
  o.reject_hint = [](const HttpResponse& r) -> std::string {
    if (r.status == 401 || r.status == 403) {
      return "check remote_write.basic_auth or "
             "remote_write.bearer_token(_file)";
    }
    if (r.status == 404) {
      return "check remote_write.url (Prometheus: /api/v1/write, started with "
             "--web.enable-remote-write-receiver)";
    }
    return "";
  };
  return o;
}

}  // namespace host_exporter::sinks
