#include "emulator/site/tokens/signing_certs.h"

#include "emulator/core/crypto/pem.h"
#include "tests/testlib/temp_dir.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace emu::site {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
namespace fs = std::filesystem;

TimePoint at(const char* iso) { return parse_iso8601(iso).value(); }

std::string hex_to_bytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

std::string make_token(const std::string& header, const std::string& payload,
                       const std::string& sig) {
  return base64url_encode(header) + "." + base64url_encode(payload) + "." + base64url_encode(sig);
}

// One in-memory certificate for the whole suite (RSA key generation is the slow part).
class SiteCertsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = SiteSigningCert::ensure("", "PS1", "token-signing", at("2026-01-01T12:00:00.5Z"));
    ASSERT_TRUE(c.ok()) << c.status().to_string();
    cert_ = new std::shared_ptr<const SiteSigningCert>(*c);
  }
  static void TearDownTestSuite() { delete cert_; }
  static const SiteSigningCert& cert() { return **cert_; }
  static std::shared_ptr<const SiteSigningCert>* cert_;
  test::TempDir tmp_;
};
std::shared_ptr<const SiteSigningCert>* SiteCertsTest::cert_ = nullptr;

TEST_F(SiteCertsTest, CreatesSelfSignedRsa2048Certificate) {
  const auto& c = cert();
  EXPECT_EQ(c.subject(), "SMS Issuing");
  EXPECT_THAT(c.thumbprint(), MatchesRegex("[0-9A-F]{40}"));
  EXPECT_EQ(c.x5t(), base64url_encode(hex_to_bytes(c.thumbprint())));
  EXPECT_EQ(c.not_before(), at("2025-12-31T12:00:00Z"));
  EXPECT_EQ(c.not_after(), at("2025-12-31T12:00:00Z") + std::chrono::hours(24 * 1826));
  auto x509 = crypto::parse_cert_pem(c.cert_pem());
  ASSERT_TRUE(x509.ok());
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(x509->get())), 2048);
  EXPECT_EQ(X509_get_signature_nid(x509->get()), NID_sha256WithRSAEncryption);
  // Self-signed: issuer == subject, and the signature verifies with its own key.
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(x509->get()), X509_get_subject_name(x509->get())),
            0);
  EXPECT_EQ(X509_verify(x509->get(), X509_get0_pubkey(x509->get())), 1);
  EXPECT_EQ(X509_get_key_usage(x509->get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_check_ca(x509->get()), 0);
}

TEST_F(SiteCertsTest, PersistsAndReusesKeyAndCertificate) {
  const TimePoint now = at("2026-01-01T00:00:00Z");
  auto first = SiteSigningCert::ensure(tmp_.path() + "/pki", "ps1", "site-signing", now);
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ((*first)->subject(), "Site Server Signing Certificate");
  const std::string base = tmp_.path() + "/pki/site-PS1-site-signing";
  EXPECT_EQ(site_signing_cert_base(tmp_.path() + "/pki", "ps1", "site-signing"), base);
  EXPECT_EQ(test::read_file(base + ".crt"), (*first)->cert_pem());
  EXPECT_EQ(fs::status(base + ".key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  auto again = SiteSigningCert::ensure(tmp_.path() + "/pki", "PS1", "site-signing",
                                       now + std::chrono::hours(24 * 365));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->thumbprint(), (*first)->thumbprint());
  // A token signed by the reloaded key verifies against the original certificate.
  auto token = (*again)->sign_jwt({{"a", 1}});
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(verify_jwt(*token, (*first)->cert_pem()).ok());
}

TEST_F(SiteCertsTest, ReplacesCorruptMismatchedOrExpiredFiles) {
  const TimePoint now = at("2026-01-01T00:00:00Z");
  auto ensure = [&](TimePoint t) {
    return SiteSigningCert::ensure(tmp_.path(), "ABC", "token-signing", t).value();
  };
  const std::string base = tmp_.path() + "/site-ABC-token-signing";
  auto original = ensure(now);

  ASSERT_TRUE(test::write_file(base + ".crt", "garbage"));
  auto after_corrupt = ensure(now);
  EXPECT_NE(after_corrupt->thumbprint(), original->thumbprint());
  EXPECT_EQ(test::read_file(base + ".crt"), after_corrupt->cert_pem());

  // Someone else's certificate next to our key: not ours, so both are replaced.
  ASSERT_TRUE(test::write_file(base + ".crt", cert().cert_pem()));
  auto after_mismatch = ensure(now);
  EXPECT_NE(after_mismatch->thumbprint(), cert().thumbprint());
  EXPECT_NE(after_mismatch->thumbprint(), after_corrupt->thumbprint());

  auto after_expiry = ensure(after_mismatch->not_after() + std::chrono::seconds(1));
  EXPECT_NE(after_expiry->thumbprint(), after_mismatch->thumbprint());
}

