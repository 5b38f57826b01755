// Sysctl string parser and the uname collector on the fixture root.
#include "parse/uname.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseSysctlString;
using testing::FindFamily;
using testing::FindValue;
using testing::FixturePaths;
using testing::RunCollector;

TEST(ParseSysctlStringTest, StripsOnlyTheTrailingNewline) {
  EXPECT_EQ(ParseSysctlString("Linux\n").value, "Linux");
  EXPECT_EQ(ParseSysctlString("#1 SMP PREEMPT_DYNAMIC @0\n").value,
            "#1 SMP PREEMPT_DYNAMIC @0");
  EXPECT_EQ(ParseSysctlString("(none)\n").value, "(none)");
  EXPECT_EQ(ParseSysctlString(" padded \n").value, " padded ");
  EXPECT_EQ(ParseSysctlString("no-newline").value, "no-newline");
  EXPECT_TRUE(ParseSysctlString("\n").ok());
  EXPECT_EQ(ParseSysctlString("\n").value, "");
}

TEST(ParseSysctlStringTest, Errors) {
  EXPECT_EQ(ParseSysctlString("").error, "empty file");
  EXPECT_EQ(ParseSysctlString("Linux\nextra\n").error,
            "line 2: expected a single line, found more");
  EXPECT_EQ(ParseSysctlString("Linux\n\n").error,
            "line 2: expected a single line, found more");
}

std::string Uts(const char* field) {
  struct utsname u {};
  EXPECT_EQ(::uname(&u), 0);
  const std::string f = field;
  if (f == "sysname") return u.sysname;
  if (f == "release") return u.release;
  if (f == "version") return u.version;
  if (f == "machine") return u.machine;
  if (f == "nodename") return u.nodename;
  return u.domainname;
}

TEST(UnameCollectorTest, ReadsFixture) {
  Families fams = RunCollector("uname");
  ASSERT_EQ(fams.size(), 1u);
  const auto* f = FindFamily(fams, "node_uname_info");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->help,
            "Labeled system information as provided by the uname system "
            "call.");
  EXPECT_EQ(f->type, prometheus::MetricType::Gauge);
  EXPECT_EQ(FindValue(fams, "node_uname_info",
                      {{"sysname", "Linux"},
                       {"release", "6.1.0-42-fixture-amd64"},
                       {"version",
                        "#1 SMP PREEMPT_DYNAMIC Debian 6.1.123-1 (2025-01-02)"},
                       {"machine", "x86_64"},
                       {"nodename", "fixture-host"},
                       {"domainname", "example.internal"}}),
            1.0);
}

// A proc root holding only some of the sysctl files.
class ScratchProc {
 public:
  ScratchProc() {
    std::filesystem::create_directories(root_.dir() + "/proc/sys/kernel");
  }
  void Write(const std::string& name, const std::string& text) {
    root_.Write("proc/sys/kernel/" + name, text);
  }
  const std::string& root() const { return root_.dir(); }

 private:
  testing::TempRoot root_;
};

TEST(UnameCollectorTest, FallsBackToUnameForEachAbsentFile) {
  ScratchProc s;
  // Kernels before 6.1 have no sys/kernel/arch; this one also lacks the rest
  // but the host name.
  s.Write("hostname", "only-this-one\n");
  Families fams = RunCollector("uname", {}, FixturePaths(s.root()));
  EXPECT_EQ(FindValue(fams, "node_uname_info",
                      {{"sysname", Uts("sysname")},
                       {"release", Uts("release")},
                       {"version", Uts("version")},
                       {"machine", Uts("machine")},
                       {"nodename", "only-this-one"},
                       {"domainname", Uts("domainname")}}),
            1.0);
}

TEST(UnameCollectorTest, NoProcAtAllIsPlainUname) {
  Families fams =
      RunCollector("uname", {}, FixturePaths("/nonexistent-uname-root"));
  EXPECT_EQ(FindValue(fams, "node_uname_info",
                      {{"sysname", Uts("sysname")},
                       {"release", Uts("release")},
                       {"version", Uts("version")},
                       {"machine", Uts("machine")},
                       {"nodename", Uts("nodename")},
                       {"domainname", Uts("domainname")}}),
            1.0);
}

TEST(UnameCollectorTest, MalformedFileNamesThePath) {
  ScratchProc s;
  s.Write("osrelease", "");
  try {
    RunCollector("uname", {}, FixturePaths(s.root()));
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              s.root() + "/proc/sys/kernel/osrelease: empty file");
  }
}

}  // namespace
}  // namespace host_exporter
