// A Lab (Entra ID + ARM + the rest, real loopback TLS) with the seed scenario's tenant and
// subscription, plus a SiteEnv whose ActionContext sends real HTTPS to the lab, and a site
// database of its own. Site operations under test run on the test thread; run_on_io runs
// inline because the test's SiteDb is touched only by this thread.
#pragma once

#include "emulator/app/lab.h"
#include "emulator/core/actions.h"
#include "emulator/core/dns_zone.h"
#include "emulator/core/faults.h"
#include "emulator/core/journal.h"
#include "emulator/core/trace_log.h"
#include "emulator/site/env.h"
#include "emulator/sitedb/site_db.h"
#include "harness/lib/http_client.h"
#include "tests/testlib/test_pki.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace emu::test {

// The lab section of scenarios/lab-site-token.json (tenant with a Global Administrator and a
// plain user, a subscription whose CMG providers are registered unless `registered` is false).
inline nlohmann::json site_lab_section(bool registered = true) {
  using nlohmann::json;
  const char* state = registered ? "Registered" : "NotRegistered";
  return {{"tenant",
           {{"domain", "contoso.onmicrosoft.com"},
            {"users",
             {{{"upn", "admin@contoso.onmicrosoft.com"},
               {"display_name", "Lab Admin"},
               {"directory_roles", {"Global Administrator"}}},
              {{"upn", "user1@contoso.onmicrosoft.com"}, {"display_name", "User One"}},
              {{"upn", "user2@contoso.onmicrosoft.com"}, {"display_name", "User Two"}}}}}},
          {"subscription",
           {{"name", "Contoso Lab"},
            {"co_administrators", {"admin@contoso.onmicrosoft.com"}},
            {"providers",
             {{"Microsoft.Compute", state},
              {"Microsoft.Storage", "Registered"},
              {"Microsoft.KeyVault", state},
              {"Microsoft.Network", state}}}}}};
}

class LabActionContext final : public ActionContext {
 public:
  explicit LabActionContext(app::Lab& lab) : lab_(lab) {}
  Clock& clock() override { return lab_.clock(); }
  IdSource& ids() override { return lab_.ids(); }
  Result<HttpExchange> http(const HttpCall& call) override {
    EMU_ASSIGN_OR_RETURN(app::Endpoint endpoint, lab_.endpoint(call.endpoint));
    harness::HttpClientOptions options;
    options.ca_file = lab_.ca_path();
    options.verify_time = lab_.clock().now();
    return harness::send_http(endpoint, call, options);
  }
  const nlohmann::json& lab() const override { return lab_section_; }
  nlohmann::json& vars() override { return vars_; }
  std::string ca_path() const override { return lab_.ca_path(); }
  std::string out_dir() const override { return ""; }
  void run_on_io(const std::function<void()>& fn) override { fn(); }
  FaultPlan& faults() override { return lab_.faults(); }
  Journal& journal() override { return lab_.journal(); }
  nlohmann::json lab_section_ = nlohmann::json::object();

 private:
  app::Lab& lab_;
  nlohmann::json vars_ = nlohmann::json::object();
};

// Lab + SiteEnv. Subclasses call SetUpLab(section) in SetUp.
class SiteLabTest : public ::testing::Test {
 protected:
  void SetUpLab(const nlohmann::json& section) {
    app::LabOptions options;
    options.pki_dir = shared_pki().dir;
    options.cmg_names = {"cmg.contoso.com"};
    auto lab = app::Lab::create(options);
    ASSERT_TRUE(lab.ok()) << lab.status().to_string();
    lab_ = std::move(lab).value();
    ASSERT_TRUE(lab_->start().ok());
    Status seeded = lab_->seed(section, &summary_);
    ASSERT_TRUE(seeded.ok()) << seeded.to_string();
    ctx_ = std::make_unique<LabActionContext>(*lab_);
    ctx_->lab_section_ = section;
    auto db = sitedb::SiteDb::open(store::StateDir(""), "P01");
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    db_ = std::move(db).value();
    logs_ = std::make_unique<TraceLogs>(lab_->clock(), TraceLogs::Options{});
    env_ = std::make_unique<site::SiteEnv>(
        site::SiteEnv{*ctx_, *db_, *logs_, dns_, config_, lab_->pki_dir(), uploads_});
  }

  // Lines of a site-server log joined with '\n' (for HasSubstr checks).
  std::string log_text(const std::string& log) const {
    std::string all;
    for (const auto& l : logs_->lines(log)) all += l + "\n";
    return all;
  }

  std::unique_ptr<app::Lab> lab_;
  nlohmann::json summary_;
  std::unique_ptr<LabActionContext> ctx_;
  std::unique_ptr<sitedb::SiteDb> db_;
  std::unique_ptr<TraceLogs> logs_;
  site::UploadedCertificates uploads_{""};
  DnsZone dns_;
  site::SiteConfig config_;
  std::unique_ptr<site::SiteEnv> env_;
};

}  // namespace emu::test
