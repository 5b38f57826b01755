// Internal interface of the timex collector, so tests can replace adjtimex(2)
// with a fixed struct timex.
#ifndef HOST_EXPORTER_COLLECTORS_TIMEX_H_
#define HOST_EXPORTER_COLLECTORS_TIMEX_H_

#include <sys/timex.h>

#include <functional>
#include <memory>

#include "host_exporter/collector.h"

namespace host_exporter {

/// Reads the kernel clock state into *tx (tx->modes is 0: nothing is
/// changed). Returns the clock state (TIME_OK ... TIME_ERROR) or a negative
/// errno value.
using AdjtimexFunc = std::function<int(struct timex* tx)>;

/// The real adjtimex(2).
int SystemAdjtimex(struct timex* tx);

/// Creates the timex collector around `adjtimex`. A permission error gives
/// no series (as node_exporter's "no data"); any other error throws.
std::unique_ptr<Collector> NewTimexCollector(AdjtimexFunc adjtimex);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_TIMEX_H_
