#include "emulator/core/dns_zone.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace emu {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> chain_names(const DnsAnswer& answer) {
  std::vector<std::string> out;
  for (const auto& r : answer.chain) out.push_back(r.type + ":" + r.name + "->" + r.value);
  return out;
}

TEST(DnsNormalizeTest, LowerCasesAndDropsOneTrailingDot) {
  EXPECT_EQ(dns_normalize("CMG.Contoso.com."), "cmg.contoso.com");
  EXPECT_EQ(dns_normalize("cmg.contoso.com"), "cmg.contoso.com");
  EXPECT_EQ(dns_normalize("a.."), "a.");
}

TEST(DnsZoneTest, ResolvesCnameChainToAddress) {
  DnsZone zone;
  ASSERT_TRUE(zone.set_cname("CMG.Contoso.com.", "GraniteFalls.EastUS.CloudApp.Azure.com").ok());
  ASSERT_TRUE(zone.set_a("granitefalls.eastus.cloudapp.azure.com", "20.1.2.3").ok());
  auto answer = zone.resolve("cmg.CONTOSO.com");
  ASSERT_TRUE(answer.ok()) << answer.status().to_string();
  EXPECT_EQ(answer->address, "20.1.2.3");
  EXPECT_THAT(chain_names(*answer),
              ElementsAre("CNAME:cmg.contoso.com->granitefalls.eastus.cloudapp.azure.com",
                          "A:granitefalls.eastus.cloudapp.azure.com->20.1.2.3"));
}

TEST(DnsZoneTest, ARecordAloneResolves) {
  DnsZone zone;
  ASSERT_TRUE(zone.set_a("mp1.contoso.local", "10.0.0.5").ok());
  auto answer = zone.resolve("MP1.contoso.local.");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->address, "10.0.0.5");
  ASSERT_EQ(answer->chain.size(), 1u);
  EXPECT_EQ(answer->chain[0].type, "A");
}

TEST(DnsZoneTest, MissingNameOrDanglingTargetIsNoSuchHost) {
  DnsZone zone;
  auto missing = zone.resolve("nowhere.example.com");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "nowhere.example.com: no such host");

  ASSERT_TRUE(zone.set_cname("cmg.contoso.com", "deleted.cloudapp.azure.com").ok());
  auto dangling = zone.resolve("CMG.contoso.com");
  EXPECT_EQ(dangling.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(dangling.status().message(), "cmg.contoso.com: no such host");
}

TEST(DnsZoneTest, LoopIsFailedPrecondition) {
  DnsZone zone;
  ASSERT_TRUE(zone.set_cname("a.test", "b.test").ok());
  ASSERT_TRUE(zone.set_cname("b.test", "a.test").ok());
  auto r = zone.resolve("a.test");
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "a.test: CNAME loop at 'a.test'");
}

TEST(DnsZoneTest, EightCnamesResolveNineDoNot) {
  DnsZone zone;
  // n0 -> n1 -> ... -> n8 (A): eight CNAMEs.
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(
        zone.set_cname("n" + std::to_string(i) + ".test", "n" + std::to_string(i + 1) + ".test")
            .ok());
  }
  ASSERT_TRUE(zone.set_a("n8.test", "1.2.3.4").ok());
  auto ok = zone.resolve("n0.test");
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->chain.size(), 9u);

  ASSERT_TRUE(zone.set_cname("start.test", "n0.test").ok());  // nine CNAMEs
  auto too_long = zone.resolve("start.test");
  EXPECT_EQ(too_long.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(too_long.status().message(), "start.test: more than 8 CNAMEs in the chain");
}

TEST(DnsZoneTest, OneRecordPerNameReplaces) {
  DnsZone zone;
  ASSERT_TRUE(zone.set_a("x.test", "1.1.1.1").ok());
  ASSERT_TRUE(zone.set_cname("X.test", "y.test").ok());
  ASSERT_TRUE(zone.set_a("y.test", "2.2.2.2").ok());
  auto records = zone.records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].name, "x.test");
  EXPECT_EQ(records[0].type, "CNAME");
  EXPECT_EQ(records[0].value, "y.test");
  EXPECT_EQ(zone.resolve("x.test")->address, "2.2.2.2");
}

TEST(DnsZoneTest, RejectsMalformedInput) {
  DnsZone zone;
  const std::string long_label(64, 'a');
  std::string too_long;
  for (int i = 0; i < 64; ++i) too_long += "abc.";
  too_long += "x";  // 257 characters
  for (const std::string& bad :
       {std::string(""), std::string("."), std::string("a..b"), std::string("-a.test"),
        std::string("a-.test"), std::string("under_score.test"), std::string("*.test"),
        long_label + ".test", too_long, std::string("sp ace.test")}) {
    Status s = zone.set_a(bad, "1.2.3.4");
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message(), "not a valid DNS name: '" + bad + "'");
    EXPECT_EQ(zone.set_cname(bad, "ok.test").code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(zone.set_cname("ok.test", bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(zone.set_a(std::string(63, 'a') + ".1test", "1.2.3.4").ok());

  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d",
                          "1..2.3", "::1", "1.2.3.-4"}) {
    Status s = zone.set_a("host.test", bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message(), std::string("not an IPv4 address: '") + bad + "'");
  }
  EXPECT_TRUE(zone.set_a("host.test", "0.0.0.0").ok());
  EXPECT_TRUE(zone.set_a("host.test", "255.255.255.255").ok());

  Status self = zone.set_cname("Loop.test.", "loop.TEST");
  EXPECT_EQ(self.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(self.message(), "CNAME 'loop.test' points to itself");
}

TEST(DnsZoneTest, RemoveAndClear) {
  DnsZone zone;
  ASSERT_TRUE(zone.set_a("a.test", "1.2.3.4").ok());
  ASSERT_TRUE(zone.set_a("b.test", "1.2.3.5").ok());
  EXPECT_TRUE(zone.remove("A.test.").ok());
  Status again = zone.remove("a.test");
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
  EXPECT_EQ(again.message(), "no DNS record for 'a.test'");
  EXPECT_EQ(zone.resolve("a.test").status().code(), StatusCode::kNotFound);
  zone.clear();
  EXPECT_THAT(zone.records(), IsEmpty());
}

TEST(DnsZoneTest, ConcurrentUpdatesAndLookups) {
  DnsZone zone;
  ASSERT_TRUE(zone.set_a("target.test", "10.0.0.1").ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&zone, t] {
      for (int i = 0; i < 200; ++i) {
        std::string name = "h" + std::to_string(t) + "-" + std::to_string(i) + ".test";
        (void)zone.set_cname(name, "target.test");
        auto r = zone.resolve(name);
        if (!r.ok() || r->address != "10.0.0.1") ADD_FAILURE() << name;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(zone.records().size(), 801u);
}

}  // namespace
}  // namespace emu
