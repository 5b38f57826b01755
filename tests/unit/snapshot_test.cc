#include "host_exporter/snapshot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <span>
#include <thread>

#include "host_exporter/encoder.h"
#include "host_exporter/family.h"

namespace host_exporter {
namespace {

CollectorResult Ok(const std::string& name, Families f, double secs = 0.5) {
  CollectorResult r;
  r.status = {name, true, secs, ""};
  r.families = std::move(f);
  return r;
}

// A snapshot fills the created times' vectors a destroyed one handed back:
// each family's are its own, none left from the family that had its place.
TEST(SnapshotTest, CreatedTimesOfARecycledSnapshotAreItsOwn) {
  auto build = [](Families families) {
    std::vector<CollectorResult> results;
    results.push_back(Ok("stat", std::move(families)));
    SnapshotOptions o;
    o.boot_time = 1700000042;
    std::vector<std::string> warnings;
    return BuildSnapshot(std::move(results), {}, o, 1000, 1, &warnings);
  };
  auto first = build({Counter("a_total", "a")
                          .Add({{"k", "1"}}, 1)
                          .Add({{"k", "2"}}, 2)
                          .Add({{"k", "3"}}, 3)
                          .Take(),
                      Counter("b_total", "b").Add(1).Take()});
  ASSERT_EQ(first->created.size(), first->families.size());
  ASSERT_EQ(first->created[0].size(), 3u);
  first.reset();  // its vectors handed back
  auto second = build(
      {Gauge("a_gauge", "a").Add({{"k", "1"}}, 1).Add({{"k", "2"}}, 2).Take(),
       Counter("b_total", "b")
           .Add({{"k", "1"}}, 1)
           .Add({{"k", "2"}}, 2)
           .Take()});
  ASSERT_EQ(second->families.size(), 4u);  // and node_scrape_collector_*
  ASSERT_EQ(second->families[0].name, "a_gauge");
  EXPECT_TRUE(second->created[0].empty());
  EXPECT_EQ(second->created[1], (std::vector<double>{1700000042, 1700000042}));
  EXPECT_EQ(
      second->Encoded(Encoding::kOpenMetrics, Escaping::kUnderscores, false)
          .find("a_gauge_created"),
      std::string::npos);
}

// Counters of collectors count since boot, the exporter's own since it
// started, a series with kCreatedLabel as it says (the label taken off).
TEST(SnapshotTest, CreatedTimes) {
  auto build = [](bool openmetrics_created) {
    std::vector<CollectorResult> results;
    results.push_back(Ok("stat", {Counter("node_intr_total", "i").Add(5).Take(),
                                  Gauge("node_load1", "l").Add(1).Take()}));
    results.push_back(Ok(
        "textfile", {Counter("jobs_total", "j")
                         .Add({{"k", "b"}, {kCreatedLabel, "0"}}, 4)
                         .Add({{kCreatedLabel, "1700000100.5"}, {"k", "a"}}, 3)
                         .Take()}));
    Families own = {Counter("host_exporter_sent_total", "s").Add(2).Take()};
    SnapshotOptions o;
    o.boot_time = 1700000042;
    o.process_start = 1700000500;
    o.openmetrics_created = openmetrics_created;
    std::vector<std::string> warnings;
    return BuildSnapshot(std::move(results), std::move(own), o, 1000, 1,
                         &warnings);
  };
  auto snap = build(true);
  ASSERT_EQ(snap->created.size(), snap->families.size());
  auto created = [&](const std::string& name) {
    for (size_t i = 0; i < snap->families.size(); ++i) {
      if (snap->families[i].name == name) return snap->created[i];
    }
    ADD_FAILURE() << name;
    return std::vector<double>{};
  };
  EXPECT_EQ(created("node_intr_total"), std::vector<double>{1700000042});
  EXPECT_EQ(created("host_exporter_sent_total"),
            std::vector<double>{1700000500});
  EXPECT_TRUE(created("node_load1").empty());
  // Sorted by labels: k="a" (created as told) before k="b" (unknown).
  EXPECT_EQ(created("jobs_total"), (std::vector<double>{1700000100.5, 0}));
  EXPECT_EQ(snap->Text().find(kCreatedLabel), std::string::npos);
  EXPECT_NE(snap->Text().find("jobs_total{k=\"a\"} 3\n"), std::string::npos);
  const std::string om =
      snap->Encoded(Encoding::kOpenMetrics, Escaping::kUnderscores, false);
  EXPECT_NE(om.find("jobs_created{k=\"a\"} 1.7000001005e+09\n"),
            std::string::npos);
  EXPECT_EQ(om.find("jobs_created{k=\"b\"}"), std::string::npos);
  EXPECT_NE(om.find("node_intr_created 1.700000042e+09\n"), std::string::npos);
  EXPECT_NE(om.find("host_exporter_sent_created 1.7000005e+09\n"),
            std::string::npos);

  // By default OpenMetrics has no "_created" samples (each would be a series
  // of its own in Prometheus 2.x); protobuf carries the times all the same.
  auto plain = build(false);
  EXPECT_EQ(plain->created, snap->created);
  EXPECT_EQ(
      plain->Encoded(Encoding::kOpenMetrics, Escaping::kUnderscores, false)
          .find("_created"),
      std::string::npos);
  EXPECT_EQ(
      plain->Encoded(Encoding::kProtoDelimited, Escaping::kUnderscores, false),
      snap->Encoded(Encoding::kProtoDelimited, Escaping::kUnderscores, false));
}

// Without names outside the legacy charset every escaping scheme is the same
// body (one form, not four); with one, each scheme is its own.
TEST(SnapshotTest, EscapingFormsShareBodiesUnlessUtf8Names) {
  std::vector<std::string> warnings;
  std::vector<CollectorResult> legacy;
  legacy.push_back(Ok("a", {Gauge("g", "h").Add(1).Take()}));
  auto plain = BuildSnapshot(std::move(legacy), {}, {}, 1, 1, &warnings);
  EXPECT_FALSE(plain->utf8_names);
  EXPECT_EQ(plain->Encoded(Encoding::kText, Escaping::kDots, false).data(),
            plain->Text().data());
  EXPECT_EQ(&plain->Encoded(Encoding::kOpenMetrics, Escaping::kAllowUtf8, true),
            &plain->Encoded(Encoding::kOpenMetrics, Escaping::kValues, true));

  std::vector<CollectorResult> utf8;
  utf8.push_back(
      Ok("textfile", {Gauge("g", "h").Add({{"host.name", "x"}}, 1).Take()}));
  auto snap = BuildSnapshot(std::move(utf8), {}, {}, 1, 1, &warnings);
  EXPECT_TRUE(snap->utf8_names);
  EXPECT_NE(snap->Text().find("g{host_name=\"x\"} 1\n"), std::string::npos);
  EXPECT_NE(snap->Encoded(Encoding::kText, Escaping::kAllowUtf8, false)
                .find("g{\"host.name\"=\"x\"} 1\n"),
            std::string::npos);
  EXPECT_NE(snap->Encoded(Encoding::kText, Escaping::kDots, false)
                .find("g{host_dot_name=\"x\"} 1\n"),
            std::string::npos);
  std::string unzipped;
  ASSERT_TRUE(GzipDecompress(
      snap->Encoded(Encoding::kText, Escaping::kAllowUtf8, true), &unzipped));
  EXPECT_EQ(unzipped,
            snap->Encoded(Encoding::kText, Escaping::kAllowUtf8, false));
}

// The one lookup of a family by name serves sorted snapshots and a
// collector's families in any order.
// AddViews takes as many labels as the span has: a recycled series that had
// more keeps none of the others.
TEST(FamilyBuilderTest, AddViewsTakesTheSpansLabels) {
  const LabelView labels[] = {{"device", "sda"}, {"rotational", "1"}};
  FamilyBuilder b = Gauge("node_disk_info", "i");
  b.AddViews(labels, 1).AddViews(std::span(labels).first(1), 2);
  const prometheus::MetricFamily f = b.Take();
  ASSERT_EQ(f.metric.size(), 2u);
  ASSERT_EQ(f.metric[0].label.size(), 2u);
  EXPECT_EQ(f.metric[0].label[1].name, "rotational");
  EXPECT_EQ(f.metric[0].label[1].value, "1");
  ASSERT_EQ(f.metric[1].label.size(), 1u);
  EXPECT_EQ(f.metric[1].label[0].value, "sda");
  EXPECT_EQ(f.metric[1].gauge.value, 2);
}

TEST(FindFamilyTest, FindsByNameInAnyOrder) {
  Families fams = {Gauge("zz", "z").Add(1).Take(), Gauge("aa", "a").Take(),
                   Counter("mm_total", "m").Add(3).Take()};
  ASSERT_NE(FindFamily(fams, "aa"), nullptr);
  EXPECT_EQ(FindFamily(fams, "aa"), &fams[1]);
  EXPECT_EQ(FindFamily(fams, "zz"), &fams[0]);
  EXPECT_EQ(FindFamily(fams, "mm_total"), &fams[2]);
  EXPECT_EQ(FindFamily(fams, "mm"), nullptr);
  EXPECT_EQ(FindFamily(fams, ""), nullptr);
  EXPECT_EQ(FindFamily(Families{}, "aa"), nullptr);
}

TEST(SnapshotTest, MergesSortsAndAddsScrapeMetrics) {
  std::vector<CollectorResult> results;
  results.push_back(
      Ok("b",
         {Gauge("zz", "z").Add({{"x", "2"}}, 2).Add({{"x", "1"}}, 1).Take()}));
  results.push_back(Ok("a", {Counter("aa_total", "a").Add(7).Take()}, 0.25));
  CollectorResult failed;
  failed.status = {"c", false, 4, "timed out"};
  failed.families = {Gauge("cc", "never shown").Add(1).Take()};
  results.push_back(failed);
  std::vector<std::string> warnings;
  auto snap = BuildSnapshot(std::move(results), {}, {}, 1000, 3, &warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(snap->cycle, 3u);
  EXPECT_EQ(snap->Text(),
            "# HELP aa_total a\n# TYPE aa_total counter\naa_total 7\n"
            "# HELP node_scrape_collector_duration_seconds node_exporter: "
            "Duration of a collector scrape.\n"
            "# TYPE node_scrape_collector_duration_seconds gauge\n"
            "node_scrape_collector_duration_seconds{collector=\"a\"} 0.25\n"
            "node_scrape_collector_duration_seconds{collector=\"b\"} 0.5\n"
            "node_scrape_collector_duration_seconds{collector=\"c\"} 4\n"
            "# HELP node_scrape_collector_success node_exporter: Whether a "
            "collector succeeded.\n"
            "# TYPE node_scrape_collector_success gauge\n"
            "node_scrape_collector_success{collector=\"a\"} 1\n"
            "node_scrape_collector_success{collector=\"b\"} 1\n"
            "node_scrape_collector_success{collector=\"c\"} 0\n"
            "# HELP zz z\n# TYPE zz gauge\nzz{x=\"1\"} 1\nzz{x=\"2\"} 2\n");
  std::string unzipped;
  ASSERT_TRUE(GzipDecompress(snap->TextGzip(), &unzipped));
  EXPECT_EQ(unzipped, snap->Text());
  ASSERT_EQ(snap->collectors.size(), 3u);
  EXPECT_EQ(snap->collectors[2].error, "timed out");
}

TEST(SnapshotTest, DropsDuplicateSeriesAndTypeConflicts) {
  std::vector<CollectorResult> results;
  results.push_back(
      Ok("a", {Gauge("m", "m").Add({{"l", "1"}, {"k", "2"}}, 1).Take()}));
  results.push_back(
      Ok("b", {Gauge("m", "m").Add({{"k", "2"}, {"l", "1"}}, 9).Take(),
               Counter("m", "other type").Add(5).Take()}));
  std::vector<std::string> warnings;
  auto snap = BuildSnapshot(std::move(results), {}, {}, 0, 1, &warnings);
  EXPECT_NE(snap->Text().find("m{k=\"2\",l=\"1\"} 1\n"), std::string::npos);
  EXPECT_EQ(snap->Text().find("} 9\n"), std::string::npos);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0],
            "family m from b dropped: already defined with another type by a");
  EXPECT_EQ(warnings[1], "duplicate series dropped: m{k=\"2\",l=\"1\"}");
}

// SortAndDedup with the orders of earlier builds gives what it gives
// without: the same order, the first of equal series kept, whether the
// collector's order is last time's, another, or has duplicates.
TEST(SnapshotTest, SeriesOrdersGiveTheSameResultAsSorting) {
  auto family = [](std::initializer_list<std::pair<const char*, double>> s) {
    FamilyBuilder b = Gauge("m", "m");
    for (const auto& [device, v] : s) b.Add({{"device", device}}, v);
    Families f;
    f.push_back(b.Take());
    return f;
  };
  const std::vector<Families> inputs = {
      family({{"eth10", 1}, {"eth2", 2}, {"eth1", 3}}),
      family({{"eth10", 4}, {"eth2", 5}, {"eth1", 6}}),  // the same order
      family({{"eth2", 7}, {"eth10", 8}, {"eth1", 9}}),  // another
      family({{"eth2", 7}, {"eth10", 8}, {"eth1", 9}}),
      family({{"eth2", 1}, {"eth1", 2}, {"eth2", 3}}),  // a duplicate
      family({{"eth2", 4}, {"eth1", 5}, {"eth2", 6}}),
      family({{"eth2", 7}, {"eth2", 8}, {"eth1", 9}}),
      family({{"eth1", 1}, {"eth3", 2}}),  // fewer, sorted
      family({{"eth3", 1}, {"eth1", 2}, {"eth0", 3}}),
  };
  SeriesOrders orders;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Families kept = inputs[i], fresh = inputs[i];
    std::vector<std::string> w_kept, w_fresh;
    SortAndDedup(&kept, &w_kept, &orders);
    SortAndDedup(&fresh, &w_fresh);
    EXPECT_EQ(EncodeText(kept), EncodeText(fresh)) << "input " << i;
    EXPECT_EQ(w_kept, w_fresh) << "input " << i;
  }
  EXPECT_EQ(EncodeText(inputs[0]).size(), EncodeText(inputs[1]).size());
  EXPECT_EQ(orders.by_family.size(), 1u);  // m: sorted, so kept
}

