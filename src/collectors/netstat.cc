// netstat: node_netstat_<Protocol>_<Name> (untyped) for the protocol
// counters of /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6 whose
// "<Protocol>_<Name>" matches --collector.netstat.fields, as node_exporter
// exposes them (1.9's default fields add TcpExt_TCPOFOQueue and
// TcpExt_TCPRcvQDrop to 1.5's). /proc/net/snmp6 is absent when IPv6 is
// disabled; the other two are required.
#include "parse/netstat.h"

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
// grouped by protocol.
std::vector<UntypedField> ReadNetstat(const HostPaths& paths) {
  const std::string netstat_path = paths.Proc("net/netstat");
  const std::string snmp_path = paths.Proc("net/snmp");
  const std::string snmp6_path = paths.Proc("net/snmp6");
  parse::NetStats stats =
      Unwrap(parse::ParseNetstat(ReadFile(netstat_path)), netstat_path);
  // Merged by protocol, a later file's protocol replacing an earlier one
  // of the same name (node_exporter's map merge; the names never clash).
  for (auto& [protocol, values] :
       Unwrap(parse::ParseNetstat(ReadFile(snmp_path)), snmp_path)) {
    stats[protocol] = std::move(values);
  }
  if (auto snmp6 = ReadFileIfExists(snmp6_path)) {
    for (auto& [protocol, values] :
         Unwrap(parse::ParseSnmp6(*snmp6), snmp6_path)) {
      stats[protocol] = std::move(values);
    }
  }
  std::vector<UntypedField> out;
  for (const auto& [protocol, values] : stats) {
    for (const auto& [name, value] : values) {
      out.push_back({protocol, name, value});
    }
  }
  return out;
}

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
                ReadNetstat,
                [](const std::string& protocol, const std::string& name) {
                  return "Statistic " + protocol + name + ".";
                });
          }};
}

}  // namespace host_exporter::collectors::netstat
