// ensure_lab_pki / ensure_server_cert on an existing folder: what is reused, what is
// re-issued (and with which key), and option validation. Folders are seeded with copies of
// the shared PKI's files so that only tests that delete a key generate one.
#include "certs/pki.h"
#include "tests/testlib/temp_dir.h"
#include "tests/testlib/test_pki.h"
#include "tests/unit/certs/pki_test_util.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace emu::pki {
namespace {

using testing::kDay;
using testing::verify_error;

class PkiReuseTest : public ::testing::Test {
 protected:
  const LabPki& shared_ = test::shared_pki();
  PkiOptions options_ = test::shared_pki_options();
  test::TempDir dir_;

  void seed(std::initializer_list<const char*> suffixes) {
    ASSERT_TRUE(test::copy_pki_files(shared_.dir, dir_.path(), suffixes));
  }
  void remove(const std::string& file) { ASSERT_TRUE(std::filesystem::remove(dir_.file(file))); }
  LabPki ensure(const PkiOptions& options) {
    auto pki = ensure_lab_pki(dir_.path(), options);
    EXPECT_TRUE(pki.ok()) << pki.status().to_string();
    return pki.ok() ? std::move(pki).value() : LabPki{};
  }
  static std::vector<const IssuedCert*> all(const LabPki& p) {
    std::vector<const IssuedCert*> out = {&p.ca,         &p.rogue_ca,       &p.server,
                                          &p.client,     &p.foreign_client, &p.expired,
                                          &p.wrong_name, &p.untrusted,      &p.revoked};
    for (const auto& [name, cert] : p.cmg) out.push_back(&cert);
    return out;
  }
};

TEST_F(PkiReuseTest, SecondCallReusesKeysAndCertificates) {
  seed({".key"});
  LabPki first = ensure(options_);
  LabPki second = ensure(options_);
  auto a = all(first), b = all(second);
  ASSERT_EQ(a.size(), 11u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]->key_pem, b[i]->key_pem) << a[i]->name;
    EXPECT_EQ(a[i]->thumbprint, b[i]->thumbprint) << a[i]->name;
    EXPECT_EQ(a[i]->key_pem, all(shared_)[i]->key_pem) << a[i]->name;  // seeded keys reused
  }
  EXPECT_EQ(first.crl_pem, second.crl_pem);
}

TEST_F(PkiReuseTest, CertificatesIssuedIn2030AreValidThenAndNotNow) {
  seed({".key"});
  PkiOptions future = options_;
  future.now = parse_iso8601("2030-06-01T00:00:00Z").value();
  future.also_valid_at.reset();  // only 2030, so the certificates are not valid now
  LabPki pki = ensure(future);
  EXPECT_EQ(pki.server.key_pem, shared_.server.key_pem);
  const std::string host = "management.azure.com";
  EXPECT_TRUE(
      verify_chain(pki.server.cert_pem, pki.ca.cert_pem, host, future.now, pki.crl_pem).ok());
  EXPECT_EQ(verify_chain(pki.server.cert_pem, pki.ca.cert_pem, host, options_.now, "").message(),
            verify_error("certificate is not yet valid"));
  EXPECT_EQ(verify_chain(pki.expired.cert_pem, pki.ca.cert_pem, host, future.now, "").message(),
            verify_error("certificate has expired"));
  EXPECT_EQ(
      verify_chain(pki.revoked.cert_pem, pki.ca.cert_pem, host, future.now, pki.crl_pem).message(),
      verify_error("certificate revoked"));
  // Back at the real time, the not-yet-valid certificates are re-issued with the same keys.
  LabPki back = ensure(options_);
  EXPECT_NE(back.server.thumbprint, pki.server.thumbprint);
  EXPECT_EQ(back.server.key_pem, pki.server.key_pem);
  EXPECT_TRUE(
      verify_chain(back.server.cert_pem, back.ca.cert_pem, host, options_.now, back.crl_pem).ok());
}

