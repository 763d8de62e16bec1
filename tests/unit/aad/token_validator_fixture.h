// The token validator test fixture: keys from the shared test folder, a manual clock at
// kNow, a validator with ARM's audiences, and claim sets for a v1 app and a v2 user token.
#pragma once

#include "emulator/aad/keys/jws_validator.h"
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/aad/public/token_validator.h"
#include "tests/unit/aad/signing_keys_test_util.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace emu::aad::testing {

using Json = nlohmann::json;

inline constexpr char kTid[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";
inline constexpr char kOtherTid[] = "0c3b6a7e-1111-4222-8333-944445555666";
inline constexpr char kArm[] = "https://management.azure.com/";
inline constexpr char kAppId[] = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
inline constexpr char kOid[] = "6f1c2a70-0d1c-4c8e-9f43-2a1b3c4d5e6f";
inline const TimePoint kNow = parse_iso8601("2026-03-01T12:00:00Z").value();

inline std::string b64(const Json& j) { return base64url_encode(j.dump()); }

class TokenValidatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = testing::open_test_keys(clock_);
    ASSERT_NE(keys_.keys, nullptr);
    validator_ = make_token_validator(*keys_.keys, clock_);
    policy_.audiences = {kArm, "https://management.core.windows.net/"};
  }

  // An app-only v1 ARM token, valid for an hour from kNow.
  Json app_claims() const {
    const int64_t now = unix_seconds(kNow);
    return {{"aud", kArm},
            {"iss", v1_issuer(kTid)},
            {"iat", now},
            {"nbf", now},
            {"exp", now + 3600},
            {"appid", kAppId},
            {"appidacr", "1"},
            {"idtyp", "app"},
            {"oid", kOid},
            {"sub", kOid},
            {"tid", kTid},
            {"ver", "1.0"},
            {"roles", {"Directory.Read.All", "User.Read.All"}}};
  }
  // A delegated v2 token without idtyp (as v2 user tokens often are).
  Json user_claims() const {
    Json c = app_claims();
    c.erase("appid");
    c.erase("idtyp");
    c.erase("roles");
    c["iss"] = v2_issuer(kTid);
    c["ver"] = "2.0";
    c["azp"] = kAppId;
    c["scp"] = "User.Read  Directory.Read.All";
    c["preferred_username"] = "admin@contoso.onmicrosoft.com";
    return c;
  }
  std::string sign(const Json& claims) {
    auto token = keys_.keys->sign(claims);
    EXPECT_TRUE(token.ok()) << token.status().to_string();
    return token.ok() ? *token : std::string();
  }
  // A token with any header, signed (or not) by the caller.
  static std::string compose(const Json& header, const Json& claims, const std::string& sig) {
    return b64(header) + "." + b64(claims) + "." + base64url_encode(sig);
  }
  TokenCheck check(const std::string& token) const { return validator_->validate(token, policy_); }
  void expect_error(const std::string& token, TokenError error, const std::string& message) {
    TokenCheck c = check(token);
    EXPECT_EQ(c.error, error) << token_error_name(c.error) << ": " << c.message;
    EXPECT_EQ(c.message, message);
    EXPECT_FALSE(c.ok());
  }

  VirtualClock clock_{VirtualClock::Mode::kManual, kNow};
  testing::TestKeys keys_;
  std::unique_ptr<TokenValidator> validator_;
  ValidationPolicy policy_;
};

}  // namespace emu::aad::testing