TEST_F(SiteCertsTest, RejectsBadSiteCodeAndKind) {
  const TimePoint now = at("2026-01-01T00:00:00Z");
  for (const char* code : {"", "P1", "PS12", "P/1", "../"}) {
    auto r = SiteSigningCert::ensure(tmp_.path(), code, "token-signing", now);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << code;
    EXPECT_EQ(r.status().message(),
              std::string("not a site code (3 letters or digits): '") + code + "'");
  }
  auto kind = SiteSigningCert::ensure(tmp_.path(), "PS1", "client", now);
  EXPECT_EQ(kind.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(kind.status().message(),
            "unknown site certificate kind 'client' (expected token-signing or site-signing)");
  EXPECT_TRUE(fs::is_empty(tmp_.path()));
}

TEST_F(SiteCertsTest, SignsAndVerifiesRs256) {
  auto token = cert().sign_jwt({{"b", 2}, {"a", "x"}});
  ASSERT_TRUE(token.ok()) << token.status().to_string();
  const std::string header_b64 = token->substr(0, token->find('.'));
  EXPECT_EQ(base64url_decode(header_b64).value(),
            R"({"typ":"JWT","alg":"RS256","x5t":")" + cert().x5t() + R"("})");
  auto payload = verify_jwt(*token, cert().cert_pem());
  ASSERT_TRUE(payload.ok()) << payload.status().to_string();
  EXPECT_EQ(*payload, nlohmann::json({{"a", "x"}, {"b", 2}}));
  // RS256 with RSA-2048: a 256-byte signature.
  EXPECT_EQ(base64url_decode(token->substr(token->rfind('.') + 1))->size(), 256u);
}

TEST_F(SiteCertsTest, SignJwtOrderedKeepsMemberOrder) {
  nlohmann::ordered_json payload = {{"z", 1}, {"a", 2}};
  auto token = cert().sign_jwt_ordered(payload);
  ASSERT_TRUE(token.ok());
  size_t d1 = token->find('.'), d2 = token->rfind('.');
  EXPECT_EQ(base64url_decode(token->substr(d1 + 1, d2 - d1 - 1)).value(), R"({"z":1,"a":2})");
  EXPECT_TRUE(verify_jwt(*token, cert().cert_pem()).ok());
}

TEST_F(SiteCertsTest, SignJwtRejectsInvalidUtf8) {
  auto token = cert().sign_jwt({{"a", std::string("\xff\xfe")}});
  EXPECT_EQ(token.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(token.status().message(), HasSubstr("cannot be serialized"));
}

TEST_F(SiteCertsTest, VerifyRejectsTamperingAndForeignKeys) {
  auto token = cert().sign_jwt({{"a", 1}}).value();
  size_t d1 = token.find('.'), d2 = token.rfind('.');
  std::string tampered =
      token.substr(0, d1 + 1) + base64url_encode(R"({"a":2})") + token.substr(d2);
  auto bad = verify_jwt(tampered, cert().cert_pem());
  EXPECT_EQ(bad.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(bad.status().message(), "JWT signature does not verify with the signing certificate");

  auto other = SiteSigningCert::ensure("", "PS1", "site-signing", at("2026-01-01T00:00:00Z"));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(verify_jwt(token, (*other)->cert_pem()).status().code(), StatusCode::kPermissionDenied);

  std::string sig = base64url_decode(token.substr(d2 + 1)).value();
  auto none = verify_jwt(make_token(R"({"alg":"none"})", R"({"a":1})", sig), cert().cert_pem());
  EXPECT_EQ(none.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(none.status().message(), R"(JWT alg "none" is not RS256)");
  auto hs = verify_jwt(make_token(R"({"typ":"JWT"})", "{}", sig), cert().cert_pem());
  EXPECT_EQ(hs.status().message(), "JWT alg (none) is not RS256");
}

TEST_F(SiteCertsTest, VerifyRejectsMalformedTokens) {
  const std::string pem = cert().cert_pem();
  const std::string header = R"({"typ":"JWT","alg":"RS256"})";
  struct Case {
    std::string token;
    std::string message;
  } cases[] = {
      {"a.b", "malformed JWT: expected three dot-separated parts"},
      {"a.b.c.d", "malformed JWT: expected three dot-separated parts"},
      {"", "malformed JWT: expected three dot-separated parts"},
      {"e+J.e30.AA", "malformed JWT header"},
      {base64url_encode("[1]") + ".e30.AA", "JWT header is not a JSON object"},
      {base64url_encode(header) + ".!!.AA", "malformed JWT payload"},
      {base64url_encode(header) + "." + base64url_encode("not json") + ".AA",
       "JWT payload is not a JSON object"},
      {base64url_encode(header) + ".e30.A", "malformed JWT signature"},
  };
  for (const auto& c : cases) {
    auto r = verify_jwt(c.token, pem);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.token;
    EXPECT_EQ(r.status().message(), c.message) << c.token;
  }
  auto token = cert().sign_jwt({{"a", 1}}).value();
  auto bad_pem = verify_jwt(token, "not a certificate");
  EXPECT_EQ(bad_pem.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_pem.status().message(), HasSubstr("bad signing certificate"));
}

}  // namespace
}  // namespace emu::site
