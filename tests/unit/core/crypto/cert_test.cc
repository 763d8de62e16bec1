#include "emulator/core/crypto/cert.h"

#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"
#include "tests/unit/core/crypto/fixtures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>

namespace emu::crypto {
namespace {

using ::testing::ElementsAre;

TimePoint at(const char* iso) { return parse_iso8601(iso).value(); }

X509Ptr fixture_cert() {
  auto cert = parse_cert_pem(testing::kCertPem);
  EXPECT_TRUE(cert.ok()) << cert.status().to_string();
  return cert.ok() ? std::move(cert).value() : X509Ptr(X509_new());
}

EvpPkeyPtr fixture_key() {
  auto key = parse_key_pem(testing::kKeyPem);
  EXPECT_TRUE(key.ok()) << key.status().to_string();
  return key.ok() ? std::move(key).value() : EvpPkeyPtr(EVP_PKEY_new());
}

// A spec with subject CN `cn`, valid from `from` to `to`, no extensions, random serial.
CertificateSpec spec_for(const std::string& cn, const char* from, const char* to) {
  CertificateSpec spec;
  spec.common_name = cn;
  spec.not_before = at(from);
  spec.not_after = at(to);
  return spec;
}

std::vector<std::string> extension_values(X509* cert) {
  std::vector<std::string> out;
  for (int i = 0; i < X509_get_ext_count(cert); ++i) {
    X509_EXTENSION* ext = X509_get_ext(cert, i);
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509V3_EXT_print(bio.get(), ext, 0, 0);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    out.push_back(std::string(OBJ_nid2sn(OBJ_obj2nid(X509_EXTENSION_get_object(ext)))) +
                  (X509_EXTENSION_get_critical(ext) ? "!" : "") + "=" +
                  std::string(data, static_cast<size_t>(len)));
  }
  return out;
}

TEST(Cert, ThumbprintIsTheOpensslCliSha1FingerprintInUpperCaseWithoutColons) {
  X509Ptr cert = fixture_cert();
  EXPECT_EQ(thumbprint(cert.get()).value(), testing::kThumbprint);
}

TEST(Cert, X5tIsBase64urlOfTheSha1OfTheDer) {
  X509Ptr cert = fixture_cert();
  EXPECT_EQ(x5t(cert.get()).value(), testing::kX5t);
  std::string der = cert_to_der(cert.get()).value();
  EXPECT_EQ(x5t(cert.get()).value(), base64url_encode(sha1(der).value()));
}

TEST(Cert, Inspections) {
  X509Ptr cert = fixture_cert();
  EXPECT_EQ(common_name(cert.get()), "crypto-test.cmgemu.test");
  EXPECT_EQ(name_rfc2253(X509_get_subject_name(cert.get())),
            "CN=crypto-test.cmgemu.test,O=cmgemu test");
  EXPECT_EQ(format_iso8601(asn1_to_time(X509_get0_notBefore(cert.get())).value()),
            "2026-12-02T09:04:19Z");
  EXPECT_EQ(format_iso8601(asn1_to_time(X509_get0_notAfter(cert.get())).value()),
            "2036-11-29T09:04:19Z");
  EXPECT_TRUE(valid_at(cert.get(), at("2026-12-02T09:04:19Z")));
  EXPECT_TRUE(valid_at(cert.get(), at("2036-11-29T09:04:19.900Z")));  // whole seconds
  EXPECT_FALSE(valid_at(cert.get(), at("2026-12-02T09:04:18Z")));
  EXPECT_FALSE(valid_at(cert.get(), at("2036-11-29T09:04:20Z")));
  EXPECT_EQ(compare_asn1_time(nullptr, at("2030-01-01T00:00:00Z")), -2);
  EXPECT_EQ(asn1_to_time(nullptr).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(to_time_t(TimePoint(std::chrono::milliseconds(-1))), -1);  // floor, not truncation
}

TEST(Cert, IpLiterals) {
  EXPECT_TRUE(is_ip_literal("127.0.0.1"));
  EXPECT_TRUE(is_ip_literal("::1"));
  EXPECT_FALSE(is_ip_literal("localhost"));
  EXPECT_FALSE(is_ip_literal("1.2.3"));
}

TEST(Cert, SelfSignedFromKeyIsDeterministicAndCarriesTheSpec) {
  EvpPkeyPtr key = fixture_key();
  CertificateSpec spec = spec_for("self", "2030-01-01T00:00:00.750Z", "2035-01-01T00:00:00Z");
  spec.serial_from_key = true;
  spec.extensions = {{NID_basic_constraints, "critical,CA:FALSE", {}},
                     {NID_key_usage, "critical,digitalSignature", {}},
                     {NID_subject_key_identifier, "hash", {}}};
  auto a = build_cert(spec, key.get(), nullptr);
  auto b = build_cert(spec, key.get(), nullptr);
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().to_string();
  // Same key and spec: byte-identical certificates (PKCS#1 v1.5 signatures are deterministic).
  EXPECT_EQ(cert_to_der(a->get()).value(), cert_to_der(b->get()).value());
  X509* c = a->get();
  EXPECT_EQ(X509_get_version(c), X509_VERSION_3);
  EXPECT_EQ(name_rfc2253(X509_get_subject_name(c)), "CN=self");
  EXPECT_EQ(name_rfc2253(X509_get_issuer_name(c)), "CN=self");
  EXPECT_EQ(format_iso8601(asn1_to_time(X509_get0_notBefore(c)).value()), "2030-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(asn1_to_time(X509_get0_notAfter(c)).value()), "2035-01-01T00:00:00Z");
  EXPECT_EQ(X509_verify(c, key.get()), 1);
  EXPECT_EQ(X509_get_signature_nid(c), NID_sha256WithRSAEncryption);
  EXPECT_THAT(extension_values(c),
              ElementsAre("basicConstraints!=CA:FALSE", "keyUsage!=Digital Signature",
                          ::testing::StartsWith("subjectKeyIdentifier=")));
  // Positive 128-bit serial from SHA-256 of the public key.
  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(c), nullptr));
  EXPECT_EQ(BN_num_bits(serial.get()), 127);
  EXPECT_FALSE(BN_is_negative(serial.get()));
}

TEST(Cert, RandomSerialsDiffer) {
  EvpPkeyPtr key = fixture_key();
  CertificateSpec spec = spec_for("self", "2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z");
  auto a = build_cert(spec, key.get(), nullptr);
  auto b = build_cert(spec, key.get(), nullptr);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a->get()), X509_get0_serialNumber(b->get())),
            0);
  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(a->get()), nullptr));
  EXPECT_EQ(BN_num_bits(serial.get()), 127);
}

