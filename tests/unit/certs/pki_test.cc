// The lab PKI as generated: chains verify with OpenSSL, each bad fixture fails for its own
// reason, and the certificates, CRL and PFX files carry what the contract promises.
#include "certs/pki.h"

#include "tests/testlib/temp_dir.h"
#include "tests/testlib/test_pki.h"
#include "tests/unit/certs/pki_test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/sha.h>

#include <cstdio>
#include <sys/stat.h>

namespace emu::pki {
namespace {

using testing::cert_of;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using testing::kDay;
using testing::seconds_from;
using testing::verify_error;

// A PKI issued at a fixed virtual time from the shared PKI's keys (no key generation).
class LabPkiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    ASSERT_TRUE(test::copy_pki_files(test::shared_pki().dir, dir_->path(), {".key"}));
    PkiOptions options;
    options.now = kNow;
    options.cmg_names = {"cmg.contoso.com", "cmg.japaneast.cloudapp.azure.com"};
    auto pki = ensure_lab_pki(dir_->path(), options);
    ASSERT_TRUE(pki.ok()) << pki.status().to_string();
    pki_ = new LabPki(std::move(pki).value());
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(pki_, nullptr); }

  static inline const TimePoint kNow = parse_iso8601("2026-03-01T12:00:00Z").value();
  static inline test::TempDir* dir_ = nullptr;
  static inline LabPki* pki_ = nullptr;
  static inline const LabPki kEmpty{};
  const LabPki& p_ = pki_ != nullptr ? *pki_ : kEmpty;
  const TimePoint now_ = kNow;

  Status verify(const IssuedCert& leaf, const std::string& host, const std::string& crl = "") {
    return verify_chain(leaf.cert_pem, p_.ca.cert_pem, host, now_, crl);
  }
  std::vector<const IssuedCert*> leaves() const {
    std::vector<const IssuedCert*> out = {&p_.server,  &p_.client,     &p_.foreign_client,
                                          &p_.expired, &p_.wrong_name, &p_.untrusted,
                                          &p_.revoked};
    for (const auto& [name, cert] : p_.cmg) out.push_back(&cert);
    return out;
  }
};

TEST(SharedPkiTest, IsValidAtTheRealTimeForRealTlsClients) {
  const LabPki& shared = test::shared_pki();
  EXPECT_TRUE(verify_chain(shared.server.cert_pem, shared.ca.cert_pem, "management.azure.com",
                           system_now(), shared.crl_pem)
                  .ok());
  EXPECT_EQ(shared.cmg.count("cmg-cmg.contoso.com"), 1u);
  EXPECT_EQ(&shared, &test::shared_pki());
}

TEST_F(LabPkiTest, ServerChainVerifiesForEveryAzureAndLoopbackName) {
  for (const char* host : {"management.azure.com", "login.microsoftonline.com",
                           "graph.microsoft.com", "localhost", "127.0.0.1", "::1"}) {
    EXPECT_TRUE(verify(p_.server, host, p_.crl_pem).ok()) << host;
  }
}

TEST_F(LabPkiTest, ServerRejectsOtherHostsAndAddresses) {
  EXPECT_EQ(verify(p_.server, "evil.example").message(), verify_error("hostname mismatch"));
  EXPECT_EQ(verify(p_.server, "10.0.0.1").message(), verify_error("IP address mismatch"));
  EXPECT_EQ(verify(p_.server, "evil.example").code(), StatusCode::kPermissionDenied);
}

TEST_F(LabPkiTest, ExpiredFixtureFailsAsExpired) {
  EXPECT_EQ(verify(p_.expired, "management.azure.com", p_.crl_pem).message(),
            verify_error("certificate has expired"));
  // Nothing but time is wrong: right issuer, all names.
  X509Ptr expired = cert_of(p_.expired);
  EXPECT_TRUE(issued_by(expired.get(), cert_of(p_.ca).get()));
  EXPECT_EQ(san_names(expired.get()), san_names(cert_of(p_.server).get()));
}