// BuildSnapshot merges the families in last build's order when it still
// holds (SeriesOrders::families): builds whose families come in the same
// order, another order, with one more or one less, a family of the same
// name from two collectors or from the exporter itself, and series whose
// labels come out of order give what a build without kept orders gives.
TEST(SnapshotTest, KeptFamilyOrderGivesTheSameResultAsSorting) {
  using Spec = std::vector<std::pair<std::string, std::vector<std::string>>>;
  auto results = [](const Spec& spec) {
    std::vector<CollectorResult> out;
    for (const auto& [collector, names] : spec) {
      Families fams;
      int v = 0;
      for (const auto& name : names) {
        fams.push_back(Gauge(name, "h")
                           .Add({{"z", "1"}, {"a", collector}}, ++v)
                           .Add({{"a", collector}}, ++v)
                           .Take());
      }
      out.push_back(Ok(collector, std::move(fams)));
    }
    return out;
  };
  auto own = [](bool with) {
    Families f;
    if (with) f.push_back(Gauge("b", "own").Add(9).Take());
    return f;
  };
  const std::vector<std::pair<Spec, bool>> builds = {
      {{{"x", {"a", "c"}}, {"y", {"b", "d"}}}, false},
      {{{"x", {"a", "c"}}, {"y", {"b", "d"}}}, false},  // the same
      {{{"x", {"a", "c"}}, {"y", {"b", "d"}}}, true},   // own "b" wins
      {{{"x", {"a", "c"}}, {"y", {"e", "d"}}}, false},  // as many, renamed
      {{{"x", {"d", "c"}}, {"y", {"e", "d"}}}, false},  // two collectors' d
      {{{"x", {"d", "c"}}, {"y", {"e", "d"}}}, false},
      {{{"y", {"e", "d"}}, {"x", {"d", "c"}}}, false},  // collectors swapped
      {{{"x", {"c"}}, {"y", {"e", "d"}}}, false},       // one less
  };
  SeriesOrders orders;
  SnapshotOptions kept_options;
  kept_options.orders = &orders;
  for (size_t i = 0; i < builds.size(); ++i) {
    std::vector<std::string> w_kept, w_fresh;
    auto kept = BuildSnapshot(results(builds[i].first), own(builds[i].second),
                              kept_options, 1000, i + 1, &w_kept);
    auto fresh = BuildSnapshot(results(builds[i].first), own(builds[i].second),
                               {}, 1000, i + 1, &w_fresh);
    EXPECT_EQ(kept->Text(), fresh->Text()) << "build " << i;
    EXPECT_EQ(w_kept, w_fresh) << "build " << i;
  }
  EXPECT_FALSE(orders.families.empty());
}

