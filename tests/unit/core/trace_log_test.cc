#include "emulator/core/trace_log.h"

#include "tests/testlib/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace emu {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TimePoint at(const char* iso) { return parse_iso8601(iso).value(); }

TraceRecord rec(std::string component, std::string message, int thread,
                TraceSeverity severity = TraceSeverity::kInfo, std::string file = "") {
  return TraceRecord{std::move(component), std::move(message), severity, thread, std::move(file)};
}

TEST(FormatTraceTest, SmsMatchesReferenceExamples) {
  // top-level README Sources [S1]: "<08-22-2016 04:15:01.917+420><thread=2868 (0xB34)>" (UTC-7).
  EXPECT_EQ(format_trace(TraceFormat::kSms, rec("Configuration Manager Setup", "Done", 2868),
                         at("2016-08-22T11:15:01.917Z"), 420),
            "Done~  $$<Configuration Manager Setup><08-22-2016 04:15:01.917+420>"
            "<thread=2868 (0xB34)>");
  // "<11-30-2022 01:03:34.179-60><thread=4844 (0x12EC)>" (UTC+1).
  EXPECT_EQ(format_trace(TraceFormat::kSms, rec("SMS_COLLECTION_EVALUATOR", "x", 4844),
                         at("2022-11-30T00:03:34.179Z"), -60),
            "x~  $$<SMS_COLLECTION_EVALUATOR><11-30-2022 01:03:34.179-60><thread=4844 (0x12EC)>");
  // CMGService in UTC: "<06-24-2020 15:31:46.376+00><thread=4992 (0x1380)>".
  EXPECT_EQ(format_trace(TraceFormat::kSms, rec("CMGService", "y", 4992),
                         at("2020-06-24T15:31:46.376Z"), 0),
            "y~  $$<CMGService><06-24-2020 15:31:46.376+00><thread=4992 (0x1380)>");
}

TEST(FormatTraceTest, SmsLocalTimeCrossesMidnightAndYear) {
  // Japan (bias -540): 2025-12-31 20:00 UTC is 2026-01-01 05:00 local.
  EXPECT_EQ(format_trace(TraceFormat::kSms, rec("C", "m", 1), at("2025-12-31T20:00:00Z"), -540),
            "m~  $$<C><01-01-2026 05:00:00.000-540><thread=1 (0x1)>");
  // US Pacific (bias 420): 2026-01-01 03:00 UTC is 2025-12-31 20:00 local.
  EXPECT_EQ(format_trace(TraceFormat::kSms, rec("C", "m", 255), at("2026-01-01T03:00:00Z"), 420),
            "m~  $$<C><12-31-2025 20:00:00.000+420><thread=255 (0xFF)>");
}

TEST(FormatTraceTest, SmsWritesLineBreaksAsDoubleTilde) {
  EXPECT_EQ(
      format_trace(TraceFormat::kSms, rec("C", "a\r\nb\nc~~d", 7), at("2026-01-01T00:00:00Z"), 0),
      "a~~b~~c~~d~  $$<C><01-01-2026 00:00:00.000+00><thread=7 (0x7)>");
}

TEST(FormatTraceTest, SmsMessageEndingInLineBreakGetsNoExtraTilde) {
  // CloudMgr.log: "... status is Faulted~~  $$<SMS_CLOUD_SERVICES_MANAGER>..."
  // (top-level README Sources [S3]).
  EXPECT_EQ(format_trace(TraceFormat::kSms, rec("C", "status is Faulted~~", 7),
                         at("2026-01-01T00:00:00Z"), 0),
            "status is Faulted~~  $$<C><01-01-2026 00:00:00.000+00><thread=7 (0x7)>");
}

TEST(FormatTraceTest, MillisecondsAreTruncatedNotRounded) {
  TimePoint t = at("2026-01-01T00:00:00Z") + std::chrono::microseconds(999999);
  EXPECT_THAT(format_trace(TraceFormat::kSms, rec("C", "m", 1), t, 0),
              HasSubstr("<01-01-2026 00:00:00.999+00>"));
}