TEST_F(LabPkiTest, WrongNameFixtureFailsOnHostnameOnly) {
  EXPECT_EQ(verify(p_.wrong_name, "management.azure.com", p_.crl_pem).message(),
            verify_error("hostname mismatch"));
  EXPECT_TRUE(verify(p_.wrong_name, "wrong-name.cmgemu.test", p_.crl_pem).ok());
}

TEST_F(LabPkiTest, UntrustedFixtureFailsOnIssuerOnly) {
  EXPECT_EQ(verify(p_.untrusted, "management.azure.com", p_.crl_pem).message(),
            verify_error("unable to get local issuer certificate"));
  EXPECT_TRUE(
      verify_chain(p_.untrusted.cert_pem, p_.rogue_ca.cert_pem, "management.azure.com", now_, "")
          .ok());
}

TEST_F(LabPkiTest, RevokedFixtureFailsOnlyWithCrlCheck) {
  EXPECT_EQ(verify(p_.revoked, "management.azure.com", p_.crl_pem).message(),
            verify_error("certificate revoked"));
  EXPECT_TRUE(verify(p_.revoked, "management.azure.com").ok());
}

TEST_F(LabPkiTest, ClientCertificatesChainToTheirOwnRoots) {
  EXPECT_TRUE(verify(p_.client, "", p_.crl_pem).ok());
  EXPECT_EQ(verify(p_.foreign_client, "").message(),
            verify_error("unable to get local issuer certificate"));
  EXPECT_TRUE(verify_chain(p_.foreign_client.cert_pem, p_.rogue_ca.cert_pem, "", now_, "").ok());
}

TEST_F(LabPkiTest, CmgCertificatesCoverTheirServiceName) {
  ASSERT_EQ(p_.cmg.size(), 2u);
  const IssuedCert& cmg = p_.cmg.at("cmg-cmg.contoso.com");
  EXPECT_EQ(cmg.name, "cmg-cmg.contoso.com");
  EXPECT_TRUE(verify(cmg, "cmg.contoso.com", p_.crl_pem).ok());
  EXPECT_TRUE(verify(cmg, "127.0.0.1").ok());
  EXPECT_EQ(verify(cmg, "management.azure.com").message(), verify_error("hostname mismatch"));
  EXPECT_TRUE(
      verify(p_.cmg.at("cmg-cmg.japaneast.cloudapp.azure.com"), "cmg.japaneast.cloudapp.azure.com")
          .ok());
}

