#!/usr/bin/env python3
"""The Grafana dashboard of host_exporter: the one source of both variants.

    grafana/dashboard.py generate   writes the two variants below
    grafana/dashboard.py check      exits 1 (with a diff) if they are stale

Variants (same panels, same queries):
  grafana/host_exporter.json                                   import variant:
      Dashboards -> New -> Import; `__inputs` asks for the Prometheus data source.
  grafana/provisioning/dashboards/host_exporter/host_exporter.json
      provisioning variant: no `__inputs`, the data source variable picks the
      default Prometheus data source; loaded by provisioning/dashboards/host_exporter.yml.

Metric names are node_exporter 1.5's, so the dashboard works for node_exporter
too. Every query is filtered by the `job` and `instance` variables, every rate
uses $__rate_interval (at least four scrape intervals: works at 15 s and 60 s
scrape intervals when the data source's scrape interval is set).
"""
import copy
import difflib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
IMPORT_PATH = os.path.join(HERE, "host_exporter.json")
PROVISIONING_PATH = os.path.join(HERE, "provisioning", "dashboards", "host_exporter",
                                 "host_exporter.json")

UID = "host-exporter"
TITLE = "Hosts (host_exporter)"
SCHEMA_VERSION = 39  # Grafana 10.4 / 11; newer Grafana migrates on load.
DS = {"type": "prometheus", "uid": "${datasource}"}

# Selectors every query uses.
SEL = 'job="$job",instance=~"$instance"'
# File systems worth showing: not pseudo, not read-only images (the same
# ones alerts.yml watches; tmpfs stays: a full /run breaks a host too).
FS = SEL + ',fstype!~"rootfs|ramfs|squashfs|iso9660|nsfs|overlay|autofs"'
NET = SEL + ',device!="lo"'
# Cgroups worth ranking: the units, not the slices that add them up.
UNIT = SEL + r',cgroup!~".*\\.slice"'
RI = "$__rate_interval"
# CPUs of an instance, for dividing.
NCPU = 'count without (cpu, mode) (node_cpu_seconds_total{%s,mode="idle"})' % SEL

GREEN, ORANGE, RED, BLUE, TEXT = "green", "orange", "red", "blue", "text"


def thresholds(*steps, base=GREEN):
    """Absolute thresholds: base colour, then (value, colour) pairs."""
    return {"mode": "absolute",
            "steps": [{"color": base, "value": None}] +
                     [{"color": c, "value": v} for v, c in steps]}


NEUTRAL = thresholds(base=GREEN)


