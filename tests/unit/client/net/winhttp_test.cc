// The client's WinHTTP-like checks: trust from the machine's own roots, the name, validity at
// virtual time, revocation; the [CCMHTTP] lines and HRESULTs of failures.
#include "emulator/client/net/winhttp.h"

#include "tests/testlib/test_pki.h"

#include <gtest/gtest.h>

namespace emu::client {
namespace {

class WinHttpChecksTest : public ::testing::Test {
 protected:
  const pki::LabPki& pki_ = test::shared_pki();
  const TimePoint now_ = test::shared_pki_options().now;
  const pki::IssuedCert& cmg_ = pki_.cmg.at("cmg-cmg.contoso.com");
};

TEST_F(WinHttpChecksTest, ACertificateChainingToTheMachinesRootsAndNamingTheHostIsTrusted) {
  EXPECT_EQ(check_server_chain(cmg_.cert_pem, pki_.ca.cert_pem, "cmg.contoso.com", now_, "", false),
            0u);
  EXPECT_EQ(check_server_chain(cmg_.cert_pem, pki_.ca.cert_pem, "CMG.CONTOSO.COM", now_, "", false),
            0u);
}

TEST_F(WinHttpChecksTest, EachProblemSetsItsOwnFlag) {
  // No root installed on the machine: the lab CA is not trusted implicitly.
  EXPECT_EQ(check_server_chain(cmg_.cert_pem, "", "cmg.contoso.com", now_, "", false),
            kFlagInvalidCa);
  EXPECT_EQ(check_server_chain(cmg_.cert_pem, pki_.rogue_ca.cert_pem, "cmg.contoso.com", now_, "",
                               false),
            kFlagInvalidCa);
  EXPECT_EQ(check_server_chain(cmg_.cert_pem, pki_.ca.cert_pem, "other.contoso.com", now_, "",
                               false),
            kFlagCertCnInvalid);
  EXPECT_EQ(check_server_chain(pki_.expired.cert_pem, pki_.ca.cert_pem, "localhost", now_, "",
                               false) &
                kFlagCertDateInvalid,
            kFlagCertDateInvalid);
  EXPECT_EQ(check_server_chain(cmg_.cert_pem, pki_.ca.cert_pem, "cmg.contoso.com", now_, "", true),
            kFlagCertRevFailed);
  EXPECT_EQ(check_server_chain(pki_.revoked.cert_pem, pki_.ca.cert_pem, "localhost", now_,
                               pki_.crl_pem, false),
            kFlagCertRevoked);
  EXPECT_EQ(check_server_chain(cmg_.cert_pem, pki_.ca.cert_pem, "cmg.contoso.com", now_,
                               pki_.crl_der, false),
            0u);
  EXPECT_EQ(check_server_chain(cmg_.cert_pem, pki_.ca.cert_pem, "cmg.contoso.com", now_,
                               "not a CRL", false),
            kFlagCertRevFailed);
  EXPECT_EQ(check_server_chain("garbage", pki_.ca.cert_pem, "cmg.contoso.com", now_, "", false),
            kFlagInvalidCert);
  // Virtual time decides validity: years later the certificate has expired.
  EXPECT_EQ(check_server_chain(cmg_.cert_pem, pki_.ca.cert_pem, "cmg.contoso.com",
                               now_ + std::chrono::hours(24 * 365 * 30), "", false) &
                kFlagCertDateInvalid,
            kFlagCertDateInvalid);
}

TEST_F(WinHttpChecksTest, TheCrlDistributionPointIsTheLabCrl) {
  EXPECT_EQ(crl_distribution_point(cmg_.cert_pem), pki_.crl_url);
  EXPECT_EQ(crl_distribution_point("nope"), "");
}

TEST(CcmHttpLines, SecureFailureLinesNameEachFlag) {
  WinHttpResult r;
  r.error = kErrorWinHttpSecureFailure;
  r.secure_flags = kFlagCertRevFailed | kFlagInvalidCa;
  const auto lines = ccmhttp_failure_lines(
      "https://CMG.CONTOSO.COM/CCM_Proxy_ServerAuth/72057594037928017/CCM_STS", 63, r);
  const std::vector<std::string> want = {
      "[CCMHTTP] AsyncCallback(): WINHTTP_CALLBACK_STATUS_SECURE_FAILURE Encountered",
      "[CCMHTTP] : dwStatusInformationLength is 4",
      "[CCMHTTP] : lpvStatusInformation is 0x9",
      "[CCMHTTP] : WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED is set",
      "[CCMHTTP] : WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA is set",
      "[CCMHTTP] ERROR: URL=https://CMG.CONTOSO.COM/CCM_Proxy_ServerAuth/72057594037928017/"
      "CCM_STS, Port=443, Options=63, Code=12175, Text=ERROR_WINHTTP_SECURE_FAILURE"};
  EXPECT_EQ(lines, want);
  EXPECT_EQ(failure_hresult(r), 0x80072f8fu);
}

TEST(CcmHttpLines, HttpRefusalsAndTransportErrors) {
  WinHttpResult refused;
  refused.response.status = 401;
  refused.response.reason = "CMGService_Invalid_Token";
  const std::vector<std::string> want = {
      "[CCMHTTP] ERROR: URL=https://CMG/CCM_Proxy_ServerAuth/1/CCM_STS, Port=443, Options=224, "
      "Code=0, Text=CCM_E_BAD_HTTP_STATUS_CODE",
      "[CCMHTTP] ERROR INFO: StatusCode=401 StatusText=CMGService_Invalid_Token"};
  EXPECT_EQ(ccmhttp_failure_lines("https://CMG/CCM_Proxy_ServerAuth/1/CCM_STS", 224, refused),
            want);
  EXPECT_EQ(failure_hresult(refused), kCcmEBadHttpStatusCode);

  WinHttpResult unresolved;
  unresolved.error = kErrorWinHttpNameNotResolved;
  EXPECT_EQ(ccmhttp_failure_lines("https://X/", 224, unresolved),
            std::vector<std::string>{"[CCMHTTP] ERROR: URL=https://X/, Port=443, Options=224, "
                                     "Code=12007, Text=ERROR_WINHTTP_NAME_NOT_RESOLVED"});
  EXPECT_EQ(failure_hresult(unresolved), 0x80072ee7u);
  WinHttpResult refused_connect;
  refused_connect.error = kErrorWinHttpCannotConnect;
  EXPECT_EQ(failure_hresult(refused_connect), 0x80072efdu);

  WinHttpResult ok;
  ok.response.status = 200;
  EXPECT_TRUE(ccmhttp_failure_lines("https://X/", 224, ok).empty());
  EXPECT_EQ(failure_hresult(ok), 0u);
}

}  // namespace
}  // namespace emu::client