TEST(FormatTraceTest, CcmMatchesReferenceExample) {
  // top-level README Sources [S1] (smsts.log, UTC-7).
  EXPECT_EQ(format_trace(TraceFormat::kCcm,
                         rec("ApplyOperatingSystem", "Hello", 1256, TraceSeverity::kInfo,
                             "downloadcontent.cpp:1626"),
                         at("2015-06-26T21:24:33.329Z"), 420),
            "<![LOG[Hello]LOG]!><time=\"14:24:33.329+420\" date=\"06-26-2015\" "
            "component=\"ApplyOperatingSystem\" context=\"\" type=\"1\" thread=\"1256\" "
            "file=\"downloadcontent.cpp:1626\">");
}

TEST(FormatTraceTest, CcmBiasSeverityAndMultilineMessage) {
  EXPECT_EQ(
      format_trace(TraceFormat::kCcm, rec("CcmMessaging", "l1\nl2", 12, TraceSeverity::kError),
                   at("2026-03-01T00:00:00.5Z"), 0),
      "<![LOG[l1\nl2]LOG]!><time=\"00:00:00.500+000\" date=\"03-01-2026\" "
      "component=\"CcmMessaging\" context=\"\" type=\"3\" thread=\"12\" file=\"\">");
  EXPECT_THAT(format_trace(TraceFormat::kCcm, rec("C", "w", 1, TraceSeverity::kWarning),
                           at("2026-03-01T00:00:00Z"), -60),
              HasSubstr("time=\"01:00:00.000-060\" date=\"03-01-2026\" component=\"C\" "
                        "context=\"\" type=\"2\""));
}

TEST(TraceHistoryNameTest, ReplacesLastExtension) {
  EXPECT_EQ(trace_history_name("CloudMgr.log"), "CloudMgr.lo_");
  EXPECT_EQ(trace_history_name("SMS_AZUREAD_DISCOVERY_AGENT.log"),
            "SMS_AZUREAD_DISCOVERY_AGENT.lo_");
  EXPECT_EQ(trace_history_name("noext"), "noext.lo_");
}

class TraceLogsTest : public ::testing::Test {
 protected:
  static TraceLogs::Options opts(std::string dir, size_t max_bytes = 250000,
                                 size_t memory_lines = 4000) {
    TraceLogs::Options o;
    o.dir = std::move(dir);
    o.max_bytes = max_bytes;
    o.memory_lines = memory_lines;
    return o;
  }

  VirtualClock clock_{VirtualClock::Mode::kManual, at("2026-01-01T00:00:00Z")};
  test::TempDir tmp_;
};

TEST_F(TraceLogsTest, MemoryRingKeepsLastLinesPerLog) {
  TraceLogs logs(clock_, opts("", 250000, 3));
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(logs.write("CloudMgr.log", rec("C", "m" + std::to_string(i), 1)).ok());
    clock_.advance(std::chrono::seconds(1));
  }
  ASSERT_TRUE(logs.write("A.log", rec("C", "other", 1)).ok());
  auto lines = logs.lines("CloudMgr.log");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "m3~  $$<C><01-01-2026 00:00:02.000+00><thread=1 (0x1)>");
  EXPECT_EQ(lines[2], "m5~  $$<C><01-01-2026 00:00:04.000+00><thread=1 (0x1)>");
  EXPECT_THAT(logs.lines("Unknown.log"), IsEmpty());
  EXPECT_THAT(logs.names(), ElementsAre("A.log", "CloudMgr.log"));
}

TEST_F(TraceLogsTest, RejectsBadLogNamesAndKeepsNothing) {
  TraceLogs logs(clock_, opts(tmp_.path()));
  const std::vector<std::string> bad_names = {
      "", ".", "..", "../x.log", "a/b.log", "a\\b.log", std::string("a\0b", 3)};
  for (const std::string& bad : bad_names) {
    Status s = logs.write(bad, rec("C", "m", 1));
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("bad log name")) << bad;
  }
  EXPECT_THAT(logs.names(), IsEmpty());
}

TEST_F(TraceLogsTest, FileUsesCrlfAndConfiguredFormatAndBias) {
  TraceLogs::Options o = opts(tmp_.path() + "/logs");
  o.format = TraceFormat::kCcm;
  o.bias_minutes = -60;
  TraceLogs logs(clock_, o);
  ASSERT_TRUE(logs.write("ccmsetup.log", rec("ccmsetup", "one", 3)).ok());
  ASSERT_TRUE(logs.write("ccmsetup.log", rec("ccmsetup", "two\nlines", 3)).ok());
  const std::string head =
      "]LOG]!><time=\"01:00:00.000-060\" date=\"01-01-2026\" "
      "component=\"ccmsetup\" context=\"\" type=\"1\" thread=\"3\" file=\"\">";
  EXPECT_EQ(test::read_file(tmp_.path() + "/logs/ccmsetup.log"),
            "<![LOG[one" + head + "\r\n<![LOG[two\r\nlines" + head + "\r\n");
  EXPECT_EQ(logs.lines("ccmsetup.log").back(), "<![LOG[two\nlines" + head);
}

