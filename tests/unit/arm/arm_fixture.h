// ArmFixture: a real ArmService (router, pipeline, store) over in-memory state, driven
// in-process without sockets. Bearer tokens are fake: the token text names a principal the
// fixture knows ("owner", "contributor", "reader", "stranger"), or one of the refusal tokens
// ("expired", "wrong-aud", "garbage"). The seeded subscription kSub (tenant kTenant) has the
// four CMG providers Registered and group "rg1" in japaneast; "owner" is Owner of the
// subscription, "contributor" Contributor of rg1, "reader" Reader of the subscription.
#pragma once

#include "certs/pki.h"
#include "emulator/aad/public/principals.h"
#include "emulator/aad/public/token_validator.h"
#include "emulator/arm/arm_service.h"
#include "emulator/arm/seed.h"
#include "emulator/arm/store/store.h"
#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"
#include "emulator/core/ids.h"
#include "emulator/core/store/database.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

namespace emu::arm::testing {

inline constexpr char kSub[] = "11111111-1111-4111-8111-111111111111";
inline constexpr char kTenant[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";

struct FakePrincipal {
  std::string oid, app_id, upn, type;
};

inline const std::map<std::string, FakePrincipal>& fake_principals() {
  static const std::map<std::string, FakePrincipal> m = {
      {"owner", {"00000000-0000-4000-8000-0000000000a1", "", "admin@contoso.com", "User"}},
      {"contributor",
       {"00000000-0000-4000-8000-0000000000c2", "5e5e5e5e-0000-4000-8000-00000000a992", "",
        "ServicePrincipal"}},
      {"reader", {"00000000-0000-4000-8000-0000000000b3", "", "reader@contoso.com", "User"}},
      {"stranger", {"00000000-0000-4000-8000-0000000000d4", "", "stranger@contoso.com", "User"}},
  };
  return m;
}

class FakeValidator final : public aad::TokenValidator {
 public:
  aad::TokenCheck validate(std::string_view token,
                           const aad::ValidationPolicy& policy) const override {
    (void)policy;
    aad::TokenCheck c;
    if (token == "expired") {
      c.error = aad::TokenError::kExpired;
    } else if (token == "wrong-aud") {
      c.error = aad::TokenError::kBadAudience;
    } else if (auto it = fake_principals().find(std::string(token));
               it != fake_principals().end()) {
      c.principal.object_id = it->second.oid;
      c.principal.app_id = it->second.app_id;
      c.principal.upn = it->second.upn;
      c.principal.tenant_id = kTenant;
      c.principal.issuer = std::string("https://sts.windows.net/") + kTenant + "/";
      c.principal.audience = "https://management.azure.com/";
    } else {
      c.error = aad::TokenError::kBadSignature;
      c.message = "bad signature";
    }
    return c;
  }
};

class FakeLookup final : public aad::PrincipalLookup {
 public:
  Result<std::string> tenant_id(std::string_view tenant) const override {
    if (tenant.empty() || tenant == kTenant || tenant == "contoso.com") return std::string(kTenant);
    return NotFound("no tenant");
  }
  Result<aad::PrincipalRef> find_principal(std::string_view tenant_id,
                                           std::string_view name) const override {
    for (const auto& [key, p] : fake_principals())
      if (name == key || name == p.oid || (!p.upn.empty() && name == p.upn))
        return aad::PrincipalRef{p.oid, std::string(tenant_id), p.type, key, p.app_id};
    return NotFound("no principal " + std::string(name));
  }
};

class ArmFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceContext ctx{clock_, ids_, state_, pki_, "", nullptr, nullptr};
    auto svc = ArmService::create(ctx, ArmDeps{validator_, lookup_, [](const std::string& n) {
                                                 return "https://127.0.0.1:4" + n;
                                               }});
    ASSERT_TRUE(svc.ok()) << svc.status().message();
    service_ = std::move(svc).value();
    Status seeded = service_->seed(lab());
    ASSERT_TRUE(seeded.ok()) << seeded.message();
  }

  // The lab section SetUp seeds; tests may override it.
  virtual nlohmann::json lab() const {
    return {{"subscription",
             {{"id", kSub},
              {"name", "Contoso Lab"},
              {"co_administrators", {"admin@contoso.com"}},
              {"role_assignments",
               {{{"principal", "contributor"}, {"role", "Contributor"}, {"resource_group", "rg1"}},
                {{"principal", "reader"}, {"role", "Reader"}}}},
              {"providers",
               {{"Microsoft.Compute", "Registered"},
                {"Microsoft.Network", "Registered"},
                {"Microsoft.Storage", "Registered"},
                {"Microsoft.KeyVault", "Registered"}}},
              {"resource_groups", {{{"name", "rg1"}, {"location", "japaneast"}}}}}}};
  }

  // Sends one request through the ARM router. `target` is path + query (api-version is added
  // when absent unless `add_api_version` is false).
  http::Response call(const std::string& method, std::string target,
                      const nlohmann::json& body = nullptr, const std::string& token = "owner",
                      bool add_api_version = true) {
    if (add_api_version && target.find("api-version=") == std::string::npos)
      target += (target.find('?') == std::string::npos ? "?" : "&") +
                std::string("api-version=2021-04-01");
    http::Request req;
    req.method = method;
    req.target = target;
    auto q = target.find('?');
    req.path = target.substr(0, q);
    req.query_string = q == std::string::npos ? "" : target.substr(q + 1);
    req.query = http::parse_form(req.query_string);
    req.listener = "arm";
    req.host = "management.azure.com";
    req.headers.set("Host", "management.azure.com");
    if (!token.empty()) req.headers.set("Authorization", "Bearer " + token);
    if (!body.is_null()) {
      req.body = body.is_string() ? body.get<std::string>() : body.dump();
      req.headers.set("Content-Type", "application/json");
    }
    req.request_id = ids_.guid();
    return service_->listeners().front().router->dispatch(req);
  }

  static nlohmann::json body_of(const http::Response& res) {
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    return j.is_discarded() ? nlohmann::json() : j;
  }

  void advance(Duration d) { clock_.advance(d); }

  VirtualClock clock_{VirtualClock::Mode::kManual, parse_iso8601("2026-01-01T00:00:00Z").value()};
  IdSource ids_{7};
  store::StateDir state_{""};
  pki::LabPki pki_;
  FakeValidator validator_;
  FakeLookup lookup_;
  std::unique_ptr<ArmService> service_;
};

}  // namespace emu::arm::testing
