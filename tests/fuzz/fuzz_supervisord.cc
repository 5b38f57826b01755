// Fuzzes parse::HttpResponseBody and parse::ParseProcessInfo (libexpat
// underneath): the body is never longer than the response, and the XML-RPC
// reader fails with a message or returns processes.
#include "fuzz_util.h"
#include "parse/supervisord.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto body = hp::HttpResponseBody(text);
  hf::CheckResult(body, text);
  if (body.ok()) FUZZ_CHECK(body.value.size() <= size);
  auto processes = hp::ParseProcessInfo(body.ok() ? body.value : text);
  hf::CheckResult(processes, text);
  if (processes.ok()) FUZZ_CHECK(processes.value.size() <= size);
  return 0;
}