TEST_F(PkiReuseTest, NewCaKeyReissuesEverythingTheCaSigned) {
  seed({".key", ".pem", ".pfx", ".crl"});
  remove("cmgemu-lab-root-ca.key");
  LabPki pki = ensure(options_);
  EXPECT_NE(pki.ca.key_pem, shared_.ca.key_pem);
  for (auto [now, before] : {std::pair{&pki.server, &shared_.server},
                             {&pki.client, &shared_.client},
                             {&pki.revoked, &shared_.revoked},
                             {&pki.wrong_name, &shared_.wrong_name},
                             {&pki.expired, &shared_.expired}}) {
    EXPECT_NE(now->thumbprint, before->thumbprint) << now->name;
    EXPECT_EQ(now->key_pem, before->key_pem) << now->name;
  }
  EXPECT_NE(pki.cmg.at("cmg-cmg.contoso.com").thumbprint,
            shared_.cmg.at("cmg-cmg.contoso.com").thumbprint);
  EXPECT_EQ(pki.rogue_ca.thumbprint, shared_.rogue_ca.thumbprint);
  EXPECT_EQ(pki.untrusted.thumbprint, shared_.untrusted.thumbprint);
  EXPECT_EQ(pki.foreign_client.thumbprint, shared_.foreign_client.thumbprint);
  const std::string host = "management.azure.com";
  EXPECT_TRUE(
      verify_chain(pki.server.cert_pem, pki.ca.cert_pem, host, options_.now, pki.crl_pem).ok());
  EXPECT_EQ(
      verify_chain(pki.server.cert_pem, shared_.ca.cert_pem, host, options_.now, "").message(),
      verify_error("unable to get local issuer certificate"));
  EXPECT_EQ(verify_chain(pki.revoked.cert_pem, pki.ca.cert_pem, host, options_.now, pki.crl_pem)
                .message(),
            verify_error("certificate revoked"));
}

TEST_F(PkiReuseTest, ReissuedCaCertWithSameKeyReissuesLeaves) {
  seed({".key", ".pem", ".pfx", ".crl"});
  remove("cmgemu-lab-root-ca.pem");
  LabPki pki = ensure(options_);
  EXPECT_EQ(pki.ca.key_pem, shared_.ca.key_pem);
  EXPECT_NE(pki.ca.thumbprint, shared_.ca.thumbprint);
  EXPECT_NE(pki.server.thumbprint, shared_.server.thumbprint);
  EXPECT_NE(pki.crl_pem, shared_.crl_pem);
  EXPECT_EQ(pki.untrusted.thumbprint, shared_.untrusted.thumbprint);
}

TEST_F(PkiReuseTest, MissingLeafKeyRegeneratesOnlyThatLeafAndTheCrlFollows) {
  seed({".key", ".pem", ".pfx", ".crl"});
  remove("bad-revoked.key");
  LabPki pki = ensure(options_);
  EXPECT_NE(pki.revoked.key_pem, shared_.revoked.key_pem);
  EXPECT_NE(pki.revoked.thumbprint, shared_.revoked.thumbprint);
  EXPECT_EQ(pki.server.thumbprint, shared_.server.thumbprint);
  EXPECT_EQ(pki.ca.thumbprint, shared_.ca.thumbprint);
  auto crl = parse_crl_pem(pki.crl_pem);
  auto old_crl = parse_crl_pem(shared_.crl_pem);
  ASSERT_TRUE(crl.ok() && old_crl.ok());
  X509Ptr revoked = testing::cert_of(pki.revoked);
  EXPECT_TRUE(crl_lists_exactly(crl->get(), {X509_get0_serialNumber(revoked.get())}));
  EXPECT_EQ(crl_number(crl->get()), crl_number(old_crl->get()) + 1);
}

