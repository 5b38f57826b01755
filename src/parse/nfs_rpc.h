// Parsers for the kernel's NFS RPC statistics: /proc/net/rpc/nfs (client)
// and /proc/net/rpc/nfsd (server), with node_exporter 1.5's rules (procfs
// nfs package): a line is "<key> <unsigned>...", and the procedure lines
// start with their own value count.
#ifndef HOST_EXPORTER_PARSE_NFS_RPC_H_
#define HOST_EXPORTER_PARSE_NFS_RPC_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Procedure names of the "proc2" line, in kernel order.
inline constexpr std::array<std::string_view, 18> kNfsV2ProcNames = {
    "Null", "GetAttr", "SetAttr", "Root",   "Lookup",  "ReadLink",
    "Read", "WrCache", "Write",   "Create", "Remove",  "Rename",
    "Link", "SymLink", "MkDir",   "RmDir",  "ReadDir", "FsStat"};

/// Procedure names of the "proc3" line, in kernel order.
inline constexpr std::array<std::string_view, 22> kNfsV3ProcNames = {
    "Null",   "GetAttr", "SetAttr",  "Lookup", "Access",  "ReadLink",
    "Read",   "Write",   "Create",   "MkDir",  "SymLink", "MkNod",
    "Remove", "RmDir",   "Rename",   "Link",   "ReadDir", "ReadDirPlus",
    "FsStat", "FsInfo",  "PathConf", "Commit"};

/// The client "proc4" values node_exporter 1.5 knows, in the order procfs
/// maps them (older kernels print fewer: the rest read as 0).
inline constexpr std::array<std::string_view, 59> kNfsClientV4ProcNames = {
    "Null",
    "Read",
    "Write",
    "Commit",
    "Open",
    "OpenConfirm",
    "OpenNoattr",
    "OpenDowngrade",
    "Close",
    "Setattr",
    "FsInfo",
    "Renew",
    "SetClientID",
    "SetClientIDConfirm",
    "Lock",
    "Lockt",
    "Locku",
    "Access",
    "Getattr",
    "Lookup",
    "LookupRoot",
    "Remove",
    "Rename",
    "Link",
    "Symlink",
    "Create",
    "Pathconf",
    "StatFs",
    "ReadLink",
    "ReadDir",
    "ServerCaps",
    "DelegReturn",
    "GetACL",
    "SetACL",
    "FsLocations",
    "ReleaseLockowner",
    "Secinfo",
    "FsidPresent",
    "ExchangeID",
    "CreateSession",
    "DestroySession",
    "Sequence",
    "GetLeaseTime",
    "ReclaimComplete",
    "LayoutGet",
    "GetDeviceInfo",
    "LayoutCommit",
    "LayoutReturn",
    "SecinfoNoName",
    "TestStateID",
    "FreeStateID",
    "GetDeviceList",
    "BindConnToSession",
    "DestroyClientID",
    "Seek",
    "Allocate",
    "DeAllocate",
    "LayoutStats",
    "Clone"};

/// The server "proc4ops" values node_exporter 1.5 knows, in the order its
/// procfs maps them. This is the kernel's operation order up to SetAttr
/// (op 34); procfs 0.8 then skips SETCLIENTID and SETCLIENTID_CONFIRM, so
/// its Verify, Write and RelLockOwner read ops 35, 36 and 37. Kept as is for
/// parity with node_exporter 1.5.
inline constexpr std::array<std::string_view, 38> kNfsdV4OpNames = {
    "Op0Unused",   "Op1Unused",  "Op2Future",   "Access",      "Close",
    "Commit",      "Create",     "DelegPurge",  "DelegReturn", "GetAttr",
    "GetFH",       "Link",       "Lock",        "Lockt",       "Locku",
    "Lookup",      "LookupRoot", "Nverify",     "Open",        "OpenAttr",
    "OpenConfirm", "OpenDgrd",   "PutFH",       "PutPubFH",    "PutRootFH",
    "Read",        "ReadDir",    "ReadLink",    "Remove",      "Rename",
    "Renew",       "RestoreFH",  "SaveFH",      "SecInfo",     "SetAttr",
    "Verify",      "Write",      "RelLockOwner"};

