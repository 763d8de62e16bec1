// Signing keys: base64url and JWT splitting, key import/generation in the PKI folder, the JWKS
// checked with OpenSSL independently of the key set, RS256 signatures, rollover, removal and
// persistence.
#include "emulator/aad/keys/signing_keys.h"

#include "emulator/aad/keys/rsa_key.h"
#include "tests/testlib/temp_dir.h"
#include "tests/unit/aad/signing_keys_test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace emu::aad {
namespace {

using ::testing::HasSubstr;
using testing::open_test_keys;
using testing::shared_key_dir;
using ::testing::StartsWith;

const TimePoint kStart = parse_iso8601("2026-03-01T12:00:00Z").value();

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

Pkey read_key_file(const std::string& path) {
  std::string pem = test::read_file(path);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Pkey key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return key;
}

std::string bn_bytes(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1);
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

// Standard base64 (with padding) to bytes.
std::string base64_decode(const std::string& text) {
  std::string out(text.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  EXPECT_GE(n, 0);
  size_t padding = text.size() - text.find_last_not_of('=') - 1;
  out.resize(static_cast<size_t>(n) - padding);  // EVP_DecodeBlock counts padding as zeros
  return out;
}

std::string sha1(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

// Independent RS256 verification with OpenSSL and the public key `key`.
bool openssl_verifies(EVP_PKEY* key, const std::string& token) {
  auto jwt = parse_jwt(token);
  if (!jwt.ok()) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(jwt->signature.data()),
                             jwt->signature.size(),
                             reinterpret_cast<const unsigned char*>(jwt->signing_input.data()),
                             jwt->signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

TEST(Base64Url, EncodesKnownVectorsWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode(std::string("\xfb\xff\xbf", 3)), "-_-_");
}

TEST(Base64Url, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    auto back = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    ASSERT_EQ(*back, bytes);
    bytes += static_cast<char>((i * 37) & 0xff);
  }
}

TEST(Base64Url, RejectsPaddingForeignAlphabetAndNonCanonicalText) {
  for (const char* bad : {"Zg==", "Zm+v", "Zm/v", "Z", "Zm9vY", "Zh", "Zm9", "Zm 9v"}) {
    auto r = base64url_decode(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(base64url_decode("Zh").status().message(), "base64url text has non-zero trailing bits");
}

TEST(ParseJwt, SplitsThreePartsAndDecodesJson) {
  std::string token = base64url_encode(R"({"alg":"RS256"})") + "." +
                      base64url_encode(R"({"aud":"x"})") + "." + base64url_encode("sig");
  auto jwt = parse_jwt(token);
  ASSERT_TRUE(jwt.ok()) << jwt.status().to_string();
  EXPECT_EQ(jwt->header["alg"], "RS256");
  EXPECT_EQ(jwt->payload["aud"], "x");
  EXPECT_EQ(jwt->signature, "sig");
  EXPECT_EQ(jwt->signing_input, token.substr(0, token.rfind('.')));
  // An unsigned token still splits (the validator then refuses its alg).
  EXPECT_TRUE(parse_jwt(token.substr(0, token.rfind('.') + 1)).ok());
}

TEST(ParseJwt, RejectsWhatIsNotThreeBase64UrlJsonObjectParts) {
  const std::string obj = base64url_encode("{}");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "three dot-separated parts"},
      {obj + "." + obj, "three dot-separated parts"},
      {obj + "." + obj + ".." + obj, "three dot-separated parts"},
      {"{}." + obj + ".", "the JWT header is not base64url"},
      {base64url_encode("not json") + "." + obj + ".", "the JWT header is not a JSON object"},
      {obj + "." + base64url_encode("[1]") + ".", "the JWT payload is not a JSON object"},
      {obj + "." + obj + ".a+b", "the JWT signature is not base64url"},
  };
  for (const auto& [token, message] : cases) {
    auto r = parse_jwt(token);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << token;
    EXPECT_THAT(r.status().message(), HasSubstr(message)) << token;
  }
}

TEST(SigningKeysDdl, CreatesTheExpectedColumns) {
  auto db = store::Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec(kSigningKeysDdl).ok());
  auto cols =
      store::query_readonly(**db, "SELECT name, type, pk FROM pragma_table_info('signing_keys')");
  ASSERT_TRUE(cols.ok()) << cols.status().to_string();
  std::vector<std::string> got;
  for (const auto& row : cols->rows) got.push_back(*row[0] + " " + *row[1] + " " + *row[2]);
  EXPECT_THAT(got, ::testing::ElementsAre("kid TEXT 1", "key_pem TEXT 0", "cert_pem TEXT 0",
                                          "active INTEGER 0", "created TEXT 0", "seq INTEGER 0"));
}

class SigningKeysTest : public ::testing::Test {
 protected:
  VirtualClock clock_{VirtualClock::Mode::kManual, kStart};
};

TEST_F(SigningKeysTest, OpenImportsTheFolderKeysAndMakesKeyOneActive) {
  testing::TestKeys t = open_test_keys(clock_);
  ASSERT_NE(t.keys, nullptr);
  auto keys = t.keys->keys();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_TRUE(keys[0].active);
  EXPECT_FALSE(keys[1].active);
  EXPECT_EQ(t.keys->active_kid(), keys[0].kid);
  EXPECT_NE(keys[0].kid, keys[1].kid);
  for (const SigningKeyInfo& k : keys) {
    EXPECT_EQ(k.kid, k.x5t);
    EXPECT_EQ(k.kid.size(), 27u);  // base64url of 20 bytes
    EXPECT_EQ(k.created, kStart);
  }
}

TEST_F(SigningKeysTest, JwksPublishesEachKeyAsOpenSslSeesIt) {
  testing::TestKeys t = open_test_keys(clock_);
  ASSERT_NE(t.keys, nullptr);
  nlohmann::json jwks = t.keys->jwks();
  ASSERT_EQ(jwks["keys"].size(), 2u);
  auto infos = t.keys->keys();
  for (int n = 1; n <= 2; ++n) {
    const nlohmann::json& jwk = jwks["keys"][n - 1];
    SCOPED_TRACE(jwk.dump());
    EXPECT_EQ(jwk.size(), 7u);
    EXPECT_EQ(jwk["kty"], "RSA");
    EXPECT_EQ(jwk["use"], "sig");
    EXPECT_EQ(jwk["kid"], infos[n - 1].kid);
    EXPECT_EQ(jwk["x5t"], infos[n - 1].kid);
    Pkey key = read_key_file(shared_key_dir() + "/aad-signing-" + std::to_string(n) + ".key");
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(base64url_decode(jwk["n"].get<std::string>()).value(),
              bn_bytes(key.get(), OSSL_PKEY_PARAM_RSA_N));
    EXPECT_EQ(jwk["e"], "AQAB");
    ASSERT_EQ(jwk["x5c"].size(), 1u);
    EXPECT_EQ(jwk["x5c"][0], infos[n - 1].cert_der_b64);
    std::string der = base64_decode(jwk["x5c"][0].get<std::string>());
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    Cert cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    ASSERT_NE(cert, nullptr);
    EXPECT_EQ(base64url_encode(sha1(der)), jwk["x5t"]);
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.get()), 1);
    char cn[128] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn);
    EXPECT_STREQ(cn, "accounts.accesscontrol.windows.net");
    EXPECT_EQ(X509_check_issued(cert.get(), cert.get()), X509_V_OK);  // self-signed
    EXPECT_EQ(X509_verify(cert.get(), key.get()), 1);
  }
}