// A collector (the textfile one) cannot replace or extend a family the
// exporter produces itself: its family is dropped whole, whatever its type.
TEST(SnapshotTest, OwnFamiliesWinOverCollectors) {
  std::vector<CollectorResult> results;
  results.push_back(Ok("cpu", {Gauge("node_cpu_x", "x").Add(1).Take()}));
  prometheus::MetricFamily fake;  // untyped, as a .prom file without TYPE
  fake.name = "node_scrape_collector_success";
  fake.type = prometheus::MetricType::Untyped;
  fake.metric.resize(1);
  fake.metric[0].label = {{"collector", "cpu"}};
  fake.metric[0].untyped.value = 0;
  results.push_back(
      Ok("textfile", {fake,
                      Gauge("node_scrape_collector_duration_seconds", "d")
                          .Add({{"collector", "fake"}}, 9)
                          .Take(),
                      Gauge("host_exporter_build_info", "b")
                          .Add({{"version", "fake"}}, 1)
                          .Take()}));
  Families extra = {Gauge("host_exporter_build_info", "real")
                        .Add({{"version", "1"}}, 1)
                        .Take()};
  std::vector<std::string> warnings;
  auto snap =
      BuildSnapshot(std::move(results), std::move(extra), {}, 0, 1, &warnings);
  EXPECT_NE(
      snap->Text().find("node_scrape_collector_success{collector=\"cpu\"} 1\n"),
      std::string::npos)
      << snap->Text();
  EXPECT_NE(snap->Text().find(
                "node_scrape_collector_success{collector=\"textfile\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(snap->Text().find("collector=\"fake\""), std::string::npos)
      << snap->Text();
  EXPECT_EQ(snap->Text().find("version=\"fake\""), std::string::npos)
      << snap->Text();
  EXPECT_NE(snap->Text().find("host_exporter_build_info{version=\"1\"} 1\n"),
            std::string::npos);
  EXPECT_NE(snap->Text().find("# TYPE node_scrape_collector_success gauge\n"),
            std::string::npos);
  ASSERT_EQ(warnings.size(), 3u);
  std::sort(warnings.begin(), warnings.end());
  EXPECT_EQ(warnings[0],
            "family host_exporter_build_info from textfile dropped: the "
            "exporter's own "
            "family");
  EXPECT_EQ(warnings[1],
            "family node_scrape_collector_duration_seconds from textfile "
            "dropped: the "
            "exporter's own family");
  EXPECT_EQ(warnings[2],
            "family node_scrape_collector_success from textfile dropped: the "
            "exporter's "
            "own family");
}