/// The same for node_exporter 1.9 (procfs 0.15): the kernel's order, with
/// SetClientID and SetClientIDConfirm (ops 35 and 36).
inline constexpr std::array<std::string_view, 40> kNfsdV4OpNames19 = {
    "Op0Unused",
    "Op1Unused",
    "Op2Future",
    "Access",
    "Close",
    "Commit",
    "Create",
    "DelegPurge",
    "DelegReturn",
    "GetAttr",
    "GetFH",
    "Link",
    "Lock",
    "Lockt",
    "Locku",
    "Lookup",
    "LookupRoot",
    "Nverify",
    "Open",
    "OpenAttr",
    "OpenConfirm",
    "OpenDgrd",
    "PutFH",
    "PutPubFH",
    "PutRootFH",
    "Read",
    "ReadDir",
    "ReadLink",
    "Remove",
    "Rename",
    "Renew",
    "RestoreFH",
    "SaveFH",
    "SecInfo",
    "SetAttr",
    "SetClientID",
    "SetClientIDConfirm",
    "Verify",
    "Write",
    "RelLockOwner"};

/// The "net" line.
struct NfsNetwork {
  uint64_t net_count = 0, udp_count = 0, tcp_count = 0, tcp_connect = 0;
};

/// Everything in /proc/net/rpc/nfs. Absent lines read as 0.
struct NfsClientStats {
  NfsNetwork network;
  uint64_t rpc_count = 0, retransmissions = 0, auth_refreshes = 0;
  std::array<uint64_t, kNfsV2ProcNames.size()> v2{};
  std::array<uint64_t, kNfsV3ProcNames.size()> v3{};
  std::array<uint64_t, kNfsClientV4ProcNames.size()> v4{};
};

/// Everything in /proc/net/rpc/nfsd. Absent lines read as 0 (kernels since
/// 5.x no longer print "ra").
struct NfsServerStats {
  uint64_t rc_hits = 0, rc_misses = 0, rc_nocache = 0;  ///< "rc"
  uint64_t fh_stale = 0;                                ///< "fh", 1st value
  uint64_t io_read = 0, io_write = 0;                   ///< "io"
  uint64_t threads = 0;                                 ///< "th", 1st value
  uint64_t ra_cache_size = 0, ra_not_found = 0;         ///< "ra" 1st and 12th
  NfsNetwork network;
  uint64_t rpc_count = 0, rpc_bad_count = 0, rpc_bad_fmt = 0, rpc_bad_auth = 0,
           rpc_bad_client = 0;  ///< "rpc"
  std::array<uint64_t, kNfsV2ProcNames.size()> v2{};
  std::array<uint64_t, kNfsV3ProcNames.size()> v3{};
  uint64_t v4_null = 0, v4_compound = 0;  ///< "proc4"
  /// proc4ops values 0-39 (a v4.0 server prints 0-38: the last reads 0).
  std::array<uint64_t, kNfsdV4OpNames19.size()> v4_ops{};
  uint64_t wdeleg_getattr = 0;  ///< "wdeleg_getattr" (Linux 6.6)
};

/// Parses /proc/net/rpc/nfs. A line with no value, a value that is not an
/// unsigned 64-bit number or a line with the wrong number of values is an
/// error naming the line; lines with unknown keys are skipped.
Result<NfsClientStats> ParseNfsClientStats(std::string_view text);

/// Parses /proc/net/rpc/nfsd, with the rules of ParseNfsClientStats. Only
/// the first two values of "th" are read (the rest are a histogram of
/// decimals on old kernels).
Result<NfsServerStats> ParseNfsServerStats(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_NFS_RPC_H_