TEST_F(LabPkiTest, VerifyChainRejectsUnparsableInput) {
  EXPECT_EQ(verify_chain("junk", p_.ca.cert_pem, "", now_, "").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(verify_chain(p_.server.cert_pem, "junk", "", now_, "").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(verify_chain(p_.server.cert_pem, p_.ca.cert_pem, "", now_, "junk").code(),
            StatusCode::kInvalidArgument);
}

TEST_F(LabPkiTest, ServerNamesAreDnsAndIpEntries) {
  X509Ptr cert = cert_of(p_.server);
  EXPECT_THAT(testing::san_of_type(cert.get(), GEN_DNS),
              ElementsAre("management.azure.com", "login.microsoftonline.com",
                          "graph.microsoft.com", "localhost"));
  EXPECT_THAT(testing::san_of_type(cert.get(), GEN_IPADD),
              ElementsAre(std::string("\x7f\0\0\x01", 4),
                          std::string("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16)));
  EXPECT_EQ(common_name(cert.get()), "management.azure.com");
  X509Ptr wrong = cert_of(p_.wrong_name);
  EXPECT_THAT(san_names(wrong.get()), ElementsAre("wrong-name.cmgemu.test"));
  for (const IssuedCert* c : {&p_.expired, &p_.untrusted, &p_.revoked}) {
    X509Ptr x = cert_of(*c);
    EXPECT_THAT(san_names(x.get()), ElementsAreArray(san_names(cert.get()))) << c->name;
  }
}

TEST_F(LabPkiTest, RootsAreCriticalCasWithCertAndCrlSigning) {
  for (const IssuedCert* ca : {&p_.ca, &p_.rogue_ca}) {
    X509Ptr cert = cert_of(*ca);
    EXPECT_EQ(X509_check_ca(cert.get()), 1) << ca->name;
    EXPECT_EQ(X509_get_key_usage(cert.get()), uint32_t{KU_KEY_CERT_SIGN | KU_CRL_SIGN});
    int idx = X509_get_ext_by_NID(cert.get(), NID_basic_constraints, -1);
    ASSERT_GE(idx, 0);
    EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(cert.get(), idx)), 1);
    EXPECT_NE(X509_get0_subject_key_id(cert.get()), nullptr);
    EXPECT_NE(X509_get0_authority_key_id(cert.get()), nullptr);
    EXPECT_EQ(seconds_from(now_ - kDay, X509_get0_notBefore(cert.get())), 0);
    EXPECT_EQ(seconds_from(now_ - kDay, X509_get0_notAfter(cert.get())) / 86400, 3652);
    EXPECT_TRUE(ca->pfx_path.empty());
  }
  EXPECT_EQ(common_name(cert_of(p_.ca).get()), "cmgemu Lab Root CA");
  EXPECT_EQ(common_name(cert_of(p_.rogue_ca).get()), "Rogue Root CA");
}

TEST_F(LabPkiTest, LeavesHaveRoleUsagesSerialsAndCrlPoint) {
  X509Ptr server = cert_of(p_.server);
  X509Ptr client = cert_of(p_.client);
  EXPECT_EQ(X509_get_extended_key_usage(server.get()), uint32_t{XKU_SSL_SERVER});
  EXPECT_EQ(X509_get_extended_key_usage(client.get()), uint32_t{XKU_SSL_CLIENT});
  EXPECT_EQ(X509_get_extended_key_usage(cert_of(p_.foreign_client).get()),
            uint32_t{XKU_SSL_CLIENT});
  EXPECT_EQ(common_name(client.get()), "cmgemu-lab-client");
  EXPECT_EQ(X509_get_key_usage(server.get()), uint32_t{KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT});
  EXPECT_EQ(X509_check_ca(server.get()), 0);
  EXPECT_EQ(crl_distribution_url(server.get()), p_.crl_url);
  EXPECT_EQ(p_.crl_url, "http://crl.cmgemu.test/pki/cmgemu-lab-root-ca.crl");
  EXPECT_EQ(crl_distribution_url(cert_of(p_.untrusted).get()), "");
  EXPECT_EQ(seconds_from(now_ - kDay, X509_get0_notBefore(server.get())), 0);
  EXPECT_EQ(seconds_from(now_ + 397 * kDay, X509_get0_notAfter(server.get())), 0);
  X509Ptr expired = cert_of(p_.expired);
  EXPECT_EQ(seconds_from(now_ - 400 * kDay, X509_get0_notBefore(expired.get())), 0);
  EXPECT_EQ(seconds_from(now_ - kDay, X509_get0_notAfter(expired.get())), 0);
  for (const IssuedCert* c : leaves()) {
    X509Ptr x = cert_of(*c);
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x.get()), nullptr));
    EXPECT_EQ(BN_num_bits(bn.get()), 127) << c->name;  // 128 random bits, top bit cleared
    EXPECT_NE(X509_get0_authority_key_id(x.get()), nullptr) << c->name;
  }
}

TEST_F(LabPkiTest, ThumbprintIsUpperHexSha1OfDer) {
  X509Ptr cert = cert_of(p_.server);
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  ASSERT_GT(len, 0);
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(der, static_cast<size_t>(len), md);
  OPENSSL_free(der);
  char hex[2 * SHA_DIGEST_LENGTH + 1];
  for (int i = 0; i < SHA_DIGEST_LENGTH; ++i) std::snprintf(hex + 2 * i, 3, "%02X", md[i]);
  EXPECT_EQ(p_.server.thumbprint, hex);
}