// A destroyed snapshot hands each collector's families back to that
// collector's pool, in their order (by name), and a family two collectors
// output to the first one's; the exporter's own go to the global pool.
TEST(SnapshotTest, FamiliesGoBackToTheirCollectorsPools) {
  auto a = std::make_shared<FamilyPool>();
  auto b = std::make_shared<FamilyPool>();
  std::vector<std::string> warnings;
  // A snapshot of a's and b's families, destroyed at once.
  auto build = [&](uint64_t cycle) {
    std::vector<CollectorResult> r;
    r.push_back(Ok("a", {Gauge("snap_test_a1", "h").Add(1).Take(),
                         Gauge("snap_test_both", "h").Add(2).Take(),
                         Gauge("snap_test_a2", "h").Add(3).Take()}));
    r.back().pool = a;
    r.push_back(
        Ok("b", {Gauge("snap_test_b", "h").Add(4).Take(),
                 Gauge("snap_test_both", "h").Add({{"l", "x"}}, 5).Take()}));
    r.back().pool = b;
    BuildSnapshot(std::move(r), {}, {}, 1000, cycle, &warnings);
  };
  build(1);
  EXPECT_TRUE(warnings.empty());
  auto taken = [](FamilyPool* pool, size_t position, const char* name) {
    FamilyPool::Scope scope(pool);
    prometheus::MetricFamily f;
    return pool->Take(position, name, &f) ? f.metric.size() : 0;
  };
  // a's: snap_test_a1, snap_test_a2, snap_test_both (with b's series).
  EXPECT_EQ(taken(a.get(), 0, "snap_test_a1"), 1u);
  EXPECT_EQ(taken(a.get(), 0, "snap_test_a2"), 0u);  // taken by a Scope once
  build(2);
  {
    FamilyPool::Scope scope(a.get());
    prometheus::MetricFamily f;
    EXPECT_FALSE(a->Take(0, "snap_test_a2", &f));  // position 1
    EXPECT_TRUE(a->Take(1, "snap_test_a2", &f));
    EXPECT_TRUE(a->Take(2, "snap_test_both", &f));
    EXPECT_EQ(f.metric.size(), 2u);
    EXPECT_FALSE(a->Take(0, "snap_test_b", &f));
  }
  build(3);
  {
    FamilyPool::Scope scope(b.get());
    prometheus::MetricFamily f;
    EXPECT_TRUE(b->Take(0, "snap_test_b", &f));
    EXPECT_FALSE(b->Take(1, "snap_test_both", &f));  // a's
  }
  // Without a Scope nothing is taken.
  build(4);
  prometheus::MetricFamily f;
  EXPECT_FALSE(a->Take(0, "snap_test_a1", &f));
}