TEST_F(PkiReuseTest, CertificatesMissingNamesOrOutOfValidityAreReissuedWithTheirKey) {
  seed({".key", ".pem", ".pfx", ".crl"});
  auto ca_cert = parse_cert_pem(shared_.ca.cert_pem);
  auto ca_key = parse_key_pem(shared_.ca.key_pem);
  auto server_key = parse_key_pem(shared_.server.key_pem);
  ASSERT_TRUE(ca_cert.ok() && ca_key.ok() && server_key.ok());
  Signer ca{ca_cert->get(), ca_key->get()};
  CertSpec narrow{CertRole::kServer,        "management.azure.com", "cmgemu lab",
                  {"management.azure.com"}, options_.now - kDay,    options_.now + kDay,
                  shared_.crl_url};
  CertSpec stale = narrow;
  stale.names = {"management.azure.com",
                 "login.microsoftonline.com",
                 "graph.microsoft.com",
                 "localhost",
                 "127.0.0.1",
                 "::1"};
  stale.not_before = options_.now - 10 * kDay;
  stale.not_after = options_.now - 2 * kDay;
  for (const CertSpec& spec : {narrow, stale}) {
    auto bad = issue_cert(spec, server_key->get(), &ca);
    ASSERT_TRUE(bad.ok()) << bad.status().to_string();
    std::string pem = cert_to_pem(bad->get()).value();
    ASSERT_TRUE(test::write_file(dir_.file("server-azure.pem"), pem));
    LabPki pki = ensure(options_);
    EXPECT_NE(pki.server.cert_pem, pem);
    EXPECT_EQ(pki.server.key_pem, shared_.server.key_pem);
    EXPECT_TRUE(
        verify_chain(pki.server.cert_pem, pki.ca.cert_pem, "127.0.0.1", options_.now, "").ok());
  }
  ASSERT_TRUE(test::write_file(dir_.file("client.pem"), "not a certificate"));
  EXPECT_TRUE(parse_cert_pem(ensure(options_).client.cert_pem).ok());
}

TEST_F(PkiReuseTest, PasswordChangeRewritesPfxButKeepsCertificates) {
  seed({".key", ".pem", ".pfx", ".crl"});
  PkiOptions other = options_;
  other.pfx_password = "other";
  LabPki pki = ensure(other);
  EXPECT_EQ(pki.client.thumbprint, shared_.client.thumbprint);
  std::string der = test::read_file(pki.client.pfx_path);
  EXPECT_TRUE(pfx_opens_with(der, "other"));
  EXPECT_FALSE(pfx_opens_with(der, "cmgemu"));
}

TEST_F(PkiReuseTest, EnsureServerCertIssuesOnceAndStoresItByCertificateName) {
  seed({".key", ".pem", ".pfx", ".crl"});
  LabPki pki = ensure(options_);
  auto cert = ensure_server_cert(pki, {"cmg.example.test", "alt.example.test"}, options_);
  ASSERT_TRUE(cert.ok()) << cert.status().to_string();
  EXPECT_EQ(cert->name, "cmg-cmg.example.test");
  EXPECT_EQ(cert->pfx_path, dir_.file("cmg-cmg.example.test.pfx"));
  ASSERT_EQ(pki.cmg.count("cmg-cmg.example.test"), 1u);
  EXPECT_EQ(pki.cmg.at("cmg-cmg.example.test").thumbprint, cert->thumbprint);
  for (const char* host : {"cmg.example.test", "alt.example.test", "::1"}) {
    EXPECT_TRUE(verify_chain(cert->cert_pem, pki.ca.cert_pem, host, options_.now, pki.crl_pem).ok())
        << host;
  }
  auto again = ensure_server_cert(pki, {"cmg.example.test", "alt.example.test"}, options_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->thumbprint, cert->thumbprint);
  EXPECT_EQ(again->key_pem, cert->key_pem);
  EXPECT_EQ(ensure_server_cert(pki, {}, options_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ensure_server_cert(pki, {"../escape"}, options_).status().message(),
            "not a DNS name or IP address: '../escape'");
}

TEST_F(PkiReuseTest, RejectsBadOptionsBeforeTouchingTheFolder) {
  const std::string dir = dir_.file("never-created");
  PkiOptions unset;
  EXPECT_EQ(ensure_lab_pki(dir, unset).status().code(), StatusCode::kInvalidArgument);
  PkiOptions small = options_;
  small.rsa_bits = 1024;
  EXPECT_EQ(ensure_lab_pki(dir, small).status().message(),
            "PkiOptions::rsa_bits must be in [2048, 8192], got 1024");
  PkiOptions bad_name = options_;
  bad_name.cmg_names = {"a/b"};
  EXPECT_EQ(ensure_lab_pki(dir, bad_name).status().message(),
            "not a DNS name or IP address: 'a/b'");
  PkiOptions bad_path = options_;
  bad_path.crl_path = "relative.crl";
  EXPECT_EQ(ensure_lab_pki(dir, bad_path).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace emu::pki
