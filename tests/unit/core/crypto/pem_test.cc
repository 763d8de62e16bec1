#include "emulator/core/crypto/pem.h"

#include "emulator/core/crypto/cert.h"
#include "tests/unit/core/crypto/fixtures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>

namespace emu::crypto {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(Pem, CertificateRoundTripsThroughPemAndDer) {
  auto cert = parse_cert_pem(testing::kCertPem);
  ASSERT_TRUE(cert.ok()) << cert.status().to_string();
  EXPECT_EQ(cert_to_pem(cert->get()).value(), testing::kCertPem);
  std::string der = cert_to_der(cert->get()).value();
  auto again = parse_cert_der(der);
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(X509_cmp(cert->get(), again->get()), 0);
}

TEST(Pem, ReadsEveryCertificateInOrder) {
  auto certs = parse_certs_pem("junk before\n" + testing::kCertPem + testing::kCertPem);
  ASSERT_TRUE(certs.ok()) << certs.status().to_string();
  EXPECT_EQ(certs->size(), 2u);
  EXPECT_EQ(ERR_peek_error(), 0u);  // the expected end-of-input error is not left behind
}

TEST(Pem, ParseFailuresAreInvalidArgumentWithContextAndOpensslReason) {
  auto none = parse_certs_pem("no PEM here");
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(none.status().message(), StartsWith("parsing certificate PEM: "));
  EXPECT_THAT(none.status().message(), HasSubstr("no start line"));
  auto key = parse_key_pem(testing::kCertPem, "bad private key PEM");
  EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(key.status().message(), StartsWith("bad private key PEM: "));
  auto der = parse_cert_der("\x30\x03\x02\x01", "reading x");
  EXPECT_EQ(der.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(der.status().message(), StartsWith("reading x: error:"));
  EXPECT_EQ(parse_crl_pem(testing::kCertPem).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(Pem, KeyRoundTripsAsPkcs8AndMatchesTheCertificate) {
  auto key = parse_key_pem(testing::kKeyPem);
  ASSERT_TRUE(key.ok()) << key.status().to_string();
  EXPECT_EQ(key_to_pem(key->get()).value(), testing::kKeyPem);
  auto cert = parse_cert_pem(testing::kCertPem);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert->get()), key->get()), 1);
}

TEST(Pem, PfxHoldsKeyCertificateAndChainBehindItsPassword) {
  auto key = parse_key_pem(testing::kKeyPem);
  auto cert = parse_cert_pem(testing::kCertPem);
  ASSERT_TRUE(key.ok() && cert.ok());
  auto der = make_pfx(cert->get(), key->get(), {cert->get()}, "secret", "fixture");
  ASSERT_TRUE(der.ok()) << der.status().to_string();
  EXPECT_TRUE(pfx_opens_with(*der, "secret"));
  EXPECT_FALSE(pfx_opens_with(*der, "wrong"));
  EXPECT_FALSE(pfx_opens_with("not a pfx", "secret"));

  auto p12 = parse_pfx_der(*der);
  ASSERT_TRUE(p12.ok()) << p12.status().to_string();
  auto wrong = open_pfx(p12->get(), "wrong");
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong.status().message(), StartsWith("opening PKCS #12: "));
  auto opened = open_pfx(p12->get(), "secret");
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  ASSERT_TRUE(opened->key && opened->cert);
  EXPECT_EQ(EVP_PKEY_eq(opened->key.get(), key->get()), 1);
  EXPECT_EQ(thumbprint(opened->cert.get()).value(), testing::kThumbprint);
  ASSERT_EQ(opened->chain.size(), 1u);
  EXPECT_EQ(thumbprint(opened->chain[0].get()).value(), testing::kThumbprint);

  auto junk = parse_pfx_der("not a pfx", "x.pfx is not a PKCS #12 (.pfx) file");
  EXPECT_EQ(junk.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(junk.status().message(), StartsWith("x.pfx is not a PKCS #12 (.pfx) file: error:"));
}

}  // namespace
}  // namespace emu::crypto
