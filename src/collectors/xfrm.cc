// xfrm: node_xfrm_*_packets_total from /proc/net/xfrm_stat (node_exporter
// 1.9, default off; the file exists with CONFIG_XFRM_STATISTICS). Every
// counter node_exporter knows is output, 0 when the file lacks it, as there.
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/xfrm_stat.h"

namespace host_exporter::collectors::xfrm {
namespace {

struct Counter {
  std::string_view key;  // the kernel's name
  const char* name;
  const char* help;
};

constexpr Counter kCounters[] = {
    {"XfrmInError", "node_xfrm_in_error_packets_total",
     "All errors not matched by other"},
    {"XfrmInBufferError", "node_xfrm_in_buffer_error_packets_total",
     "No buffer is left"},
    {"XfrmInHdrError", "node_xfrm_in_hdr_error_packets_total", "Header error"},
    {"XfrmInNoStates", "node_xfrm_in_no_states_packets_total",
     "No state is found i.e. Either inbound SPI, address, or IPsec protocol at "
     "SA is wrong"},
    {"XfrmInStateProtoError", "node_xfrm_in_state_proto_error_packets_total",
     "Transformation protocol specific error e.g. SA key is wrong"},
    {"XfrmInStateModeError", "node_xfrm_in_state_mode_error_packets_total",
     "Transformation mode specific error"},
    {"XfrmInStateSeqError", "node_xfrm_in_state_seq_error_packets_total",
     "Sequence error i.e. Sequence number is out of window"},
    {"XfrmInStateExpired", "node_xfrm_in_state_expired_packets_total",
     "State is expired"},
    {"XfrmInStateMismatch", "node_xfrm_in_state_mismatch_packets_total",
     "State has mismatch option e.g. UDP encapsulation type is mismatch"},
    {"XfrmInStateInvalid", "node_xfrm_in_state_invalid_packets_total",
     "State is invalid"},
    {"XfrmInTmplMismatch", "node_xfrm_in_tmpl_mismatch_packets_total",
     "No matching template for states e.g. Inbound SAs are correct but SP rule "
     "is wrong"},
    {"XfrmInNoPols", "node_xfrm_in_no_pols_packets_total",
     "No policy is found for states e.g. Inbound SAs are correct but no SP is "
     "found"},
    {"XfrmInPolBlock", "node_xfrm_in_pol_block_packets_total",
     "Policy discards"},
    {"XfrmInPolError", "node_xfrm_in_pol_error_packets_total", "Policy error"},
    {"XfrmOutError", "node_xfrm_out_error_packets_total",
     "All errors which is not matched others"},
    {"XfrmOutBundleGenError", "node_xfrm_out_bundle_gen_error_packets_total",
     "Bundle generation error"},
    {"XfrmOutBundleCheckError",
     "node_xfrm_out_bundle_check_error_packets_total", "Bundle check error"},
    {"XfrmOutNoStates", "node_xfrm_out_no_states_packets_total",
     "No state is found"},
    {"XfrmOutStateProtoError", "node_xfrm_out_state_proto_error_packets_total",
     "Transformation protocol specific error"},
    {"XfrmOutStateModeError", "node_xfrm_out_state_mode_error_packets_total",
     "Transformation mode specific error"},
    {"XfrmOutStateSeqError", "node_xfrm_out_state_seq_error_packets_total",
     "Sequence error i.e. Sequence number overflow"},
    {"XfrmOutStateExpired", "node_xfrm_out_state_expired_packets_total",
     "State is expired"},
    {"XfrmOutPolBlock", "node_xfrm_out_pol_block_packets_total",
     "Policy discards"},
    {"XfrmOutPolDead", "node_xfrm_out_pol_dead_packets_total",
     "Policy is dead"},
    {"XfrmOutPolError", "node_xfrm_out_pol_error_packets_total",
     "Policy error"},
    {"XfrmFwdHdrError", "node_xfrm_fwd_hdr_error_packets_total",
     "Forward routing of a packet is not allowed"},
    {"XfrmOutStateInvalid", "node_xfrm_out_state_invalid_packets_total",
     "State is invalid, perhaps expired"},
    {"XfrmAcquireError", "node_xfrm_acquire_error_packets_total",
     "State hasn’t been fully acquired before use"},
};

class XfrmCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("net/xfrm_stat");
    const auto stat = Unwrap(parse::ParseXfrmStat(ReadFile(path)), path);
    FamilySet out;
    for (const Counter& c : kCounters) {
      auto it = stat.find(c.key);
      out.Counter(c.name, c.help)
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
