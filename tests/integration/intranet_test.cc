// The Lab's Intranet: a site system's request delivered in-process to the listener serving an
// internal host, through that listener's fault plan, router and journal; and the lab DNS names
// of a seeded site's systems.
#include "emulator/app/lab.h"
#include "emulator/core/dns_zone.h"
#include "emulator/core/faults.h"
#include "emulator/core/http/router.h"
#include "emulator/core/journal.h"
#include "emulator/core/service.h"
#include "tests/testlib/temp_dir.h"
#include "tests/testlib/test_pki.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace emu {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class IntranetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.get("/SMS_MP/.sms_aut", [](http::Request& r) {
      return http::text_response(
          200, "listener=" + r.listener + " host=" + r.host +
                   " Host=" + r.headers.get_or("Host", "") + " tls=" + (r.tls ? "1" : "0") +
                   " sni=" + r.sni + " path=" + r.path + " q=" + r.query_string +
                   " first=" + (r.query.empty() ? "" : r.query[0].first) + " id=" + r.request_id +
                   " cert=" + r.client_cert.thumbprint_sha1);
    });
    app::LabOptions options;
    options.pki_dir = test::shared_pki().dir;
    auto lab = app::Lab::create(options);
    ASSERT_TRUE(lab.ok()) << lab.status().to_string();
    lab_ = std::move(lab).value();
    ASSERT_TRUE(lab_->start().ok());
    DynamicListenerSpec spec;
    spec.name = "internal";
    spec.host = "cm01.contoso.com";
    spec.certificate = {{"cm01.contoso.com"},
                        test::shared_pki().server.cert_pem,
                        test::shared_pki().server.key_pem};
    spec.router = &router_;
    ASSERT_TRUE(lab_->listener_host().open(spec).ok());
  }
  void TearDown() override {
    if (lab_) lab_->stop();
  }

  // Intranet::send on the I/O thread, as the connection point calls it.
  Result<http::Response> send(const std::string& host, bool tls, http::Request& req) {
    Result<http::Response> out = Internal("not run");
    lab_->run_on_io([&] { out = lab_->intranet().send(host, tls, req); });
    return out;
  }

  static http::Request get(const std::string& target) {
    http::Request req;
    req.method = "GET";
    req.target = target;
    return req;
  }

  std::vector<JournalEntry> journal_for(const std::string& listener) {
    JournalQuery q;
    q.listener = listener;
    return lab_->journal().query(q);
  }

  http::Router router_;
  std::unique_ptr<app::Lab> lab_;
};

TEST_F(IntranetTest, DeliversAsTheServerWould) {
  lab_->intranet().serve("CM01.Contoso.com", "internal");
  http::Request req = get("/SMS_MP/.sms_aut?MPLIST");
  req.headers.set("Host", "cmg.contoso.com");  // what the sender copied does not matter
  req.client_cert.presented = true;
  req.client_cert.thumbprint_sha1 = "ABCD";
  auto res = send("cm01.contoso.com", true, req);
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr("listener=internal host=cm01.contoso.com "
                                   "Host=cm01.contoso.com tls=1 sni=cm01.contoso.com "
                                   "path=/SMS_MP/.sms_aut q=MPLIST first=MPLIST id="));
  EXPECT_THAT(res->body, HasSubstr(" cert=ABCD"));
  EXPECT_THAT(res->body, Not(HasSubstr("id= ")));  // a request id was drawn
  auto entries = journal_for("internal");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].status, 200);
  EXPECT_EQ(entries[0].host, "cm01.contoso.com");
  EXPECT_EQ(entries[0].target, "/SMS_MP/.sms_aut?MPLIST");
}

TEST_F(IntranetTest, StaticListenerReached) {
  // The MP's own listener ("mp"): whatever its router answers, the exchange is journaled there.
  lab_->intranet().serve("mp01.contoso.com", "mp");
  http::Request req = get("/nothing-here");
  auto res = send("mp01.contoso.com", false, req);
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  auto entries = journal_for("mp");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].status, res->status);
  EXPECT_EQ(entries[0].host, "mp01.contoso.com");
}

