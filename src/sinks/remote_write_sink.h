// The Prometheus remote-write sink: the `remote_write` block turned into a
// PushSink that POSTs snappy-compressed protobuf WriteRequests.
#ifndef HOST_EXPORTER_SINKS_REMOTE_WRITE_SINK_H_
#define HOST_EXPORTER_SINKS_REMOTE_WRITE_SINK_H_

#include <string>

#include "sinks/push_sink.h"
#include "sinks/remote_write_encoder.h"
#include "sinks/sink_config.h"

namespace host_exporter::sinks {

/// The PushSink settings for `rw`: `password` (basic auth with rw.username)
/// and `bearer_token` already resolved; `external_labels` are added to every
/// series that lacks them.
PushSinkOptions RemoteWriteSinkOptions(const RemoteWriteConfig& rw,
                                       const std::string& password,
                                       const std::string& bearer_token,
                                       LabelPairs external_labels);

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_REMOTE_WRITE_SINK_H_
