// ccmsetup.exe's command line: Windows argument splitting, the documented parameters and
// client.msi properties, bad input, and the service instance's echo against the real
// ccmsetup.log sample (emulator/client/README.md Sources [S3], a 2020 install).
#include "emulator/client/ccmsetup/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kToken[] =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJUeXBlIjoiQnVsa1JlZ2lzdHJhdGlvbiJ9.c2ln";

CcmsetupCommandLine parse_ok(std::string_view line) {
  auto c = parse_ccmsetup_command_line(line);
  EXPECT_TRUE(c.ok()) << line << ": " << c.status().message();
  return c.ok() ? *c : CcmsetupCommandLine{};
}

std::string parse_error(std::string_view line, const CommandLineLimits& limits = {}) {
  auto c = parse_ccmsetup_command_line(line, limits);
  EXPECT_FALSE(c.ok()) << line;
  return c.ok() ? "" : c.status().message();
}

// The seed walkthrough's line, the token and the MutualAuth path substituted.
TEST(CcmsetupCommandLineTest, TheSeedLineVerbatim) {
  const std::string line =
      std::string(
          "ccmsetup.exe /NoCRLCheck /source:C:\\ClientInstall SMSSITECODE=P01 "
          "CCMHOSTNAME=\"cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939\" "
          "SMSMP=\"cm01.contoso.com\" /regtoken:") +
      kToken + " CCMALWAYSINF=1";
  const CcmsetupCommandLine c = parse_ok(line);
  EXPECT_EQ(c.program, "ccmsetup.exe");
  EXPECT_TRUE(c.no_crl_check);
  EXPECT_FALSE(c.use_pki_cert);
  EXPECT_THAT(c.sources, ElementsAre("C:\\ClientInstall"));
  EXPECT_EQ(c.regtoken, kToken);
  EXPECT_TRUE(c.mps.empty());
  EXPECT_EQ(c.property("SMSSITECODE"), "P01");
  EXPECT_EQ(c.property("ccmhostname"), "cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939");
  EXPECT_EQ(c.property("SMSMP"), "cm01.contoso.com");
  EXPECT_EQ(c.property("CCMALWAYSINF"), "1");
  EXPECT_EQ(c.properties.size(), 4u);
  EXPECT_TRUE(c.unknown_parameters.empty());
  ASSERT_EQ(c.parameters.size(), 3u);
  EXPECT_EQ(c.parameters[2].name, "regtoken");
}

TEST(CcmsetupCommandLineTest, SplitsAsCommandLineToArgvW) {
  // The program keeps its backslashes and loses its quotes.
  EXPECT_THAT(split_command_line("\"C:\\Program Files\\ccmsetup.exe\" /a"),
              ElementsAre("C:\\Program Files\\ccmsetup.exe", "/a"));
  EXPECT_THAT(split_command_line("  x.exe   a\tb  "), ElementsAre("x.exe", "a", "b"));
  EXPECT_THAT(split_command_line("x \"a b\" c\"d e\"f"), ElementsAre("x", "a b", "cd ef"));
  // Backslashes: literal unless they precede a quote.
  EXPECT_THAT(split_command_line("x a\\\\b \\\"q\\\" \"c:\\\\\" d"),
              ElementsAre("x", "a\\\\b", "\"q\"", "c:\\", "d"));
  EXPECT_THAT(split_command_line("x \"a\\\\\\\"b\""), ElementsAre("x", "a\\\"b"));
  // "" inside a quoted run is a literal quote; "" alone is an empty argument.
  EXPECT_THAT(split_command_line("x \"a\"\"b\" \"\""), ElementsAre("x", "a\"b", ""));
  EXPECT_TRUE(split_command_line("   ").empty());
}

TEST(CcmsetupCommandLineTest, NamesAreCaseInsensitiveAndPropertiesUpperCase) {
  const CcmsetupCommandLine c = parse_ok(
      "CCMSETUP.EXE /nocrlcheck /SOURCE:\\\\server\\share /usepkicert smssitecode=abc "
      "FSP=fsp01 -logon");
  EXPECT_TRUE(c.no_crl_check);
  EXPECT_TRUE(c.use_pki_cert);
  EXPECT_TRUE(c.logon);
  EXPECT_THAT(c.sources, ElementsAre("\\\\server\\share"));
  EXPECT_EQ(c.property("SMSSITECODE"), "abc");
  // Name order, as the "MSI properties:" line lists them.
  ASSERT_EQ(c.properties.size(), 2u);
  EXPECT_EQ(c.properties.begin()->first, "FSP");
}