TEST_F(IntranetTest, FaultsOfTheListenerApply) {
  lab_->intranet().serve("cm01.contoso.com", "internal");
  ASSERT_TRUE(lab_->faults()
                  .add_json({{"listener", "internal"},
                             {"effect", "status"},
                             {"status", 500},
                             {"reason", "Internal Server Error"},
                             {"count", 1}})
                  .ok());
  ASSERT_TRUE(lab_->faults().add_json({{"listener", "internal"}, {"effect", "reset"}}).ok());
  http::Request req = get("/SMS_MP/.sms_aut?MPLIST");
  auto res = send("cm01.contoso.com", false, req);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 500);
  req = get("/SMS_MP/.sms_aut?MPLIST");
  res = send("cm01.contoso.com", false, req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(res.status().message(), "cm01.contoso.com: connection reset");
  auto entries = journal_for("internal");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].status, 0);
}

TEST_F(IntranetTest, UnknownHostClosedListenerAndReset) {
  http::Request req = get("/");
  auto res = send("nowhere.contoso.com", false, req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(res.status().message(), "nowhere.contoso.com: no such host");

  lab_->intranet().serve("cm01.contoso.com", "internal");
  lab_->listener_host().close("internal");
  req = get("/SMS_MP/.sms_aut?MPLIST");
  res = send("cm01.contoso.com", false, req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().message(), "cm01.contoso.com: connection refused");

  lab_->intranet().serve("mp01.contoso.com", "mp");
  lab_->intranet().forget("MP01.contoso.com");
  req = get("/");
  EXPECT_EQ(send("mp01.contoso.com", false, req).status().message(),
            "mp01.contoso.com: no such host");

  lab_->intranet().serve("mp01.contoso.com", "mp");
  ASSERT_TRUE(lab_->reset().ok());  // the intranet starts empty again
  req = get("/");
  EXPECT_EQ(send("mp01.contoso.com", false, req).status().message(),
            "mp01.contoso.com: no such host");
}

nlohmann::json site_section() {
  return {{"site",
           {{"code", "P01"},
            {"server", "CM01.contoso.com"},
            {"roles",
             {{"management_point", {{"server", "mp01.contoso.com"}}},
              {"software_update_point", {{"server", "sup01.contoso.com"}}}}},
            {"site_system_communication", "enhanced_http"}}}};
}

TEST(LabSiteDnsTest, ResumedLabResolvesItsSiteSystems) {
  test::TempDir state;
  app::LabOptions options;
  options.pki_dir = test::shared_pki().dir;
  options.state_dir = state.path();
  {
    auto lab = app::Lab::create(options);
    ASSERT_TRUE(lab.ok()) << lab.status().to_string();
    ASSERT_TRUE((*lab)->start().ok());
    Status s = (*lab)->seed(site_section());
    ASSERT_TRUE(s.ok()) << s.to_string();
  }
  auto lab = app::Lab::create(options);
  ASSERT_TRUE(lab.ok()) << lab.status().to_string();
  ASSERT_TRUE((*lab)->start().ok());
  auto answer = (*lab)->dns().resolve("mp01.contoso.com");
  ASSERT_TRUE(answer.ok()) << answer.status().to_string();
  EXPECT_EQ(answer->address, "127.0.0.1");
  EXPECT_TRUE((*lab)->dns().resolve("cm01.contoso.com").ok());
}

TEST(LabSiteDnsTest, SeededSiteSystemsResolve) {
  app::LabOptions options;
  options.pki_dir = test::shared_pki().dir;
  auto created = app::Lab::create(options);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  app::Lab& lab = **created;
  // A record the scenario made first is kept.
  ASSERT_TRUE(lab.dns().set_a("sup01.contoso.com", "10.0.0.7").ok());
  Status s = lab.seed(site_section());
  ASSERT_TRUE(s.ok()) << s.to_string();
  for (const char* name : {"cm01.contoso.com", "mp01.contoso.com"}) {
    auto answer = lab.dns().resolve(name);
    ASSERT_TRUE(answer.ok()) << name << ": " << answer.status().to_string();
    EXPECT_EQ(answer->address, "127.0.0.1") << name;
  }
  EXPECT_EQ(lab.dns().resolve("sup01.contoso.com")->address, "10.0.0.7");
  ASSERT_TRUE(lab.reset().ok());
  EXPECT_FALSE(lab.dns().resolve("mp01.contoso.com").ok());
}

}  // namespace
}  // namespace emu
