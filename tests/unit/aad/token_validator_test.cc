// The token validator: round trips of v1 app and v2 user tokens into a Principal, and the
// rejections that concern the JWS itself (forged or tampered signatures, alg none, HS256 with
// the public key as secret, unknown keys, rolled and removed keys).
#include "emulator/aad/public/token_validator.h"

#include "emulator/aad/keys/rsa_key.h"
#include "tests/testlib/temp_dir.h"
#include "tests/unit/aad/token_validator_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

namespace emu::aad {
namespace {

using ::testing::ElementsAre;
using namespace testing;  // NOLINT: the fixture's constants

// The RSA public key of the shared key file `n`, as PEM (SubjectPublicKeyInfo) or DER.
std::string public_key(int n, bool pem) {
  std::string key_pem =
      test::read_file(testing::shared_key_dir() + "/aad-signing-" + std::to_string(n) + ".key");
  BIO* in = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  std::string out;
  if (pem) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key);
    BUF_MEM* mem = nullptr;
    BIO_get_mem_ptr(bio, &mem);
    out.assign(mem->data, mem->length);
    BIO_free(bio);
  } else {
    unsigned char* der = nullptr;
    int len = i2d_PUBKEY(key, &der);
    out.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
  }
  EVP_PKEY_free(key);
  return out;
}

std::string hs256(const std::string& secret, const std::string& input) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), md, &len);
  return std::string(reinterpret_cast<char*>(md), len);
}

TEST_F(TokenValidatorTest, AcceptsAV1AppTokenAndFillsThePrincipal) {
  TokenCheck c = check(sign(app_claims()));
  ASSERT_TRUE(c.ok()) << c.message;
  EXPECT_EQ(c.error, TokenError::kNone);
  const Principal& p = c.principal;
  EXPECT_EQ(p.tenant_id, kTid);
  EXPECT_EQ(p.object_id, kOid);
  EXPECT_EQ(p.app_id, kAppId);
  EXPECT_EQ(p.idtyp, "app");
  EXPECT_EQ(p.upn, "");
  EXPECT_EQ(p.audience, kArm);
  EXPECT_EQ(p.issuer, "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/");
  EXPECT_EQ(p.version, "1.0");
  EXPECT_TRUE(p.scopes.empty());
  EXPECT_THAT(p.roles, ElementsAre("Directory.Read.All", "User.Read.All"));
  EXPECT_EQ(p.claims, app_claims());
}

TEST_F(TokenValidatorTest, AcceptsAV2UserTokenAndFillsThePrincipal) {
  TokenCheck c = check(sign(user_claims()));
  ASSERT_TRUE(c.ok()) << c.message;
  const Principal& p = c.principal;
  EXPECT_EQ(p.app_id, kAppId);
  EXPECT_EQ(p.idtyp, "user");
  EXPECT_EQ(p.upn, "admin@contoso.onmicrosoft.com");
  EXPECT_EQ(p.issuer,
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0");
  EXPECT_EQ(p.version, "2.0");
  EXPECT_THAT(p.scopes, ElementsAre("User.Read", "Directory.Read.All"));
  EXPECT_TRUE(p.roles.empty());
}

TEST_F(TokenValidatorTest, PrincipalFallsBackToUpnClaimsAndIssuerVersion) {
  Json c = user_claims();
  c.erase("preferred_username");
  c.erase("ver");
  c["unique_name"] = "live.com#bob@outlook.com";
  TokenCheck v2 = check(sign(c));
  ASSERT_TRUE(v2.ok()) << v2.message;
  EXPECT_EQ(v2.principal.upn, "live.com#bob@outlook.com");
  EXPECT_EQ(v2.principal.version, "2.0");
  c["upn"] = "bob@contoso.com";
  c["iss"] = v1_issuer(kTid);
  TokenCheck v1 = check(sign(c));
  ASSERT_TRUE(v1.ok()) << v1.message;
  EXPECT_EQ(v1.principal.upn, "bob@contoso.com");
  EXPECT_EQ(v1.principal.version, "1.0");
}

TEST_F(TokenValidatorTest, RejectsAFlippedSignatureByteAndATamperedPayload) {
  const std::string token = sign(app_claims());
  const std::string kid = keys_.keys->active_kid();
  auto jwt = parse_jwt(token);
  ASSERT_TRUE(jwt.ok());
  std::string sig = jwt->signature;
  sig[17] = static_cast<char>(sig[17] ^ 0x80);
  const std::string bad = "The token's signature does not verify with signing key '" + kid + "'.";
  expect_error(jwt->signing_input + "." + base64url_encode(sig), TokenError::kBadSignature, bad);
  Json elevated = app_claims();
  elevated["roles"] = {"Application.ReadWrite.All"};
  expect_error(b64(jwt->header) + "." + b64(elevated) + "." + base64url_encode(jwt->signature),
               TokenError::kBadSignature, bad);
}

TEST_F(TokenValidatorTest, RejectsATokenSignedByAnotherKeyUnderAPublishedKid) {
  const std::string dir = testing::shared_key_dir();
  auto other = internal::RsaKey::load(test::read_file(dir + "/aad-signing-2.key"),
                                      test::read_file(dir + "/aad-signing-2.crt"));
  ASSERT_TRUE(other.ok()) << other.status().to_string();
  const std::string kid = keys_.keys->active_kid();
  const Json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"kid", kid}};
  const std::string input = b64(header) + "." + b64(app_claims());
  auto sig = (*other)->sign(input);
  ASSERT_TRUE(sig.ok());
  expect_error(input + "." + base64url_encode(*sig), TokenError::kBadSignature,
               "The token's signature does not verify with signing key '" + kid + "'.");
}