TEST(CcmsetupCommandLineTest, EveryDocumentedParameter) {
  const CcmsetupCommandLine c = parse_ok(
      "ccmsetup.exe /? /AllowMetered /forceinstall /forcereboot /noservice /service /uninstall "
      "/mp:mp1.contoso.com;https://CMG.CONTOSO.COM/CCM_Proxy_MutualAuth/1 /retry:20 "
      "/downloadtimeout:100 /BITSPriority:high /config:\"config file.txt\" "
      "/skipprereq:a.exe;b.exe /ExcludeFeatures:ClientUI /AlwaysExcludeUpgrade:true "
      "/source:C:\\a /source:D:\\b");
  EXPECT_TRUE(c.help && c.allow_metered && c.force_install && c.force_reboot && c.no_service &&
              c.service && c.uninstall);
  EXPECT_THAT(c.mps,
              ElementsAre("mp1.contoso.com", "https://CMG.CONTOSO.COM/CCM_Proxy_MutualAuth/1"));
  EXPECT_EQ(c.retry_minutes, 20);
  EXPECT_EQ(c.download_timeout_minutes, 100);
  EXPECT_EQ(c.bits_priority, "HIGH");
  EXPECT_EQ(c.config_file, "config file.txt");
  EXPECT_THAT(c.skip_prereq, ElementsAre("a.exe", "b.exe"));
  EXPECT_THAT(c.exclude_features, ElementsAre("ClientUI"));
  EXPECT_EQ(c.always_exclude_upgrade, true);
  EXPECT_THAT(c.sources, ElementsAre("C:\\a", "D:\\b"));
  // Defaults when not given.
  const CcmsetupCommandLine d = parse_ok("ccmsetup.exe");
  EXPECT_EQ(d.retry_minutes, 10);
  EXPECT_EQ(d.download_timeout_minutes, 1440);
  EXPECT_EQ(d.bits_priority, "NORMAL");
  EXPECT_FALSE(d.always_exclude_upgrade.has_value());
}

TEST(CcmsetupCommandLineTest, UnknownParametersAreKeptForTheLog) {
  const CcmsetupCommandLine c = parse_ok("ccmsetup.exe /bogus:1 /Other SMSSITECODE=P01");
  EXPECT_THAT(c.unknown_parameters, ElementsAre("/bogus:1", "/Other"));
  EXPECT_EQ(c.property("SMSSITECODE"), "P01");
}

TEST(CcmsetupCommandLineTest, BadInputNamesTheArgument) {
  EXPECT_THAT(parse_error("ccmsetup.exe /retry:abc"), HasSubstr("/retry:abc"));
  EXPECT_THAT(parse_error("ccmsetup.exe /downloadtimeout:-1"), HasSubstr("minutes"));
  EXPECT_THAT(parse_error("ccmsetup.exe /mp"), HasSubstr("/mp needs a value"));
  EXPECT_THAT(parse_error("ccmsetup.exe /source:"), HasSubstr("/source needs a value"));
  EXPECT_THAT(parse_error("ccmsetup.exe /logon:1"), HasSubstr("takes no value"));
  EXPECT_THAT(parse_error("ccmsetup.exe /BITSPriority:FAST"), HasSubstr("FOREGROUND"));
  EXPECT_THAT(parse_error("ccmsetup.exe /AlwaysExcludeUpgrade:MAYBE"), HasSubstr("TRUE or FALSE"));
  EXPECT_THAT(parse_error("ccmsetup.exe =x"), HasSubstr("not a property name"));
  EXPECT_THAT(parse_error("ccmsetup.exe 1A=x"), HasSubstr("'1A' is not a property name"));
  EXPECT_THAT(parse_error("ccmsetup.exe foo"), HasSubstr("foo: neither"));
  EXPECT_THAT(parse_error("ccmsetup.exe /:x"), HasSubstr("needs a name"));
  EXPECT_THAT(parse_error(""), HasSubstr("empty command line"));
  EXPECT_THAT(parse_error("ccmsetup.exe " + std::string(40000, 'a')), HasSubstr("longer than"));
  CommandLineLimits few;
  few.max_arguments = 2;
  EXPECT_THAT(parse_error("ccmsetup.exe /a /b /c", few), HasSubstr("more than 2 arguments"));
}

// The real ccmsetup.log of README Sources [S3]: the bootstrap ran `ccmsetup.exe  /mp:server.dmz
// SMSSITECODE=abc FSP=primary.lan`; the service logged its own command line as below.
TEST(CcmsetupCommandLineTest, TheServiceEchoMatchesTheRealLog) {
  const CcmsetupCommandLine c =
      parse_ok("ccmsetup.exe  /mp:server.dmz SMSSITECODE=abc FSP=primary.lan");
  EXPECT_EQ(service_command_line(c),
            "\"C:\\Windows\\ccmsetup\\ccmsetup.exe\" /runservice  \"/mp:server.dmz\" "
            "FSP=\"primary.lan\" SMSSITECODE=\"abc\"");
}

TEST(CcmsetupCommandLineTest, TheServiceEchoParsesBackToTheSameSettings) {
  const CcmsetupCommandLine c = parse_ok(
      "ccmsetup.exe /NoCRLCheck /source:\"C:\\Client Install\\\\\" /mp:a;b "
      "CCMHOSTNAME=\"x y\" Q=\"say \\\"hi\\\"\" /service");
  const CcmsetupCommandLine again = parse_ok(service_command_line(c));
  EXPECT_TRUE(again.run_service);
  EXPECT_FALSE(again.service);
  EXPECT_TRUE(again.no_crl_check);
  EXPECT_EQ(again.sources, c.sources);
  EXPECT_EQ(again.mps, c.mps);
  EXPECT_EQ(again.properties, c.properties);
  EXPECT_EQ(c.property("Q"), "say \"hi\"");
  EXPECT_THAT(c.sources, ElementsAre("C:\\Client Install\\"));
}

TEST(CcmsetupCommandLineTest, QuoteArgumentRoundTrips) {
  for (const std::string arg : {"plain", "", "a b", "a\"b", "tail\\", "q\\\"", "\\\\x y\\\\"}) {
    const auto argv = split_command_line("x " + quote_argument(arg));
    ASSERT_EQ(argv.size(), 2u) << arg;
    EXPECT_EQ(argv[1], arg);
  }
}

}  // namespace
}  // namespace emu::client
