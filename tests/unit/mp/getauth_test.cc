// SMS_MP/.sms_aut and .sms_pol replies (shapes: ConfigManBearPig's logged real replies,
// emulator/mp/README.md Sources [S3]).
#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/pem.h"
#include "tests/unit/mp/mp_fixture.h"

#include <gmock/gmock.h>

namespace emu::mp {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class GetAuthTest : public testing::MpFixture {};

TEST_F(GetAuthTest, MpListHasTheRealShape) {
  http::Response r = call("GET", "/SMS_MP/.sms_aut?MPLIST");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            "<MPList><MP Name=\"CM01.CONTOSO.COM\" FQDN=\"cm01.contoso.com\"><Version>9078"
            "</Version><Capabilities SchemaVersion=\"1.0\"><Property Name=\"SSLState\" "
            "Value=\"0\"/></Capabilities></MP></MPList>");
  // Clients mix cases (sms_mp, SMS_MP).
  EXPECT_EQ(call("GET", "/sms_mp/.SMS_AUT?MPLIST").body, r.body);
}

TEST_F(GetAuthTest, MpList1NamesTheSiteAndUnknownSiteIs500Page) {
  http::Response r = call("GET", "/SMS_MP/.sms_aut?MPLIST1&P01");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("FQDN=\"cm01.contoso.com\" SiteCode=\"P01\"><Version>9078"));
  EXPECT_EQ(call("GET", "/SMS_MP/.sms_aut?MPLIST2&p01").status, 200);
  http::Response bad = call("GET", "/SMS_MP/.sms_aut?MPLIST1&XYZ");
  EXPECT_EQ(bad.status, 500);
  EXPECT_THAT(bad.body, HasSubstr("<title>500 - Internal server error.</title>"));
  EXPECT_TRUE(log_has("MP_GetAuth.log", "MPLIST1 failed"));
  EXPECT_TRUE(log_has("MP_GetAuth.log", "component=\"MP_GetAuth_ISAPI\""));
}

TEST_F(GetAuthTest, SiteSignCertIsTheSiteSigningCertificate) {
  http::Response r = call("GET", "/SMS_MP/.sms_aut?SITESIGNCERT");
  ASSERT_EQ(r.status, 200);
  auto x509 = crypto::parse_cert_pem(testing::signers().site->cert_pem()).value();
  const std::string hex = crypto::upper_hex(crypto::cert_to_der(x509.get()).value());
  EXPECT_THAT(r.body, StartsWith("<X509Data><X509Certificate EncodingType=\"hexBinary\" "
                                 "Signature=\""));
  EXPECT_THAT(r.body, HasSubstr("\">" + hex + "</X509Certificate></X509Data>"));
}

TEST_F(GetAuthTest, KeyInformationAndTrustedRootCerts) {
  http::Response r = call("GET", "/SMS_MP/.sms_aut?MPKEYINFORMATION");
  ASSERT_EQ(r.status, 200);
  // PUBLICKEYBLOB of an RSA-2048 key with e = 65537 (SCCMSecrets utils/crypto.py).
  EXPECT_THAT(r.body, HasSubstr("\">0602000000A40000525341310008000001000100"));
  EXPECT_THAT(r.body, HasSubstr("<TRUSTEDROOTKEY Signature=\"30"));
  EXPECT_THAT(r.body, HasSubstr("<FQDN>cm01.contoso.com</FQDN><SITECODE>P01</SITECODE>"));

  http::Response trc = call("GET", "/SMS_MP/.sms_aut?SMSTRC");
  ASSERT_EQ(trc.status, 200);
  auto x509 = crypto::parse_cert_pem(testing::signers().token->cert_pem()).value();
  EXPECT_THAT(trc.body, StartsWith("<SMSIssuingCerts version=\"1.0\"><Signature>"
                                   "<SignatureAlgorithm AlgID=\"32780\">1.2.840.113549.1.1.11"));
  EXPECT_THAT(
      trc.body,
      HasSubstr("<Cert>" + crypto::upper_hex(crypto::cert_to_der(x509.get()).value()) + "</Cert>"));
  http::Response cert = call("GET", "/SMS_MP/.sms_aut?MPCERT");
  EXPECT_EQ(cert.status, 200);
  EXPECT_THAT(cert.body, HasSubstr("<X509Certificate EncodingType=\"hexBinary\""));
  EXPECT_EQ(call("GET", "/SMS_MP/.sms_aut?MPLOCATION&ir=10.0.0.5&ip=10.0.0.0").status, 200);
}

TEST_F(GetAuthTest, PolicyBodiesByHashAndUnknownIs404) {
  EXPECT_EQ(call("GET", "/SMS_MP/.sms_pol?{00000000-0000-0000-0000-000000000000}.1_00").status,
            404);
  EXPECT_EQ(call("POST", "/SMS_MP/.sms_aut?MPLIST").status, 405);
  EXPECT_EQ(call("GET", "/SMS_MP/nothing").status, 404);
  EXPECT_EQ(call("GET", "/nothing/at/all").status, 404);
}

}  // namespace
}  // namespace emu::mp