TEST_F(LabPkiTest, CrlListsExactlyTheRevokedSerialWithKeyCompromise) {
  auto crl = parse_crl_pem(p_.crl_pem);
  ASSERT_TRUE(crl.ok());
  X509Ptr revoked = cert_of(p_.revoked);
  EXPECT_TRUE(crl_lists_exactly(crl->get(), {X509_get0_serialNumber(revoked.get())}));
  EXPECT_EQ(X509_CRL_get_version(crl->get()), X509_CRL_VERSION_2);
  EXPECT_EQ(X509_CRL_verify(crl->get(), X509_get0_pubkey(cert_of(p_.ca).get())), 1);
  EXPECT_GE(crl_number(crl->get()), 1);
  const X509_REVOKED* entry = sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl->get()), 0);
  Asn1EnumeratedPtr reason(static_cast<ASN1_ENUMERATED*>(
      X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr)));
  ASSERT_TRUE(reason);
  EXPECT_EQ(ASN1_ENUMERATED_get(reason.get()), CRL_REASON_KEY_COMPROMISE);
  EXPECT_LE(seconds_from(now_, X509_CRL_get0_lastUpdate(crl->get())), -3600);
  EXPECT_GE(seconds_from(now_, X509_CRL_get0_nextUpdate(crl->get())), 29 * 86400);
  // The DER and the file hold the same CRL.
  const auto* p = reinterpret_cast<const unsigned char*>(p_.crl_der.data());
  X509CrlPtr from_der(d2i_X509_CRL(nullptr, &p, static_cast<long>(p_.crl_der.size())));
  ASSERT_TRUE(from_der);
  EXPECT_EQ(X509_CRL_cmp(from_der.get(), crl->get()), 0);
  EXPECT_EQ(test::read_file(p_.crl_file), p_.crl_pem);
  EXPECT_EQ(p_.crl_file, p_.dir + "/cmgemu-lab-root-ca.crl");
}

TEST_F(LabPkiTest, PfxOpensWithPasswordAndHoldsKeyCertAndChain) {
  for (const IssuedCert* leaf : leaves()) {
    std::string der = test::read_file(leaf->pfx_path);
    ASSERT_FALSE(der.empty()) << leaf->pfx_path;
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
    ASSERT_TRUE(p12);
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* chain = nullptr;
    EXPECT_EQ(PKCS12_parse(p12.get(), "wrong", &key, &cert, &chain), 0) << leaf->name;
    ASSERT_EQ(PKCS12_parse(p12.get(), "cmgemu", &key, &cert, &chain), 1) << leaf->name;
    EvpPkeyPtr key_owner(key);
    X509Ptr cert_owner(cert);
    EXPECT_EQ(thumbprint(cert).value(), leaf->thumbprint);
    EXPECT_EQ(X509_check_private_key(cert, key), 1);
    ASSERT_EQ(sk_X509_num(chain), 1);
    bool rogue = leaf == &p_.untrusted || leaf == &p_.foreign_client;
    EXPECT_EQ(thumbprint(sk_X509_value(chain, 0)).value(),
              rogue ? p_.rogue_ca.thumbprint : p_.ca.thumbprint);
    sk_X509_pop_free(chain, X509_free);
  }
  ERR_clear_error();
}

TEST_F(LabPkiTest, FilesAreWhereTheContractSaysWithPrivateKeys) {
  EXPECT_EQ(p_.server.cert_path, p_.dir + "/server-azure.pem");
  EXPECT_EQ(p_.server.key_path, p_.dir + "/server-azure.key");
  EXPECT_EQ(p_.server.pfx_path, p_.dir + "/server-azure.pfx");
  EXPECT_EQ(p_.ca.cert_path, p_.dir + "/cmgemu-lab-root-ca.pem");
  EXPECT_EQ(p_.rogue_ca.cert_path, p_.dir + "/rogue-root-ca.pem");
  std::vector<const IssuedCert*> all = leaves();
  all.push_back(&p_.ca);
  all.push_back(&p_.rogue_ca);
  for (const IssuedCert* c : all) {
    struct stat st {};
    ASSERT_EQ(stat(c->key_path.c_str(), &st), 0) << c->key_path;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << c->key_path;
    EXPECT_EQ(test::read_file(c->key_path), c->key_pem);
    EXPECT_EQ(test::read_file(c->cert_path), c->cert_pem);
  }
}

}  // namespace
}  // namespace emu::pki
