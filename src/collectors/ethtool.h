// Internal interface of the ethtool collector, so tests can replace the
// SIOCETHTOOL ioctls with a fake network card.
#ifndef HOST_EXPORTER_COLLECTORS_ETHTOOL_H_
#define HOST_EXPORTER_COLLECTORS_ETHTOOL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "host_exporter/collector.h"

namespace host_exporter {

/// What ETHTOOL_GDRVINFO reports about a device.
struct EthtoolDriverInfo {
  std::string driver, version, fw_version, bus_info, erom_version;
};

/// What the legacy ETHTOOL_GSET reports (the first 32 link mode bits).
struct EthtoolLinkInfo {
  uint32_t supported = 0;    ///< ETHTOOL_LINK_MODE_* bits the port supports
  uint32_t advertising = 0;  ///< bits it advertises
  uint8_t autoneg = 0;       ///< AUTONEG_ENABLE (1) or AUTONEG_DISABLE (0)
};

/// The three ethtool queries node_exporter makes per device. Each returns 0
/// or an errno value (EOPNOTSUPP when the driver lacks the operation).
class EthtoolSource {
 public:
  virtual ~EthtoolSource() = default;
  virtual int LinkInfo(const std::string& device, EthtoolLinkInfo* out) = 0;
  virtual int DriverInfo(const std::string& device, EthtoolDriverInfo* out) = 0;
  /// Driver statistics by name (a name given twice keeps its last value).
  virtual int Stats(const std::string& device,
                    std::map<std::string, uint64_t>* out) = 0;
};

/// Makes the source; called once, on the first collection.
using EthtoolSourceFactory = std::function<std::unique_ptr<EthtoolSource>()>;

/// The real source: SIOCETHTOOL on an AF_INET datagram socket. Throws
/// CollectError if the socket cannot be created.
std::unique_ptr<EthtoolSource> NewIoctlEthtoolSource();

/// Creates the ethtool collector. Devices are the non-file entries of
/// <sysfs>/class/net. Throws std::invalid_argument naming the flag for a bad
/// regular expression.
std::unique_ptr<Collector> NewEthtoolCollector(const CollectorOptions& options,
                                               EthtoolSourceFactory factory);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_ETHTOOL_H_
