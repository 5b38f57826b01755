// netstat: node_netstat_<Protocol>_<Name> (untyped) for the protocol
// counters of /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6 whose
// "<Protocol>_<Name>" matches --collector.netstat.fields, as node_exporter
// exposes them (1.9's default fields add TcpExt_TCPOFOQueue and
// TcpExt_TCPRcvQDrop to 1.5's). /proc/net/snmp6 is absent when IPv6 is
// disabled; the other two are required.
#include "parse/netstat.h"

#include <string>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::netstat {
namespace {

constexpr char kFields[] = "collector.netstat.fields";
constexpr char kDefaultFields[] =
    "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|"
    "Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|"
    "TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|Tcp_(ActiveOpens|InSegs|OutSegs|"
    "OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|"
    "OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$";
// node_exporter 1.5's default (--compat.node-exporter=1.5).
constexpr char kDefaultFields15[] =
    "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|"
    "Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|"
    "TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|"
    "RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|"
    "RcvbufErrors|SndbufErrors))$";

// The counters of /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6,
// viewed in their contents, which it keeps until the next cycle. A later
// file's protocol replaces an earlier one of the same name (node_exporter's
// map merge; the names never clash).
class NetstatFiles {
 public:
  void operator()(const HostPaths& paths, std::vector<UntypedField>* out) {
    const std::string netstat_path = paths.Proc("net/netstat");
    const std::string snmp_path = paths.Proc("net/snmp");
    const std::string snmp6_path = paths.Proc("net/snmp6");
    netstat_ = ReadFile(netstat_path);
    ThrowParseError(parse::ParseNetstat(netstat_, out), netstat_path);
    snmp_ = ReadFile(snmp_path);
    ThrowParseError(parse::ParseNetstat(snmp_, out), snmp_path);
    if (auto snmp6 = ReadFileIfExists(snmp6_path)) {
      snmp6_ = std::move(*snmp6);
      ThrowParseError(parse::ParseSnmp6(snmp6_, out), snmp6_path);
    }
  }

 private:
  std::string netstat_;
  std::string snmp_;
  std::string snmp6_;
};

}  // namespace

CollectorSpec Spec() {
  return {"netstat",
          true,
          "Exposes network statistics from /proc/net/netstat.",
          {{kFields, kDefaultFields,
            "Regexp of fields to return for netstat collector."}},
          [](const CollectorOptions& o) {
            return UntypedFieldsCollector(
                "node_netstat_",
                Filter(kFields,
                       o.GetCompat(kFields, kDefaultFields, kDefaultFields15)),
                NetstatFiles(),
                [](std::string_view protocol, std::string_view name) {
                  return std::string("Statistic ")
                      .append(protocol)
                      .append(name)
                      .append(".");
                },
                RepeatedKey::kLast);
          }};
}

}  // namespace host_exporter::collectors::netstat