TEST_F(TraceLogsTest, RollsOverToSingleHistoryFile) {
  // Each SMS record here is 54 bytes + CRLF = 56; two fit in 120 bytes, a third does not.
  TraceLogs logs(clock_, opts(tmp_.path(), 120));
  auto line = [](int i) {
    return "r" + std::to_string(i) + "~  $$<C><01-01-2026 00:00:00.000+00><thread=1 (0x1)>\r\n";
  };
  for (int i = 1; i <= 5; ++i)
    ASSERT_TRUE(logs.write("CloudMgr.log", rec("C", "r" + std::to_string(i), 1)).ok());
  ASSERT_EQ(line(1).size(), 56u);
  EXPECT_EQ(test::read_file(tmp_.file("CloudMgr.lo_")), line(3) + line(4));
  EXPECT_EQ(test::read_file(tmp_.file("CloudMgr.log")), line(5));
  EXPECT_EQ(logs.lines("CloudMgr.log").size(), 5u);
}

TEST_F(TraceLogsTest, OversizedRecordIsWrittenToEmptyFile) {
  TraceLogs logs(clock_, opts(tmp_.path(), 10));
  ASSERT_TRUE(logs.write("X.log", rec("C", "longer than ten bytes", 1)).ok());
  EXPECT_THAT(test::read_file(tmp_.file("X.log")), HasSubstr("longer than ten bytes"));
  EXPECT_FALSE(std::filesystem::exists(tmp_.file("X.lo_")));
}

TEST_F(TraceLogsTest, FileErrorIsReportedAndMemoryCopyKept) {
  ASSERT_TRUE(test::write_file(tmp_.file("not-a-dir"), "x"));
  TraceLogs logs(clock_, opts(tmp_.file("not-a-dir")));
  Status s = logs.write("CloudMgr.log", rec("C", "kept", 1));
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_THAT(s.message(), HasSubstr("not-a-dir"));
  ASSERT_EQ(logs.lines("CloudMgr.log").size(), 1u);
  EXPECT_THAT(logs.lines("CloudMgr.log")[0], HasSubstr("kept~  $$<C>"));
}

TEST_F(TraceLogsTest, ClearForgetsMemoryAndDeletesOwnFilesOnly) {
  TraceLogs logs(clock_, opts(tmp_.path(), 60));
  ASSERT_TRUE(test::write_file(tmp_.file("foreign.log"), "keep me"));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(logs.write("CloudMgr.log", rec("C", "m", 1)).ok());
  ASSERT_TRUE(std::filesystem::exists(tmp_.file("CloudMgr.lo_")));
  logs.clear();
  EXPECT_THAT(logs.names(), IsEmpty());
  EXPECT_THAT(logs.lines("CloudMgr.log"), IsEmpty());
  EXPECT_FALSE(std::filesystem::exists(tmp_.file("CloudMgr.log")));
  EXPECT_FALSE(std::filesystem::exists(tmp_.file("CloudMgr.lo_")));
  EXPECT_EQ(test::read_file(tmp_.file("foreign.log")), "keep me");
}

TEST_F(TraceLogsTest, ConcurrentWritersNeverInterleave) {
  TraceLogs logs(clock_, opts(tmp_.path(), 250000, 10000));
  constexpr int kThreads = 4, kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&logs, t] {
      for (int i = 0; i < kPerThread; ++i) (void)logs.write("Busy.log", rec("C", "w", t + 1));
    });
  }
  for (auto& th : threads) th.join();
  auto lines = logs.lines("Busy.log");
  ASSERT_EQ(lines.size(), size_t{kThreads * kPerThread});
  std::string expected_file;
  for (const auto& l : lines) expected_file += l + "\r\n";
  EXPECT_EQ(test::read_file(tmp_.file("Busy.log")), expected_file);
}

}  // namespace
}  // namespace emu
