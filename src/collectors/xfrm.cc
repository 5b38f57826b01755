// xfrm: node_xfrm_*_packets_total from /proc/net/xfrm_stat (node_exporter
// 1.9, default off; the file exists with CONFIG_XFRM_STATISTICS). Every
// counter node_exporter knows is output, 0 when the file lacks it, as there.
#include <string>
#include <string_view>
#include <utility>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/xfrm_stat.h"

namespace host_exporter::collectors::xfrm {
namespace {

// The kernel's names of the counters (/proc/net/xfrm_stat) and their help.
// A counter's family is the name after "Xfrm" in snake case:
// XfrmInHdrError -> node_xfrm_in_hdr_error_packets_total.
constexpr std::pair<const char*, const char*> kCounters[] = {
    {"XfrmInError", "All errors not matched by other"},
    {"XfrmInBufferError", "No buffer is left"},
    {"XfrmInHdrError", "Header error"},
    {"XfrmInNoStates",
     "No state is found i.e. Either inbound SPI, address, or IPsec protocol at "
     "SA is wrong"},
    {"XfrmInStateProtoError",
     "Transformation protocol specific error e.g. SA key is wrong"},
    {"XfrmInStateModeError", "Transformation mode specific error"},
    {"XfrmInStateSeqError",
     "Sequence error i.e. Sequence number is out of window"},
    {"XfrmInStateExpired", "State is expired"},
    {"XfrmInStateMismatch",
     "State has mismatch option e.g. UDP encapsulation type is mismatch"},
    {"XfrmInStateInvalid", "State is invalid"},
    {"XfrmInTmplMismatch",
     "No matching template for states e.g. Inbound SAs are correct but SP rule "
     "is wrong"},
    {"XfrmInNoPols",
     "No policy is found for states e.g. Inbound SAs are correct but no SP is "
     "found"},
    {"XfrmInPolBlock", "Policy discards"},
    {"XfrmInPolError", "Policy error"},
    {"XfrmOutError", "All errors which is not matched others"},
    {"XfrmOutBundleGenError", "Bundle generation error"},
    {"XfrmOutBundleCheckError", "Bundle check error"},
    {"XfrmOutNoStates", "No state is found"},
    {"XfrmOutStateProtoError", "Transformation protocol specific error"},
    {"XfrmOutStateModeError", "Transformation mode specific error"},
    {"XfrmOutStateSeqError", "Sequence error i.e. Sequence number overflow"},
    {"XfrmOutStateExpired", "State is expired"},
    {"XfrmOutPolBlock", "Policy discards"},
    {"XfrmOutPolDead", "Policy is dead"},
    {"XfrmOutPolError", "Policy error"},
    {"XfrmFwdHdrError", "Forward routing of a packet is not allowed"},
    {"XfrmOutStateInvalid", "State is invalid, perhaps expired"},
    {"XfrmAcquireError", "State hasn’t been fully acquired before use"},
};

std::string FamilyName(std::string_view key) {
  std::string name = "node_xfrm";
  for (char c : key.substr(4)) {  // after "Xfrm"
    if (c >= 'A' && c <= 'Z') {
      name += '_';
      c = static_cast<char>(c - 'A' + 'a');
    }
    name += c;
  }
  return name + "_packets_total";
}

class XfrmCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("net/xfrm_stat");
    const auto stat = Unwrap(parse::ParseXfrmStat(ReadFile(path)), path);
    FamilySet out;
    for (const auto& [key, help] : kCounters) {
      auto it = stat.find(key);
      out.Counter(FamilyName(key), help)
          .Add(it == stat.end() ? 0.0 : ToDouble(it->second));
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"xfrm",
          false,
          "Exposes statistics from /proc/net/xfrm_stat.",
          {},
          &MakeCollector<XfrmCollector>};
}

}  // namespace host_exporter::collectors::xfrm