TEST(SnapshotTest, CapsSeriesPerCollector) {
  FamilyBuilder f = Gauge("many", "m");
  for (int i = 0; i < 10; ++i) f.Add({{"i", std::to_string(i)}}, i);
  std::vector<CollectorResult> results;
  results.push_back(Ok("big", {f.Take()}));
  SnapshotOptions opts;
  opts.max_series_per_collector = 4;
  std::vector<std::string> warnings;
  auto snap = BuildSnapshot(std::move(results), {}, opts, 0, 1, &warnings);
  size_t n = 0;
  for (const auto& fam : snap->families) {
    if (fam.name == "many") n = fam.metric.size();
  }
  EXPECT_EQ(n, 4u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "big: more than 4 series, the rest dropped");
}

TEST(SnapshotTest, InvalidUtf8IsReplaced) {
  std::string s = "ok";
  EXPECT_FALSE(MakeValidUtf8(&s));
  s = "caf\xc3\xa9 \xe2\x82\xac";  // valid two- and three-byte sequences
  EXPECT_FALSE(MakeValidUtf8(&s));
  s = "a\xff"
      "b\xc3";
  EXPECT_TRUE(MakeValidUtf8(&s));
  EXPECT_EQ(s,
            "a\xef\xbf\xbd"
            "b\xef\xbf\xbd");
  s = "\xed\xa0\x80";  // a surrogate
  EXPECT_TRUE(MakeValidUtf8(&s));
  EXPECT_EQ(s, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  // ASCII is checked eight bytes at a time: a byte >= 0x80 anywhere in
  // strings of 1 to 20 bytes, in a whole word or in the tail, is found.
  for (size_t n = 1; n <= 20; ++n) {
    for (size_t at = 0; at < n; ++at) {
      std::string t(n, 'a');
      t[at] = '\x80';
      EXPECT_TRUE(MakeValidUtf8(&t)) << n << " " << at;
      EXPECT_EQ(t, std::string(at, 'a') + "\xef\xbf\xbd" +
                       std::string(n - at - 1, 'a'));
    }
    std::string ascii(n, '\x7f');
    EXPECT_FALSE(MakeValidUtf8(&ascii)) << n;
  }

  std::vector<CollectorResult> results;
  results.push_back(
      Ok("x", {Gauge("g", "help \xfe").Add({{"l", "v\x80"}}, 1).Take()}));
  std::vector<std::string> warnings;
  auto snap = BuildSnapshot(std::move(results), {}, {}, 0, 1, &warnings);
  EXPECT_NE(snap->Text().find("g{l=\"v\xef\xbf\xbd\"} 1\n"), std::string::npos);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "invalid UTF-8 replaced by U+FFFD in g");
}