TEST(Cert, CaSignedCarriesIssuerAuthorityKeyAndAltNames) {
  auto ca_key = generate_rsa_key(2048);
  auto leaf_key = generate_rsa_key(2048);
  ASSERT_TRUE(ca_key.ok() && leaf_key.ok()) << ca_key.status().to_string();
  CertificateSpec ca_spec = spec_for("Test CA", "2030-01-01T00:00:00Z", "2040-01-01T00:00:00Z");
  ca_spec.organization = "cmgemu test";
  ca_spec.extensions = {{NID_basic_constraints, "critical,CA:TRUE", {}},
                        {NID_subject_key_identifier, "hash", {}},
                        {NID_authority_key_identifier, "keyid:always", {}}};
  auto ca = build_cert(ca_spec, ca_key->get(), nullptr);
  ASSERT_TRUE(ca.ok()) << ca.status().to_string();

  CertificateSpec leaf_spec =
      spec_for("leaf.cmgemu.test", "2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z");
  leaf_spec.extensions = {{NID_authority_key_identifier, "keyid:always", {}},
                          {NID_subject_alt_name, "", {"leaf.cmgemu.test", "127.0.0.1", "::1"}},
                          {NID_crl_distribution_points, "URI:http://crl.test/x.crl", {}}};
  Signer signer{ca->get(), ca_key->get()};
  auto leaf = build_cert(leaf_spec, leaf_key->get(), &signer);
  ASSERT_TRUE(leaf.ok()) << leaf.status().to_string();
  X509* c = leaf->get();
  EXPECT_EQ(name_rfc2253(X509_get_issuer_name(c)), "CN=Test CA,O=cmgemu test");
  EXPECT_EQ(X509_check_issued(ca->get(), c), X509_V_OK);
  EXPECT_EQ(X509_verify(c, ca_key->get()), 1);
  EXPECT_NE(X509_verify(c, leaf_key->get()), 1);
  ERR_clear_error();
  auto values = extension_values(c);
  ASSERT_EQ(values.size(), 3u);
  EXPECT_THAT(values[0], ::testing::StartsWith("authorityKeyIdentifier="));
  EXPECT_EQ(
      values[1],
      "subjectAltName=DNS:leaf.cmgemu.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
  EXPECT_THAT(values[2], ::testing::HasSubstr("URI:http://crl.test/x.crl"));
}

TEST(Cert, BadExtensionValueIsInternalWithTheOpensslReason) {
  EvpPkeyPtr key = fixture_key();
  CertificateSpec spec = spec_for("x", "2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z");
  spec.extensions = {{NID_key_usage, "critical,noSuchUsage", {}}};
  auto cert = build_cert(spec, key.get(), nullptr);
  EXPECT_EQ(cert.status().code(), StatusCode::kInternal);
  EXPECT_THAT(cert.status().message(),
              ::testing::StartsWith("adding extension keyUsage=critical,noSuchUsage: error:"));
}

TEST(Cert, GenerateRsaKeyRefusesTinyKeys) {
  EXPECT_EQ(generate_rsa_key(512).status().code(), StatusCode::kInvalidArgument);
  auto key = generate_rsa_key(2048);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(EVP_PKEY_get_bits(key->get()), 2048);
  EXPECT_TRUE(EVP_PKEY_is_a(key->get(), "RSA"));
}

}  // namespace
}  // namespace emu::crypto