TEST_F(SigningKeysTest, SignProducesADeterministicRs256JwsThatOpenSslVerifies) {
  testing::TestKeys t = open_test_keys(clock_);
  ASSERT_NE(t.keys, nullptr);
  const nlohmann::json payload = {{"aud", "https://management.azure.com/"}, {"exp", 1}};
  auto token = t.keys->sign(payload);
  ASSERT_TRUE(token.ok()) << token.status().to_string();
  EXPECT_EQ(*t.keys->sign(payload), *token);  // PKCS#1 v1.5 is deterministic
  const std::string kid = t.keys->active_kid();
  const std::string header = *base64url_decode(token->substr(0, token->find('.')));
  EXPECT_EQ(header, R"({"typ":"JWT","alg":"RS256","x5t":")" + kid + R"(","kid":")" + kid + "\"}");
  auto jwt = parse_jwt(*token);
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(jwt->payload, payload);
  EXPECT_EQ(jwt->signature.size(), 256u);
  Pkey key = read_key_file(shared_key_dir() + "/aad-signing-1.key");
  EXPECT_TRUE(openssl_verifies(key.get(), *token));
  Pkey other = read_key_file(shared_key_dir() + "/aad-signing-2.key");
  EXPECT_FALSE(openssl_verifies(other.get(), *token));
  EXPECT_TRUE(t.keys->verify(kid, jwt->signing_input, jwt->signature).ok());
}

