// Finding 3 of issue 11: a token of any shape is answered with a reason, never an exception,
// UB or a half-read claim. An array `aud` is legal JWT (RFC 7519 §4.1.3) and is validated as
// such. Tokens here carry valid signatures, so every check after the signature is reached.
#include "emulator/aad/public/token_validator.h"
#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/files.h"
#include "tests/unit/aad/token_validator_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::aad {
namespace {

using namespace testing;  // NOLINT: the fixture's constants
using ::testing::HasSubstr;

class MalformedTokenTest : public TokenValidatorTest {
 protected:
  // Signs raw header and payload texts with the active test key (aad-signing-1).
  std::string sign_raw(const std::string& header, const std::string& payload) {
    const std::string input = base64url_encode(header) + "." + base64url_encode(payload);
    auto pem = read_file(shared_key_dir() + "/aad-signing-1.key");
    if (!pem.ok()) {
      ADD_FAILURE() << pem.status().to_string();
      return input + ".";
    }
    auto key = crypto::parse_key_pem(*pem);
    if (!key.ok()) {
      ADD_FAILURE() << key.status().to_string();
      return input + ".";
    }
    auto sig = crypto::rs256_sign(key->get(), input);
    EXPECT_TRUE(sig.ok());
    return input + "." + base64url_encode(sig.ok() ? *sig : std::string());
  }
  std::string header_text(const Json& extra = Json::object()) const {
    Json h = {{"typ", "JWT"}, {"alg", "RS256"}, {"kid", keys_.keys->active_kid()}};
    h.update(extra);
    return h.dump();
  }
  // The outcome must be a refusal with a reason; any exception fails the test.
  TokenCheck refused(const std::string& token) {
    TokenCheck c;
    EXPECT_NO_THROW(c = check(token));
    EXPECT_FALSE(c.ok()) << token;
    EXPECT_FALSE(c.message.empty());
    return c;
  }
};

TEST_F(MalformedTokenTest, Finding3_ArrayAudienceIsValidatedAsAnArray) {
  Json c = app_claims();
  c["aud"] = {"https://graph.microsoft.com", kArm};
  TokenCheck accepted = check(sign(c));
  ASSERT_TRUE(accepted.ok()) << accepted.message;
  EXPECT_EQ(accepted.principal.audience, kArm);

  c["aud"] = {"https://graph.microsoft.com", "api://other"};
  TokenCheck wrong = refused(sign(c));
  EXPECT_EQ(wrong.error, TokenError::kBadAudience);
  EXPECT_EQ(wrong.token_audiences,
            (std::vector<std::string>{"https://graph.microsoft.com", "api://other"}));
  EXPECT_THAT(wrong.message, HasSubstr("'https://graph.microsoft.com', 'api://other' is not"));

  c["aud"] = Json::array();
  EXPECT_EQ(refused(sign(c)).error, TokenError::kBadAudience);
  for (const Json& bad : {Json({kArm, 5}), Json(42), Json::object(), Json(nullptr), Json(true)}) {
    c["aud"] = bad;
    TokenCheck t = refused(sign(c));
    EXPECT_EQ(t.error, TokenError::kMalformed) << bad.dump();
    EXPECT_EQ(t.message, "The token's 'aud' claim is neither a string nor an array of strings.");
  }
  c["aud"] = kArm;
  c["exp"] = unix_seconds(kNow) - 3600;
  TokenCheck expired = refused(sign(c));
  EXPECT_EQ(expired.error, TokenError::kExpired);
  EXPECT_EQ(expired.expires_at, kNow - std::chrono::hours(1));
}

TEST_F(MalformedTokenTest, Finding3_ClaimsOfTheWrongTypeAreMalformed) {
  for (const char* name : {"iss", "tid", "oid", "sub", "appid", "azp", "ver", "idtyp", "upn", "scp",
                           "preferred_username", "unique_name"}) {
    for (const Json& bad : {Json(1), Json::array({"x"}), Json::object(), Json(nullptr)}) {
      Json c = app_claims();
      c[name] = bad;
      TokenCheck t = refused(sign(c));
      EXPECT_EQ(t.error, TokenError::kMalformed) << name << "=" << bad.dump();
      EXPECT_EQ(t.message, std::string("The token's '") + name + "' claim is not a string.");
    }
  }
  for (const Json& bad : {Json("Directory.Read.All"), Json({1, 2}), Json::object()}) {
    Json c = app_claims();
    c["roles"] = bad;
    TokenCheck t = refused(sign(c));
    EXPECT_EQ(t.error, TokenError::kMalformed) << bad.dump();
    EXPECT_EQ(t.message, "The token's 'roles' claim is not an array of strings.");
  }
  for (const char* name : {"exp", "nbf", "iat"}) {
    for (const Json& bad :
         {Json("1767272400"), Json(-1), Json(-1.5), Json(1e300), Json(18446744073709551615ULL),
          Json(-9223372036854775807LL - 1), Json::array(), Json(false)}) {
      Json c = app_claims();
      c[name] = bad;
      TokenCheck t = refused(sign(c));
      EXPECT_EQ(t.error, TokenError::kMalformed) << name << "=" << bad.dump();
      EXPECT_EQ(t.message,
                std::string("The token's '") + name + "' claim is not a valid NumericDate.");
    }
  }
}

TEST_F(MalformedTokenTest, Finding3_HeaderFieldsOfTheWrongTypeAreRefused) {
  const std::string payload = app_claims().dump();
  for (const char* name : {"typ", "x5t"}) {
    TokenCheck t = refused(sign_raw(header_text({{name, 7}}), payload));
    EXPECT_EQ(t.error, TokenError::kMalformed) << name;
    EXPECT_EQ(t.message, std::string("The token header's '") + name + "' is not a string.");
  }
  EXPECT_EQ(refused(sign_raw(header_text({{"alg", Json::array({"RS256"})}}), payload)).error,
            TokenError::kBadAlgorithm);
  EXPECT_EQ(refused(sign_raw(header_text({{"kid", 1}}), payload)).error, TokenError::kUnknownKey);
}

TEST_F(MalformedTokenTest, Finding3_DuplicateNamesAreRefused) {
  // RFC 7519 §4 / RFC 7515 §4: names must be unique; a parser may reject duplicates.
  const std::string claims = app_claims().dump();
  const std::string twice =
      claims.substr(0, claims.size() - 1) + ",\"aud\":\"https://graph.microsoft.com\"}";
  TokenCheck t = refused(sign_raw(header_text(), twice));
  EXPECT_EQ(t.error, TokenError::kMalformed);
  EXPECT_EQ(t.message,
            "The token is not a valid JWT: the JWT payload names a member more than once.");
  const std::string header = header_text();
  t = refused(sign_raw(header.substr(0, header.size() - 1) + ",\"alg\":\"none\"}", claims));
  EXPECT_EQ(t.message,
            "The token is not a valid JWT: the JWT header names a member more than once.");
  // Nested duplicates are no claim confusion: accepted as the JSON parser reads them.
  Json c = app_claims();
  c["xms_extra"] = Json::object();
  const std::string nested = c.dump();
  const std::string with_nested = nested.substr(0, nested.find("\"xms_extra\":{}")) +
                                  "\"xms_extra\":{\"a\":1,\"a\":2}" +
                                  nested.substr(nested.find("\"xms_extra\":{}") + 14);
  EXPECT_TRUE(check(sign_raw(header_text(), with_nested)).ok());
}

TEST_F(MalformedTokenTest, Finding3_HostileEncodingsAreMalformed) {
  const std::string h = base64url_encode(header_text());
  const std::string p = base64url_encode(app_claims().dump());
  const std::vector<std::string> tokens = {
      "..",
      h + "..",
      "." + p + ".",
      h + "." + p + "." + std::string(300, '!'),
      h + "." + base64url_encode(std::string(40, '[') + std::string(40, ']')) + ".x",
      h + "." + base64url_encode("{\"exp\":1e999999}") + ".x",
      h + "." + base64url_encode("{\"a\":\"\\ud800\"}") + ".x",
      h + "." + base64url_encode(std::string("{\"a\":\"\xff\xfe\"}")) + ".x",
      h + "." + base64url_encode("{\"a\":1} trailing") + ".x",
      h + "." + base64url_encode("\"just a string\"") + ".x",
      h + "." + p + "a",  // one stray base64url character on the payload
      h + "=." + p + ".x",
      std::string(kMaxTokenBytes, '.'),
  };
  for (const std::string& token : tokens) {
    TokenCheck t = refused(token);
    EXPECT_EQ(t.error, TokenError::kMalformed) << token.substr(0, 80) << ": " << t.message;
  }
  // Deep nesting in a signed payload is refused by the parse, not by recursion.
  Json c = app_claims();
  std::string deep = c.dump();
  deep = deep.substr(0, deep.size() - 1) + ",\"x\":" + std::string(10000, '[') +
         std::string(10000, ']') + "}";
  TokenCheck t = refused(sign_raw(header_text(), deep));
  EXPECT_EQ(t.message,
            "The token is not a valid JWT: the JWT payload is too large or too deeply nested.");
}

}  // namespace
}  // namespace emu::aad