class Layout:
    """Assigns panel ids and grid positions row by row (24 columns)."""

    def __init__(self):
        self.panels = []
        self.next_id = 1
        self.x = 0
        self.y = 0
        self.row_h = 0

    def _id(self):
        i = self.next_id
        self.next_id += 1
        return i

    def row(self, title):
        self.newline()
        self.panels.append({"type": "row", "title": title, "id": self._id(),
                            "collapsed": False, "panels": [],
                            "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}})
        self.y += 1

    def newline(self):
        if self.x:
            self.y += self.row_h
            self.x = 0
            self.row_h = 0

    def add(self, panel, w, h):
        if self.x + w > 24:
            self.newline()
        panel["id"] = self._id()
        panel["gridPos"] = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.x += w
        self.row_h = max(self.row_h, h)
        if self.x == 24:
            self.newline()
        self.panels.append(panel)


def target(expr, legend, ref, instant=False, fmt="time_series"):
    t = {"datasource": DS, "editorMode": "code", "expr": expr, "legendFormat": legend,
         "refId": ref, "range": not instant, "instant": instant, "format": fmt}
    return t


def targets(queries, instant=False, fmt="time_series"):
    return [target(e, l, chr(ord("A") + i), instant, fmt) for i, (e, l) in enumerate(queries)]


def with_optional(d, **keys):
    """`d` with each of `keys` whose value is not None added, in order."""
    for k, v in keys.items():
        if v is not None:
            d[k] = v
    return d


def panel(kind, title, description, defaults, options, tgts, overrides=None, **extra):
    """The fields every panel has, in Grafana's order; `extra` goes before
    the targets."""
    p = {"type": kind, "title": title, "description": description, "datasource": DS,
         "fieldConfig": {"defaults": defaults, "overrides": overrides or []},
         "options": options}
    p.update(extra)
    p["targets"] = tgts
    return p


def reduce_last():
    return {"calcs": ["lastNotNull"], "fields": "", "values": False}


def timeseries(title, description, queries, unit, th=NEUTRAL, *, min=None, max=None,
               stack=False, fill=10, negative=None, th_style="off", decimals=None,
               draw="line", legend_table=False, overrides=None):
    """A time series panel. `negative`: regex of series drawn below the axis
    (transmit/write), so in and out read apart."""
    defaults = {
        "unit": unit,
        "color": {"mode": "palette-classic"},
        "thresholds": th,
        "custom": {
            "drawStyle": draw, "lineWidth": 1, "fillOpacity": fill,
            "gradientMode": "none", "showPoints": "never", "pointSize": 4,
            "lineInterpolation": "linear", "spanNulls": False,
            "axisPlacement": "auto", "axisLabel": "", "axisCenteredZero": False,
            "axisBorderShow": False, "barAlignment": 0,
            "scaleDistribution": {"type": "linear"},
            "stacking": {"mode": "normal" if stack else "none", "group": "A"},
            "thresholdsStyle": {"mode": th_style},
            "hideFrom": {"legend": False, "tooltip": False, "viz": False},
        },
        "mappings": [],
    }
    with_optional(defaults, min=min, max=max, decimals=decimals)
    ov = list(overrides or [])
    if negative:
        ov.append({"matcher": {"id": "byRegexp", "options": negative},
                   "properties": [{"id": "custom.transform", "value": "negative-Y"}]})
    legend = {"showLegend": True, "placement": "bottom",
              "displayMode": "table" if legend_table else "list",
              "calcs": ["mean", "max", "lastNotNull"] if legend_table else []}
    return panel("timeseries", title, description, defaults,
                 {"legend": legend, "tooltip": {"mode": "multi", "sort": "desc"}},
                 targets(queries), ov)


def stat(title, description, queries, unit, th, *, mappings=None, decimals=None,
         color_mode="background", instant=True, text_mode="auto", min=None, max=None,
         graph="none"):
    defaults = with_optional(
        {"unit": unit, "thresholds": th, "color": {"mode": "thresholds"},
         "mappings": mappings or []}, decimals=decimals, min=min, max=max)
    return panel("stat", title, description, defaults, {
        "reduceOptions": reduce_last(),
        "orientation": "auto", "textMode": text_mode, "colorMode": color_mode,
        "graphMode": graph, "justifyMode": "auto", "wideLayout": True,
        "showPercentChange": False, "percentChangeColorMode": "standard",
    }, targets(queries, instant=instant))


def bargauge(title, description, queries, unit, th, *, min=0, max=None):
    defaults = with_optional(
        {"unit": unit, "thresholds": th, "color": {"mode": "thresholds"},
         "min": min, "mappings": []}, max=max)
    return panel("bargauge", title, description, defaults, {
        "reduceOptions": reduce_last(),
        "orientation": "horizontal", "displayMode": "gradient", "valueMode": "color",
        "namePlacement": "auto", "showUnfilled": True, "sizing": "auto",
        "minVizHeight": 16, "minVizWidth": 8, "maxVizHeight": 300,
        "legend": {"showLegend": False, "displayMode": "list", "placement": "bottom",
                   "calcs": []},
    }, targets(queries, instant=True))


def table(title, description, queries, unit, th, *, hide, rename, value_overrides=None,
          sort_by=None):
    """An instant table of label sets; `hide` and `rename` tidy the columns."""
    defaults = {"unit": unit, "thresholds": th, "color": {"mode": "thresholds"},
                "mappings": [],
                "custom": {"align": "auto", "cellOptions": {"type": "auto"},
                           "inspect": False, "filterable": False}}
    return panel("table", title, description, defaults,
                 {"showHeader": True, "frameIndex": 0, "cellHeight": "sm",
                  "sortBy": sort_by or []},
                 targets(queries, instant=True, fmt="table"), value_overrides,
                 transformations=[{"id": "organize", "options": {
                     "excludeByName": {k: True for k in hide}, "renameByName": rename,
                     "indexByName": {}}}])


def value_text(mapping):
    """Value mappings {value: (text, colour)}."""
    return [{"type": "value", "options": {
        str(v): {"text": t, "color": c, "index": i}
        for i, (v, (t, c)) in enumerate(mapping.items())}}]


def panels():
    L = Layout()

    # ---------------------------------------------------------------- overview
    L.row("Overview")
    L.add(stat("Up", "Whether Prometheus's last scrape of the exporter succeeded (the "
               "`up` series).", [("up{%s}" % SEL, "{{instance}}")], "none",
               thresholds((1, GREEN), base=RED),
               mappings=value_text({0: ("DOWN", RED), 1: ("UP", GREEN)})), 2, 4)
    L.add(stat("Uptime", "Time since the host booted. Orange in the first hour after a "
               "reboot.", [("time() - node_boot_time_seconds{%s}" % SEL, "{{instance}}")],
               "dtdurations", thresholds((3600, GREEN), base=ORANGE), decimals=1), 3, 4)
    L.add(stat("CPUs", "Logical CPUs (cores × threads) seen by the kernel.",
               [(NCPU, "{{instance}}")], "none", thresholds(base=BLUE), decimals=0,
               color_mode="value"), 2, 4)
    L.add(stat("Memory", "Total usable RAM (MemTotal).",
               [("node_memory_MemTotal_bytes{%s}" % SEL, "{{instance}}")], "bytes",
               thresholds(base=BLUE), color_mode="value"), 3, 4)
    L.add(stat("CPU busy", "Share of CPU time not idle, averaged over all CPUs.",
               [("100 * (1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{%s,"
                 'mode="idle"}[%s])))' % (SEL, RI), "{{instance}}")], "percent",
               thresholds((80, ORANGE), (95, RED)), decimals=1, min=0, max=100,
               instant=False, graph="area"), 3, 4)
    L.add(stat("Memory used", "RAM in use: 1 − MemAvailable / MemTotal. Page cache that "
               "can be dropped counts as available.",
               [("100 * (1 - node_memory_MemAvailable_bytes{%s} / "
                 "node_memory_MemTotal_bytes{%s})" % (SEL, SEL), "{{instance}}")],
               "percent", thresholds((80, ORANGE), (90, RED)), decimals=1, min=0, max=100,
               instant=False, graph="area"), 3, 4)
    L.add(stat("Root filesystem", "Space used on the file system mounted at /.",
               [("100 * (1 - node_filesystem_avail_bytes{%s,mountpoint=\"/\","
                 "fstype!=\"rootfs\"} / node_filesystem_size_bytes{%s,mountpoint=\"/\","
                 "fstype!=\"rootfs\"})" % (SEL, SEL), "{{instance}}")], "percent",
               thresholds((80, ORANGE), (90, RED)), decimals=1, min=0, max=100), 3, 4)
    L.add(stat("Load per CPU", "5-minute load average divided by the number of CPUs: "
               "above 100 % tasks are waiting for a CPU (or for I/O in D state).",
               [("100 * node_load5{%s} / %s" % (SEL, NCPU), "{{instance}}")], "percent",
               thresholds((80, ORANGE), (100, RED)), decimals=0, instant=False,
               graph="area"), 3, 4)
    L.add(stat("Collector failures", "Collectors whose last run failed "
               "(node_scrape_collector_success = 0). See the Exporter row.",
               [("count without (collector) (node_scrape_collector_success{%s} == 0) or "
                 "count without (collector) (node_scrape_collector_success{%s}) * 0"
                 % (SEL, SEL), "{{instance}}")], "none",
               thresholds((1, RED)), decimals=0), 2, 4)
    L.add(timeseries("CPU busy", "Share of CPU time not idle, per host.",
                     [("100 * (1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{%s,"
                       'mode="idle"}[%s])))' % (SEL, RI), "{{instance}}")], "percent",
                     thresholds((80, ORANGE), (95, RED)), min=0, max=100,
                     th_style="dashed"), 6, 7)
    L.add(timeseries("Memory used", "RAM in use (1 − MemAvailable / MemTotal), per host.",
                     [("100 * (1 - node_memory_MemAvailable_bytes{%s} / "
                       "node_memory_MemTotal_bytes{%s})" % (SEL, SEL), "{{instance}}")],
                     "percent", thresholds((80, ORANGE), (90, RED)), min=0, max=100,
                     th_style="dashed"), 6, 7)
    L.add(timeseries("Disk I/O", "Bytes read (up) and written (down) per second, all "
                     "disks of a host together.",
                     [("sum without (device) (rate(node_disk_read_bytes_total{%s}[%s]))"
                       % (SEL, RI), "{{instance}} read"),
                      ("sum without (device) (rate(node_disk_written_bytes_total{%s}[%s]))"
                       % (SEL, RI), "{{instance}} write")], "Bps", negative=".* write$"), 6, 7)
    L.add(timeseries("Network", "Bits received (up) and sent (down) per second, all "
                     "interfaces but lo together.",
                     [("sum without (device) (rate(node_network_receive_bytes_total{%s}[%s]))"
                       " * 8" % (NET, RI), "{{instance}} receive"),
                      ("sum without (device) (rate(node_network_transmit_bytes_total{%s}[%s]))"
                       " * 8" % (NET, RI), "{{instance}} transmit")], "bps",
                     negative=".* transmit$"), 6, 7)

    # --------------------------------------------------------------------- CPU
    L.row("CPU")
    L.add(timeseries("CPU usage by mode", "Average share of CPU time per mode (idle "
                     "left out): user and system are work, iowait is waiting for disks, "
                     "steal is time a hypervisor gave to another guest.",
                     [("100 * avg without (cpu) (rate(node_cpu_seconds_total{%s,"
                       'mode!="idle"}[%s]))' % (SEL, RI), "{{instance}} {{mode}}")],
                     "percent", thresholds((80, ORANGE), (95, RED)), min=0, stack=True,
                     fill=40, legend_table=True), 12, 8)
    L.add(timeseries("CPU busy per core", "Share of time each CPU was not idle; one hot "
                     "core with idle others points to a single-threaded bottleneck.",
                     [("100 * (1 - rate(node_cpu_seconds_total{%s,mode=\"idle\"}[%s]))"
                       % (SEL, RI), "{{instance}} cpu{{cpu}}")], "percent",
                     thresholds((80, ORANGE), (95, RED)), min=0, max=100, fill=0,
                     legend_table=True), 12, 8)
    L.add(timeseries("Load average", "Runnable plus uninterruptible tasks, averaged "
                     "over 1, 5 and 15 minutes, against the number of CPUs (dashed).",
                     [("node_load1{%s}" % SEL, "{{instance}} 1m"),
                      ("node_load5{%s}" % SEL, "{{instance}} 5m"),
                      ("node_load15{%s}" % SEL, "{{instance}} 15m"),
                      (NCPU, "{{instance}} CPUs")], "short", NEUTRAL, min=0, fill=0,
                     decimals=2, overrides=[{
                         "matcher": {"id": "byRegexp", "options": ".* CPUs$"},
                         "properties": [{"id": "custom.lineStyle",
                                         "value": {"fill": "dash", "dash": [10, 10]}}]}]),
          6, 7)
    L.add(timeseries("CPU iowait", "Share of CPU time idle while disk I/O was pending. "
                     "High values mean the disks, not the CPUs, are the bottleneck.",
                     [("100 * avg without (cpu, mode) (rate(node_cpu_seconds_total{%s,"
                       'mode="iowait"}[%s]))' % (SEL, RI), "{{instance}}")], "percent",
                     thresholds((10, ORANGE), (20, RED)), min=0, th_style="dashed"), 6, 7)
    L.add(timeseries("CPU steal", "Share of time a virtual CPU waited while the "
                     "hypervisor ran something else. Zero on bare metal.",
                     [("100 * avg without (cpu, mode) (rate(node_cpu_seconds_total{%s,"
                       'mode="steal"}[%s]))' % (SEL, RI), "{{instance}}")], "percent",
                     thresholds((5, ORANGE), (10, RED)), min=0, th_style="dashed"), 6, 7)
    L.add(timeseries("CPU pressure", "Pressure stall information: share of time at "
                     "least one runnable task waited for a CPU (/proc/pressure/cpu).",
                     [("rate(node_pressure_cpu_waiting_seconds_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} waiting")], "percentunit",
                     thresholds((0.2, ORANGE), (0.5, RED)), min=0, th_style="dashed"), 6, 7)

    # ------------------------------------------------------------------ memory
    L.row("Memory")
    L.add(timeseries("Memory", "Used is MemTotal − MemAvailable. Cached and buffers are "
                     "mostly reclaimable and so counted in available.",
                     [("node_memory_MemTotal_bytes{%s} - node_memory_MemAvailable_bytes{%s}"
                       % (SEL, SEL), "{{instance}} used"),
                      ("node_memory_MemAvailable_bytes{%s}" % SEL, "{{instance}} available"),
                      ("node_memory_Cached_bytes{%s}" % SEL, "{{instance}} cache"),
                      ("node_memory_Buffers_bytes{%s}" % SEL, "{{instance}} buffers"),
                      ("node_memory_MemFree_bytes{%s}" % SEL, "{{instance}} free"),
                      ("node_memory_MemTotal_bytes{%s}" % SEL, "{{instance}} total")],
                     "bytes", NEUTRAL, min=0, fill=0, legend_table=True, overrides=[{
                         "matcher": {"id": "byRegexp", "options": ".* total$"},
                         "properties": [{"id": "custom.lineStyle",
                                         "value": {"fill": "dash", "dash": [10, 10]}}]}]),
          12, 8)
    L.add(timeseries("Swap", "Swap space in use and configured. Zero total means no swap.",
                     [("node_memory_SwapTotal_bytes{%s} - node_memory_SwapFree_bytes{%s}"
                       % (SEL, SEL), "{{instance}} used"),
                      ("node_memory_SwapTotal_bytes{%s}" % SEL, "{{instance}} total")],
                     "bytes", NEUTRAL, min=0), 6, 8)
    L.add(timeseries("Memory pressure", "Pressure stall information: share of time some "
                     "task (waiting) or all tasks (stalled) waited for memory, e.g. "
                     "reclaim or swap-in (/proc/pressure/memory).",
                     [("rate(node_pressure_memory_waiting_seconds_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} some"),
                      ("rate(node_pressure_memory_stalled_seconds_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} full")], "percentunit",
                     thresholds((0.1, ORANGE), (0.3, RED)), min=0, th_style="dashed"), 6, 8)
    L.add(timeseries("Swap activity", "Pages swapped in (up) and out (down) per second.",
                     [("rate(node_vmstat_pswpin{%s}[%s])" % (SEL, RI), "{{instance}} in"),
                      ("rate(node_vmstat_pswpout{%s}[%s])" % (SEL, RI), "{{instance}} out")],
                     "suffix: pages/s", NEUTRAL, negative=".* out$"), 8, 7)
    L.add(timeseries("Major page faults", "Page faults that needed disk I/O, per second.",
                     [("rate(node_vmstat_pgmajfault{%s}[%s])" % (SEL, RI), "{{instance}}")],
                     "suffix: faults/s", thresholds((100, ORANGE), (1000, RED)), min=0),
          8, 7)
    L.add(timeseries("OOM kills", "Processes the kernel's out-of-memory killer ended.",
                     [("increase(node_vmstat_oom_kill{%s}[%s])" % (SEL, RI), "{{instance}}")],
                     "short", thresholds((1, RED)), min=0, decimals=0, draw="bars",
                     fill=80), 8, 7)

    # ----------------------------------------------------------------- disk I/O
    L.row("Disk I/O")
    L.add(timeseries("Disk throughput", "Bytes read (up) and written (down) per second, "
                     "per device.",
                     [("rate(node_disk_read_bytes_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} {{device}} read"),
                      ("rate(node_disk_written_bytes_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} {{device}} write")], "Bps", NEUTRAL,
                     negative=".* write$", legend_table=True), 12, 8)
    L.add(timeseries("Disk IOPS", "Reads (up) and writes (down) completed per second, "
                     "per device.",
                     [("rate(node_disk_reads_completed_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} {{device}} read"),
                      ("rate(node_disk_writes_completed_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} {{device}} write")], "iops", NEUTRAL,
                     negative=".* write$", legend_table=True), 12, 8)
    L.add(timeseries("Disk latency", "Average time a read or a write took, queueing "
                     "included. Empty while a device does no I/O.",
                     [("rate(node_disk_read_time_seconds_total{%s}[%s]) / "
                       "rate(node_disk_reads_completed_total{%s}[%s])" % (SEL, RI, SEL, RI),
                       "{{instance}} {{device}} read"),
                      ("rate(node_disk_write_time_seconds_total{%s}[%s]) / "
                       "rate(node_disk_writes_completed_total{%s}[%s])" % (SEL, RI, SEL, RI),
                       "{{instance}} {{device}} write")], "s",
                     thresholds((0.05, ORANGE), (0.2, RED)), min=0, th_style="dashed"), 8, 7)
    L.add(timeseries("Disk utilisation", "Share of time the device had I/O in flight. "
                     "Near 100 % a spinning disk is saturated; SSDs and RAID serve "
                     "requests in parallel and can go further.",
                     [("rate(node_disk_io_time_seconds_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} {{device}}")], "percentunit",
                     thresholds((0.8, ORANGE), (0.95, RED)), min=0, max=1,
                     th_style="dashed"), 8, 7)
    L.add(timeseries("Disk queue", "Average number of requests in flight (weighted I/O "
                     "time per second).",
                     [("rate(node_disk_io_time_weighted_seconds_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} {{device}}")], "short", thresholds((4, ORANGE)),
                     min=0, decimals=2), 8, 7)

    # --------------------------------------------------------------- filesystem
    L.row("Filesystem")
    L.add(bargauge("Filesystem fill", "Space used per mount point (1 − avail / size; "
                   "avail excludes the root-reserved blocks).",
                   [("100 * (1 - node_filesystem_avail_bytes{%s} / "
                     "node_filesystem_size_bytes{%s})" % (FS, FS),
                     "{{instance}} {{mountpoint}}")], "percent",
                   thresholds((80, ORANGE), (90, RED)), max=100), 12, 8)
    L.add(bargauge("Fill predicted in 24 h", "Where each file system will be in 24 hours "
                   "if it keeps the trend of the last 6 hours (predict_linear). Above "
                   "100 % it will be full within a day.",
                   [("100 * (1 - predict_linear(node_filesystem_avail_bytes{%s}[6h], 86400)"
                     " / node_filesystem_size_bytes{%s})" % (FS, FS),
                     "{{instance}} {{mountpoint}}")], "percent",
                   thresholds((90, ORANGE), (100, RED)), max=100), 12, 8)
    L.add(timeseries("Filesystem fill over time", "Space used per mount point.",
                     [("100 * (1 - node_filesystem_avail_bytes{%s} / "
                       "node_filesystem_size_bytes{%s})" % (FS, FS),
                       "{{instance}} {{mountpoint}}")], "percent",
                     thresholds((80, ORANGE), (90, RED)), min=0, max=100, fill=0), 8, 7)
    L.add(timeseries("Inodes used", "Share of inodes (files) in use per mount point; "
                     "a file system can be full of small files with space left.",
                     [("100 * (1 - node_filesystem_files_free{%s} / "
                       "(node_filesystem_files{%s} > 0))" % (FS, FS),
                       "{{instance}} {{mountpoint}}")], "percent",
                     thresholds((80, ORANGE), (90, RED)), min=0, max=100, fill=0), 8, 7)
    L.add(stat("Read-only", "Mount points mounted read-only. A file system that turns "
               "read-only by itself usually hit an I/O error (errors=remount-ro).",
               [("node_filesystem_readonly{%s}" % FS, "{{instance}} {{mountpoint}}")],
               "none", thresholds((1, RED)),
               mappings=value_text({0: ("rw", GREEN), 1: ("read-only", RED)}),
               text_mode="value_and_name"), 4, 7)
    L.add(stat("Device errors", "Mount points whose statfs() failed or timed out at "
               "the last collection (e.g. a hung NFS server).",
               [("node_filesystem_device_error{%s}" % FS, "{{instance}} {{mountpoint}}")],
               "none", thresholds((1, RED)),
               mappings=value_text({0: ("ok", GREEN), 1: ("error", RED)}),
               text_mode="value_and_name"), 4, 7)

    # ------------------------------------------------------------------ network
    L.row("Network")
    L.add(timeseries("Network throughput", "Bits received (up) and sent (down) per "
                     "second, per interface (lo left out).",
                     [("rate(node_network_receive_bytes_total{%s}[%s]) * 8" % (NET, RI),
                       "{{instance}} {{device}} receive"),
                      ("rate(node_network_transmit_bytes_total{%s}[%s]) * 8" % (NET, RI),
                       "{{instance}} {{device}} transmit")], "bps", NEUTRAL,
                     negative=".* transmit$", legend_table=True), 12, 8)
    L.add(timeseries("Network packets", "Packets received (up) and sent (down) per "
                     "second, per interface.",
                     [("rate(node_network_receive_packets_total{%s}[%s])" % (NET, RI),
                       "{{instance}} {{device}} receive"),
                      ("rate(node_network_transmit_packets_total{%s}[%s])" % (NET, RI),
                       "{{instance}} {{device}} transmit")], "pps", NEUTRAL,
                     negative=".* transmit$", legend_table=True), 12, 8)
    L.add(timeseries("Network errors", "Receive errors (bad frames, CRC, overruns; up) "
                     "and transmit errors (down) per second. Any steady rate points to a "
                     "cable, optic, driver or duplex problem.",
                     [("rate(node_network_receive_errs_total{%s}[%s])" % (NET, RI),
                       "{{instance}} {{device}} receive"),
                      ("rate(node_network_transmit_errs_total{%s}[%s])" % (NET, RI),
                       "{{instance}} {{device}} transmit")], "pps",
                     thresholds((1, RED)), negative=".* transmit$"), 8, 7)
    L.add(timeseries("Network drops", "Packets dropped on receive (up: full rings or "
                     "backlog, unknown protocols) and transmit (down) per second.",
                     [("rate(node_network_receive_drop_total{%s}[%s])" % (NET, RI),
                       "{{instance}} {{device}} receive"),
                      ("rate(node_network_transmit_drop_total{%s}[%s])" % (NET, RI),
                       "{{instance}} {{device}} transmit")], "pps",
                     thresholds((10, ORANGE)), negative=".* transmit$"), 8, 7)
    L.add(timeseries("TCP connections", "Established TCP connections and sockets in "
                     "TIME_WAIT.",
                     [("node_netstat_Tcp_CurrEstab{%s}" % SEL, "{{instance}} established"),
                      ("node_sockstat_TCP_tw{%s}" % SEL, "{{instance}} time-wait")],
                     "short", NEUTRAL, min=0, decimals=0), 8, 7)

    # ------------------------------------------------------------------- system
    L.row("System")
    L.add(timeseries("Context switches and interrupts", "Per second, all CPUs together.",
                     [("rate(node_context_switches_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} context switches"),
                      ("rate(node_intr_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} interrupts")], "ops", NEUTRAL, min=0, fill=0), 8, 7)
    L.add(timeseries("Processes", "Processes created per second (forks) and processes "
                     "running or blocked on I/O right now.",
                     [("rate(node_forks_total{%s}[%s])" % (SEL, RI), "{{instance}} forks/s"),
                      ("node_procs_running{%s}" % SEL, "{{instance}} running"),
                      ("node_procs_blocked{%s}" % SEL, "{{instance}} blocked")], "short",
                     NEUTRAL, min=0, fill=0), 8, 7)
    L.add(timeseries("File descriptors", "Open file handles of the whole host "
                     "(/proc/sys/fs/file-nr), against the limit fs.file-max.",
                     [("node_filefd_allocated{%s}" % SEL, "{{instance}} allocated"),
                      ("100 * node_filefd_allocated{%s} / node_filefd_maximum{%s}"
                       % (SEL, SEL), "{{instance}} % of maximum")], "short",
                     NEUTRAL, min=0, fill=0, overrides=[{
                         "matcher": {"id": "byRegexp", "options": ".*% of maximum$"},
                         "properties": [{"id": "unit", "value": "percent"},
                                        {"id": "custom.axisPlacement", "value": "right"},
                                        {"id": "thresholds",
                                         "value": thresholds((80, ORANGE), (90, RED))}]}]),
          8, 7)
    L.add(timeseries("Entropy", "Bits in the kernel's entropy pool. Since Linux 5.18 "
                     "it is always full (256).",
                     [("node_entropy_available_bits{%s}" % SEL, "{{instance}} available"),
                      ("node_entropy_pool_size_bits{%s}" % SEL, "{{instance}} pool size")],
                     "bits", thresholds((128, GREEN), base=ORANGE), min=0, fill=0), 8, 7)
    L.add(timeseries("Clock offset", "Offset of the system clock from its time source "
                     "and the kernel's maximum error estimate (adjtimex). The maximum "
                     "error grows to 16 s when nothing disciplines the clock.",
                     [("node_timex_offset_seconds{%s}" % SEL, "{{instance}} offset"),
                      ("node_timex_maxerror_seconds{%s}" % SEL, "{{instance}} max error")],
                     "s", thresholds((0.05, ORANGE), (1, RED)), fill=0), 8, 7)
    L.add(stat("Clock synchronised", "Whether NTP/chrony/systemd-timesyncd reports the "
               "clock as synchronised to the kernel (adjtimex status).",
               [("node_timex_sync_status{%s}" % SEL, "{{instance}}")], "none",
               thresholds((1, GREEN), base=RED),
               mappings=value_text({0: ("not synchronised", RED), 1: ("synchronised", GREEN)}),
               text_mode="value_and_name"), 8, 7)

    # ----------------------------------------------------------------- services
    L.row("Services")
    L.add(timeseries("Top units by CPU", "The 10 cgroups (systemd services and scopes; "
                     "slices, which add up their units, left out) of each host using the "
                     "most CPU, in CPUs (1 = one core busy). host_exporter's cgroup "
                     "collector (node_cgroup_*).",
                     [("topk by (instance) (10, rate(node_cgroup_cpu_usage_seconds_total{%s}[%s]))"
                       % (UNIT, RI), "{{instance}} {{cgroup}}")],
                     "short", NEUTRAL, min=0, fill=0, legend_table=True), 12, 8)
    L.add(timeseries("Top units by memory", "The 10 cgroups of each host with the largest "
                     "working set (memory usage minus inactive page cache: what the OOM "
                     "killer and memory pressure act on), and their memory limit where "
                     "one is set (MemoryMax=).",
                     [("topk by (instance) (10, node_cgroup_memory_working_set_bytes{%s})"
                       % UNIT, "{{instance}} {{cgroup}}"),
                      ("node_cgroup_memory_limit_bytes{%s}" % UNIT,
                       "{{instance}} {{cgroup}} limit")],
                     "bytes", NEUTRAL, min=0, fill=0, legend_table=True, overrides=[{
                         "matcher": {"id": "byRegexp", "options": ".* limit$"},
                         "properties": [{"id": "custom.lineStyle",
                                         "value": {"fill": "dash", "dash": [10, 10]}}]}]),
          12, 8)
    L.add(timeseries("Unit pressure", "Share of time some task of the cgroup waited for "
                     "memory, I/O or CPU (the cgroup's memory|io|cpu.pressure; cgroup v2 "
                     "or the unified tree of a hybrid host), the 5 highest of each kind "
                     "per host. Sustained memory or I/O pressure on a unit alerts "
                     "(HostUnitMemoryPressure, HostUnitIoPressure).",
                     [("topk by (instance) (5, rate(node_cgroup_pressure_memory_waiting_seconds_total{%s}[%s]))"
                       % (UNIT, RI), "{{instance}} {{cgroup}} memory"),
                      ("topk by (instance) (5, rate(node_cgroup_pressure_io_waiting_seconds_total{%s}[%s]))"
                       % (UNIT, RI), "{{instance}} {{cgroup}} io"),
                      ("topk by (instance) (5, rate(node_cgroup_pressure_cpu_waiting_seconds_total{%s}[%s]))"
                       % (UNIT, RI), "{{instance}} {{cgroup}} cpu")], "percentunit",
                     thresholds((0.2, ORANGE), (0.4, RED)), min=0, fill=0,
                     th_style="dashed"), 8, 8)
    L.add(timeseries("Top units by disk I/O", "Bytes read (up) and written (down) per "
                     "second by the 5 cgroups of each host doing the most, all devices "
                     "together.",
                     [("topk by (instance) (5, sum without (device) (rate(node_cgroup_io_read_bytes_total{%s}[%s])))"
                       % (UNIT, RI), "{{instance}} {{cgroup}} read"),
                      ("topk by (instance) (5, sum without (device) (rate(node_cgroup_io_written_bytes_total{%s}[%s])))"
                       % (UNIT, RI), "{{instance}} {{cgroup}} written")],
                     "Bps", NEUTRAL, negative=".* written$", fill=0), 8, 8)
    L.add(timeseries("Unit OOM kills", "Processes the out-of-memory killer ended in each "
                     "cgroup (memory.events oom_kill; v1: memory.oom_control). A unit "
                     "that hits its MemoryMax= shows here and alerts (HostUnitOomKill).",
                     [("increase(node_cgroup_memory_events_total{%s,event=\"oom_kill\"}[%s])"
                       % (UNIT, RI), "{{instance}} {{cgroup}}")],
                     "short", thresholds((1, RED)), min=0, decimals=0, draw="bars",
                     fill=80), 8, 8)

    # ---------------------------------------------------------------- processes
    # The process_top collector (off by default: --collector.process_top).
    L.row("Processes")
    L.add(timeseries("Top processes by CPU", "Processes that used the most CPU over the "
                     "exporter's last cycle (1 = one CPU), with their pid. Needs "
                     "--collector.process_top.",
                     [("topk(10, host_process_top_cpu_ratio{%s})" % SEL,
                       "{{instance}} {{comm}} ({{pid}})")],
                     "percentunit", NEUTRAL, min=0, fill=0, legend_table=True), 12, 8)
    L.add(timeseries("Top processes by memory", "Processes with the largest resident set, "
                     "with their pid. Needs --collector.process_top.",
                     [("topk(10, host_process_top_resident_memory_bytes{%s})" % SEL,
                       "{{instance}} {{comm}} ({{pid}})")],
                     "bytes", NEUTRAL, min=0, fill=0, legend_table=True), 12, 8)
    L.add(timeseries("CPU by command", "CPU used per command name (all its processes; "
                     "1 = one CPU).",
                     [("topk(10, sum by (instance, comm) (rate(host_process_comm_cpu_seconds"
                       "_total{%s}[%s])))" % (SEL, RI), "{{instance}} {{comm}}")],
                     "percentunit", NEUTRAL, min=0, fill=0), 8, 7)
    L.add(timeseries("Memory by command", "Resident memory per command name (the sum of "
                     "its processes' resident sets; shared pages count in each).",
                     [("topk(10, host_process_comm_resident_memory_bytes{%s})" % SEL,
                       "{{instance}} {{comm}}")], "bytes", NEUTRAL, min=0, fill=0), 8, 7)
    L.add(timeseries("CPU by unit", "CPU used per systemd unit of the processes "
                     "(services and scopes from their cgroup's accounting, which counts "
                     "exited children; 1 = one CPU).",
                     [("topk(10, sum by (instance, unit) (rate(host_process_unit_cpu_seconds"
                       "_total{%s}[%s])))" % (SEL, RI), "{{instance}} {{unit}}")],
                     "percentunit", NEUTRAL, min=0, fill=0), 8, 7)
    L.add(timeseries("Storage I/O by unit", "Bytes read (up) and written (down) per "
                     "second per systemd unit.",
                     [("topk(5, rate(host_process_unit_read_bytes_total{%s}[%s]))"
                       % (SEL, RI), "{{instance}} {{unit}} read"),
                      ("topk(5, rate(host_process_unit_written_bytes_total{%s}[%s]))"
                       % (SEL, RI), "{{instance}} {{unit}} written")],
                     "Bps", NEUTRAL, fill=0, negative=".* written$"), 8, 7)
    L.add(timeseries("Open files by command", "Open file descriptors per command name.",
                     [("topk(10, host_process_comm_open_fds{%s})" % SEL,
                       "{{instance}} {{comm}}")], "short", NEUTRAL, min=0, fill=0,
                     decimals=0), 8, 7)
    L.add(timeseries("Threads by command", "Threads per command name.",
                     [("topk(10, host_process_comm_threads{%s})" % SEL,
                       "{{instance}} {{comm}}")], "short", NEUTRAL, min=0, fill=0,
                     decimals=0), 8, 7)

    # ----------------------------------------------------------------- exporter
    L.row("Exporter")
    L.add(timeseries("Collector duration", "How long each collector took in its last "
                     "run. host_exporter collects on its own interval, so this does not "
                     "add to scrape time.",
                     [("node_scrape_collector_duration_seconds{%s}" % SEL,
                       "{{instance}} {{collector}}")], "s",
                     thresholds((1, ORANGE), (4, RED)), min=0, fill=0, legend_table=True),
          12, 8)
    L.add(table("Collector status", "Last result of each collector: 1 = succeeded, "
                "0 = failed (the exporter's log names the error).",
                [("node_scrape_collector_success{%s}" % SEL, "")], "none",
                thresholds((1, GREEN), base=RED),
                hide=["Time", "__name__", "job"],
                rename={"instance": "Instance", "collector": "Collector",
                        "Value": "Status"},
                value_overrides=[{
                    "matcher": {"id": "byName", "options": "Status"},
                    "properties": [
                        {"id": "mappings", "value": value_text(
                            {0: ("failed", RED), 1: ("ok", GREEN)})},
                        {"id": "custom.cellOptions",
                         "value": {"type": "color-background", "mode": "basic"}}]}],
                sort_by=[{"displayName": "Status", "desc": False}]), 12, 8)
    L.add(timeseries("Scrape", "Prometheus's view of each scrape: its duration and the "
                     "number of samples it returned.",
                     [("scrape_duration_seconds{%s}" % SEL, "{{instance}} duration"),
                      ("scrape_samples_scraped{%s}" % SEL, "{{instance}} samples")], "s",
                     thresholds((1, ORANGE), (5, RED)), min=0, fill=0, overrides=[{
                         "matcher": {"id": "byRegexp", "options": ".* samples$"},
                         "properties": [{"id": "unit", "value": "short"},
                                        {"id": "custom.axisPlacement", "value": "right"}]}]),
          8, 7)
    L.add(timeseries("Exporter resources", "CPU (share of one core) and resident memory "
                     "of the exporter process itself.",
                     [("rate(process_cpu_seconds_total{%s}[%s])" % (SEL, RI),
                       "{{instance}} CPU"),
                      ("process_resident_memory_bytes{%s}" % SEL, "{{instance}} memory")],
                     "percentunit", thresholds((0.1, ORANGE)), min=0, fill=0, overrides=[{
                         "matcher": {"id": "byRegexp", "options": ".* memory$"},
                         "properties": [{"id": "unit", "value": "bytes"},
                                        {"id": "custom.axisPlacement", "value": "right"}]}]),
          8, 7)
    L.add(table("Build", "Version and revision of the exporter on each host "
                "(host_exporter, or node_exporter where that still runs).",
                [("host_exporter_build_info{%s} or node_exporter_build_info{%s}"
                  % (SEL, SEL), "")], "none", NEUTRAL,
                hide=["Time", "__name__", "job", "Value", "compiler", "branch",
                      "goversion", "goarch", "goos", "tags"],
                rename={"instance": "Instance", "version": "Version",
                        "revision": "Revision"}), 8, 7)
    L.newline()
    return L.panels


def templating(variant):
    ds_current = ({"selected": False, "text": "${DS_PROMETHEUS}", "value": "${DS_PROMETHEUS}"}
                  if variant == "import" else
                  {"selected": False, "text": "default", "value": "default"})
    return {"list": [
        {"name": "datasource", "label": "Data source", "type": "datasource",
         "query": "prometheus", "current": ds_current, "hide": 0, "includeAll": False,
         "multi": False, "options": [], "refresh": 1, "regex": "", "skipUrlSync": False},
        {"name": "job", "label": "Job", "type": "query", "datasource": DS,
         "query": {"query": "label_values(node_uname_info, job)",
                   "refId": "PrometheusVariableQueryEditor-VariableQuery"},
         "hide": 0, "includeAll": False, "multi": False, "options": [],
         "refresh": 2, "regex": "", "skipUrlSync": False, "sort": 1},
        {"name": "instance", "label": "Instance", "type": "query", "datasource": DS,
         "query": {"query": 'label_values(node_uname_info{job="$job"}, instance)',
                   "refId": "PrometheusVariableQueryEditor-VariableQuery"},
         "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
         "hide": 0, "includeAll": True, "allValue": ".+", "multi": True, "options": [],
         "refresh": 2, "regex": "", "skipUrlSync": False, "sort": 1},
    ]}


def dashboard(variant):
    """The dashboard as a dict; variant is "import" or "provisioning"."""
    assert variant in ("import", "provisioning")
    d = {}
    if variant == "import":
        d["__inputs"] = [{"name": "DS_PROMETHEUS", "label": "Prometheus",
                          "description": "The Prometheus that scrapes host_exporter "
                                         "(or node_exporter).",
                          "type": "datasource", "pluginId": "prometheus",
                          "pluginName": "Prometheus"}]
        d["__elements"] = {}
        d["__requires"] = [
            {"type": "grafana", "id": "grafana", "name": "Grafana", "version": "10.4.0"},
            {"type": "datasource", "id": "prometheus", "name": "Prometheus",
             "version": "1.0.0"},
            {"type": "panel", "id": "bargauge", "name": "Bar gauge", "version": ""},
            {"type": "panel", "id": "stat", "name": "Stat", "version": ""},
            {"type": "panel", "id": "table", "name": "Table", "version": ""},
            {"type": "panel", "id": "timeseries", "name": "Time series", "version": ""},
        ]
    d.update({
        "annotations": {"list": [{
            "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
            "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
            "name": "Annotations & Alerts", "type": "dashboard"}]},
        "description": "Linux hosts monitored by host_exporter (or node_exporter 1.5): "
                       "CPU, memory, disks, file systems, network, system, services "
                       "(per cgroup) and the exporter itself.",
        "editable": True,
        "fiscalYearStartMonth": 0,
        "graphTooltip": 1,
        "id": None,
        "links": [],
        "liveNow": False,
        "panels": panels(),
        "refresh": "30s",
        "schemaVersion": SCHEMA_VERSION,
        "tags": ["host_exporter", "node_exporter", "linux"],
        "templating": templating(variant),
        "time": {"from": "now-3h", "to": "now"},
        "timepicker": {},
        "timezone": "browser",
        "title": TITLE,
        "uid": UID,
        "version": 1,
        "weekStart": "",
    })
    return d


def render(variant):
    return json.dumps(dashboard(variant), indent=2, ensure_ascii=False) + "\n"


OUTPUTS = {"import": IMPORT_PATH, "provisioning": PROVISIONING_PATH}


def check():
    """0 if both files equal what this script generates, else 1 with a diff."""
    stale = 0
    for variant, path in OUTPUTS.items():
        want = render(variant)
        try:
            with open(path, encoding="utf-8") as f:
                have = f.read()
        except FileNotFoundError:
            have = ""
        if have != want:
            stale += 1
            rel = os.path.relpath(path)
            sys.stdout.writelines(difflib.unified_diff(
                have.splitlines(True), want.splitlines(True), rel, rel + " (generated)"))
            print("  FAILED: %s is out of date: run grafana/dashboard.py generate" % rel)
        else:
            print("  SUCCESS: %s is in sync" % os.path.relpath(path))
    return 1 if stale else 0


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "generate":
        for variant, path in OUTPUTS.items():
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(render(variant))
            print("wrote", os.path.relpath(path))
        return 0
    if cmd == "check":
        return check()
    print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