TEST_F(SigningKeysTest, SignMergesExtraHeaderButKeepsAlgAndKid) {
  testing::TestKeys t = open_test_keys(clock_);
  ASSERT_NE(t.keys, nullptr);
  auto token = t.keys->sign(
      {{"a", 1}},
      {{"typ", "at+jwt"}, {"nonce", "n1"}, {"alg", "none"}, {"kid", "forged"}, {"x5t", "forged"}});
  ASSERT_TRUE(token.ok()) << token.status().to_string();
  auto jwt = parse_jwt(*token);
  ASSERT_TRUE(jwt.ok());
  EXPECT_EQ(jwt->header, nlohmann::json({{"typ", "at+jwt"},
                                         {"alg", "RS256"},
                                         {"x5t", t.keys->active_kid()},
                                         {"kid", t.keys->active_kid()},
                                         {"nonce", "n1"}}));
}

TEST_F(SigningKeysTest, SignRefusesPayloadsThatAreNotSerialisableObjects) {
  testing::TestKeys t = open_test_keys(clock_);
  ASSERT_NE(t.keys, nullptr);
  EXPECT_EQ(t.keys->sign(nlohmann::json::array()).status().message(),
            "a JWT payload must be a JSON object");
  EXPECT_EQ(t.keys->sign({{"a", 1}}, "x").status().message(), "a JWS header must be a JSON object");
  auto bad_utf8 = t.keys->sign({{"name", std::string("\xff\xfe")}});
  EXPECT_EQ(bad_utf8.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_utf8.status().message(), StartsWith("cannot serialise the JWT"));
}

TEST_F(SigningKeysTest, VerifyDistinguishesUnknownKeyFromBadSignature) {
  testing::TestKeys t = open_test_keys(clock_);
  ASSERT_NE(t.keys, nullptr);
  auto jwt = parse_jwt(*t.keys->sign({{"a", 1}}));
  ASSERT_TRUE(jwt.ok());
  Status unknown = t.keys->verify("nope", jwt->signing_input, jwt->signature);
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown.message(), "no signing key with kid 'nope'");
  std::string sig = jwt->signature;
  sig[100] = static_cast<char>(sig[100] ^ 0x01);
  Status bad = t.keys->verify(t.keys->active_kid(), jwt->signing_input, sig);
  EXPECT_EQ(bad.code(), StatusCode::kPermissionDenied);
  // Key 2 is published but did not sign this.
  Status other = t.keys->verify(t.keys->keys()[1].kid, jwt->signing_input, jwt->signature);
  EXPECT_EQ(other.code(), StatusCode::kPermissionDenied);
}

TEST_F(SigningKeysTest, OpenRejectsBadArguments) {
  auto db = store::Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec(kSigningKeysDdl).ok());
  auto zero = SigningKeySet::open(**db, shared_key_dir(), 0, clock_);
  EXPECT_EQ(zero.status().message(), "signing key count must be at least 1");
  auto no_dir = SigningKeySet::open(**db, "", 1, clock_);
  EXPECT_EQ(no_dir.status().message(), "the PKI directory for signing keys is empty");
  auto no_table = store::Database::open(":memory:");
  ASSERT_TRUE(no_table.ok());
  auto missing = SigningKeySet::open(**no_table, shared_key_dir(), 1, clock_);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("no such table: signing_keys"));
}

TEST_F(SigningKeysTest, OpenRefusesAKeyFileThatIsNotRsa2048) {
  test::TempDir dir;
  Pkey ec(EVP_EC_gen("P-256"));
  ASSERT_NE(ec, nullptr);
  BIO* bio = BIO_new_file(dir.file("aad-signing-1.key").c_str(), "w");
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio, ec.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
  BIO_free(bio);
  auto t = store::Database::open(":memory:");
  ASSERT_TRUE((*t)->exec(kSigningKeysDdl).ok());
  auto keys = SigningKeySet::open(**t, dir.path(), 1, clock_);
  EXPECT_EQ(keys.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(keys.status().message(),
              HasSubstr("signing key is not an RSA key of at least 2048 bits"));
}

}  // namespace
}  // namespace emu::aad
