// supervisord's XML-RPC interface: the request for
// supervisor.getAllProcessInfo and its answer (an HTTP response whose body
// is an XML-RPC methodResponse, read with libexpat).
#ifndef HOST_EXPORTER_PARSE_SUPERVISORD_H_
#define HOST_EXPORTER_PARSE_SUPERVISORD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The HTTP/1.0 POST of an XML-RPC call of `method` (no parameters) to
/// `path` on `host` (the Host header's value).
std::string BuildXmlRpcRequest(std::string_view host, std::string_view path,
                               std::string_view method);

/// An HTTP response's body, if its status is 200; else an error with the
/// status line. The body ends at Content-Length when the header is there,
/// else at the end of `response`; chunked transfer coding is decoded.
Result<std::string> HttpResponseBody(std::string_view response);

/// One process of supervisor.getAllProcessInfo (the members
/// node_exporter reads; a member that is missing is 0 or "").
struct SupervisordProcess {
  std::string name;
  std::string group;
  int64_t state = 0;  ///< 0 STOPPED, 10 STARTING, 20 RUNNING, ...
  std::string statename;
  int64_t start = 0;  ///< Unix seconds
  int64_t exitstatus = 0;
  int64_t pid = 0;
};

/// Parses the XML-RPC methodResponse of getAllProcessInfo: an array of
/// structs. A fault is an error with its faultString and faultCode; so are
/// malformed XML (with its line) and any other shape.
Result<std::vector<SupervisordProcess>> ParseProcessInfo(std::string_view xml);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SUPERVISORD_H_
