// Test fixture for the token service: a real Directory and SigningKeySet over an in-memory
// database, the router built by make_token_router, a validator over the same keys, a manual
// virtual clock, and one tenant with a user, a confidential app (secret + service principal)
// and helpers to drive the router with http::Request objects and check AADSTS replies.
#pragma once

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/keys/jws_validator.h"
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/aad/seed.h"
#include "emulator/aad/token/token_service.h"
#include "emulator/core/store/database.h"
#include "tests/unit/aad/signing_keys_test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace emu::aad::testing {

using Json = nlohmann::json;
using Fields = std::vector<std::pair<std::string, std::string>>;

inline constexpr char kHost[] = "login.microsoftonline.com";
inline constexpr char kSecret[] = "s3cr3t~value-of-the-app";
inline constexpr char kPassword[] = "P@ssw0rd!";
inline constexpr char kArmScope[] = "https://management.core.windows.net//.default";
inline constexpr char kArmResource[] = "https://management.core.windows.net/";
inline constexpr char kJwtBearer[] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

class TokenServiceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::open(":memory:");
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    db_ = std::move(db).value();
    auto dir = Directory::open(*db_, clock_, ids_);
    ASSERT_TRUE(dir.ok()) << dir.status().to_string();
    dir_ = std::move(dir).value();
    auto keys = SigningKeySet::open(*db_, shared_key_dir(), 2, clock_);
    ASSERT_TRUE(keys.ok()) << keys.status().to_string();
    keys_ = std::move(keys).value();
    router_ = std::make_unique<http::Router>(
        make_token_router(TokenServiceDeps{*dir_, *keys_, clock_, ids_, TokenLifetimes{}}));
    validator_ = make_token_validator(*keys_, clock_);

    tenant_ = dir_->create_tenant({"", "contoso.onmicrosoft.com", "Contoso"}).value();
    User u;
    u.tenant_id = tenant_.id;
    u.upn = "alice@contoso.onmicrosoft.com";
    u.display_name = "Alice Example";
    u.given_name = "Alice";
    u.surname = "Example";
    u.password = kPassword;
    u.directory_roles = {"Global Administrator"};
    user_ = dir_->create_user(u).value();

    Application a;
    a.tenant_id = tenant_.id;
    a.display_name = "ConfigMgr Server App";
    a.identifier_uris = {"https://ConfigMgrService"};
    a.web_redirect_uris = {"https://app.contoso.test/callback"};
    a.spa_redirect_uris = {"https://spa.contoso.test/"};
    a.password_credentials = {make_password_credential(
        kSecret, "main", clock_.now(), clock_.now() + std::chrono::hours(24), ids_)};
    app_ = dir_->create_application(a).value();
    ServicePrincipal sp;
    sp.app_id = app_.app_id;
    sp.tenant_id = tenant_.id;
    sp.display_name = app_.display_name;
    sp_ = dir_->create_service_principal(sp).value();
  }

  http::Request request(std::string method, const std::string& target, const Fields& form = {},
                        const std::string& host = kHost) {
    http::Request req;
    req.method = std::move(method);
    req.target = target;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) {
      req.query_string = target.substr(q + 1);
      req.query = http::parse_form(req.query_string);
    }
    req.headers.set("Host", host);
    req.host = host.substr(0, host.find(':'));
    req.listener = "aad";
    for (const auto& [k, v] : form)
      req.body += (req.body.empty() ? "" : "&") + http::url_encode(k) + "=" + http::url_encode(v);
    if (!form.empty()) req.headers.set("Content-Type", "application/x-www-form-urlencoded");
    return req;
  }

  http::Response post(const std::string& path, const Fields& form) {
    http::Request req = request("POST", path, form);
    return router_->dispatch(req);
  }
  http::Response get(const std::string& target, const std::string& host = kHost) {
    http::Request req = request("GET", target, {}, host);
    return router_->dispatch(req);
  }

  std::string token_path(int version = 2) const {
    return "/" + tenant_.id + (version == 2 ? "/oauth2/v2.0/token" : "/oauth2/token");
  }

  // client_credentials with the fixture app's secret for `scope`.
  Fields app_credentials(const std::string& scope = kArmScope) const {
    return {{"grant_type", "client_credentials"},
            {"client_id", app_.app_id},
            {"client_secret", kSecret},
            {"scope", scope}};
  }

  // ROPC by the Azure CLI, as MSAL sends it.
  Fields cli_password(const std::string& username, const std::string& password,
                      const std::string& scope = std::string(kArmScope) +
                                                 " offline_access openid profile") const {
    return {{"client_id", kAzureCliAppId}, {"grant_type", "password"}, {"username", username},
            {"password", password},        {"scope", scope},           {"client_info", "1"}};
  }

  static Json body(const http::Response& r) {
    return Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  }

  // The payload of a JWT, or null when it does not parse.
  static Json claims(const std::string& jwt) {
    auto parsed = parse_jwt(jwt);
    return parsed.ok() ? parsed->payload : Json();
  }

  // Checks an AADSTS reply: status, `error`, error_codes, and the description's first line.
  static void expect_aadsts(const http::Response& r, int status, const std::string& error,
                            int code) {
    EXPECT_EQ(r.status, status) << r.body;
    Json b = body(r);
    ASSERT_TRUE(b.is_object()) << r.body;
    EXPECT_EQ(b.value("error", ""), error) << r.body;
    EXPECT_EQ(b["error_codes"], Json::array({code})) << r.body;
    EXPECT_THAT(b.value("error_description", ""),
                ::testing::StartsWith("AADSTS" + std::to_string(code) + ": "));
    EXPECT_EQ(b.value("error_uri", ""),
              "https://login.microsoftonline.com/error?code=" + std::to_string(code));
  }

  VirtualClock clock_{VirtualClock::Mode::kManual, parse_iso8601("2026-03-01T12:00:00Z").value()};
  IdSource ids_{42};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Directory> dir_;
  std::unique_ptr<SigningKeySet> keys_;
  std::unique_ptr<http::Router> router_;
  std::unique_ptr<TokenValidator> validator_;
  Tenant tenant_;
  User user_;
  Application app_;
  ServicePrincipal sp_;
};

}  // namespace emu::aad::testing