TEST_F(TokenValidatorTest, RefusesAlgNoneBeforeLookingAtTheKey) {
  const std::string kid = keys_.keys->active_kid();
  expect_error(compose({{"typ", "JWT"}, {"alg", "none"}, {"kid", kid}}, app_claims(), ""),
               TokenError::kBadAlgorithm,
               "The token's signing algorithm 'none' is not allowed; only RS256-signed tokens are "
               "accepted.");
  // Algorithm comes first: an unknown kid with alg none is still an algorithm error.
  EXPECT_EQ(check(compose({{"alg", "none"}, {"kid", "nope"}}, app_claims(), "")).error,
            TokenError::kBadAlgorithm);
  expect_error(compose({{"typ", "JWT"}}, app_claims(), ""), TokenError::kBadAlgorithm,
               "The token header has no 'alg'; only RS256-signed tokens are accepted.");
  EXPECT_EQ(check(compose({{"alg", "rs256"}, {"kid", kid}}, app_claims(), "x")).error,
            TokenError::kBadAlgorithm);
}

TEST_F(TokenValidatorTest, RefusesHs256SignedWithThePublicKeyAsSecret) {
  const std::string kid = keys_.keys->active_kid();
  for (bool pem : {true, false}) {
    const std::string input =
        b64({{"typ", "JWT"}, {"alg", "HS256"}, {"kid", kid}}) + "." + b64(app_claims());
    const std::string token = input + "." + base64url_encode(hs256(public_key(1, pem), input));
    expect_error(token, TokenError::kBadAlgorithm,
                 "The token's signing algorithm 'HS256' is not allowed; only RS256-signed tokens "
                 "are accepted.");
  }
}

TEST_F(TokenValidatorTest, LooksUpTheKeyByKidOrElseX5t) {
  const std::string kid = keys_.keys->active_kid();
  auto jwt = parse_jwt(sign(app_claims()));
  ASSERT_TRUE(jwt.ok());
  auto resign = [&](const Json& header) {
    const std::string input = b64(header) + "." + b64(app_claims());
    const std::string dir = testing::shared_key_dir();
    auto key = internal::RsaKey::load(test::read_file(dir + "/aad-signing-1.key"),
                                      test::read_file(dir + "/aad-signing-1.crt"));
    return input + "." + base64url_encode(*(*key)->sign(input));
  };
  EXPECT_TRUE(check(resign({{"alg", "RS256"}, {"x5t", kid}})).ok());
  expect_error(resign({{"alg", "RS256"}, {"kid", "nope"}, {"x5t", kid}}), TokenError::kUnknownKey,
               "The token is signed with key 'nope', which is not one of the issuer's published "
               "signing keys.");
  expect_error(resign({{"alg", "RS256"}}), TokenError::kUnknownKey,
               "The token header names no signing key (neither 'kid' nor 'x5t').");
}

TEST_F(TokenValidatorTest, RolledAndRemovedKeys) {
  const std::string old_token = sign(app_claims());
  const std::string old_kid = keys_.keys->active_kid();
  auto rolled = keys_.keys->roll();
  ASSERT_TRUE(rolled.ok()) << rolled.status().to_string();
  const std::string new_token = sign(app_claims());
  EXPECT_EQ(parse_jwt(new_token)->header["kid"], *rolled);
  EXPECT_TRUE(check(old_token).ok());
  EXPECT_TRUE(check(new_token).ok());
  ASSERT_TRUE(keys_.keys->remove(old_kid).ok());
  expect_error(old_token, TokenError::kUnknownKey,
               "The token is signed with key '" + old_kid +
                   "', which is not one of the issuer's published signing keys.");
  EXPECT_TRUE(check(new_token).ok());
}

}  // namespace
}  // namespace emu::aad