TEST(SnapshotStoreTest, PublishAndWaitNewer) {
  SnapshotStore store;
  EXPECT_EQ(store.Get(), nullptr);
  std::atomic<bool> stop{false};
  std::thread t([&] {
    auto s = std::make_shared<Snapshot>();
    s->cycle = 1;
    store.Publish(s);
  });
  auto got = store.WaitNewer(0, stop);
  t.join();
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->cycle, 1u);
  stop = true;
  EXPECT_EQ(store.WaitNewer(1, stop), nullptr);
}

// The forms a snapshot makes in the cycle are the ones asked for (the
// scheduler passes what its last snapshots served); the others wait for a
// scrape that asks, and asking counts as served, making does not.
TEST(SnapshotTest, MakesTheFormsAskedAndCountsWhatIsServed) {
  std::vector<std::string> warnings;
  SnapshotOptions options;
  const uint64_t om_gzip =
      FormBit(Encoding::kOpenMetrics, Escaping::kUnderscores, true);
  const uint64_t om =
      FormBit(Encoding::kOpenMetrics, Escaping::kUnderscores, false);
  const uint64_t text = FormBit(Encoding::kText, Escaping::kUnderscores, false);
  options.make = om_gzip;
  std::vector<CollectorResult> r;
  r.push_back(Ok("a", {Gauge("g", "h").Add(1).Take()}));
  auto snap = BuildSnapshot(std::move(r), {}, options, 1, 1, &warnings);
  // The gzip of the OpenMetrics made; its plain body, asked by nobody, not
  // kept.
  EXPECT_EQ(snap->Made(), om_gzip);
  EXPECT_EQ(snap->Served(), 0u);
  EXPECT_NE(snap->Text().find("g 1\n"), std::string::npos);
  EXPECT_EQ(snap->Made(), om_gzip | text);
  EXPECT_EQ(snap->Served(), text);
  // Another scheme asked of a snapshot without UTF-8 names is the
  // underscores form, made once and counted as that.
  snap->Encoded(Encoding::kOpenMetrics, Escaping::kDots, true);
  EXPECT_EQ(snap->Served(), text | om_gzip);
  EXPECT_EQ(snap->Made(), om_gzip | text);
  // The plain body asked after its gzip: made then, the same bytes the gzip
  // holds.
  const std::string& plain =
      snap->Encoded(Encoding::kOpenMetrics, Escaping::kUnderscores, false);
  EXPECT_EQ(snap->Made(), om_gzip | om | text);
  std::string unzipped;
  ASSERT_TRUE(GzipDecompress(
      snap->Encoded(Encoding::kOpenMetrics, Escaping::kUnderscores, true),
      &unzipped));
  EXPECT_EQ(unzipped, plain);
  EXPECT_NE(plain.find("# TYPE g gauge\n"), std::string::npos);

  options.make = 0;  // nobody asked: nothing made
  std::vector<CollectorResult> none;
  none.push_back(Ok("a", {Gauge("g", "h").Add(1).Take()}));
  EXPECT_EQ(
      BuildSnapshot(std::move(none), {}, options, 1, 2, &warnings)->Made(), 0u);
}

}  // namespace
}  // namespace host_exporter
