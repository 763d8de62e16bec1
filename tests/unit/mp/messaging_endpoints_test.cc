// CCM_POST endpoints with the public tools' request bodies: registration (SCCMSecrets
// REGISTRATION_REQUEST_TEMPLATE), policy (POLICY_REQUEST_TEMPLATE, signed header) and location
// (synacktiv CcmMessagingBackdoor tpl_SiteInformationRequest).
#include "emulator/core/crypto/digest.h"
#include "tests/unit/mp/mp_fixture.h"

#include <gmock/gmock.h>

namespace emu::mp {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class EndpointsTest : public testing::MpFixture {
 protected:
  // A PreAuth CCM token from CCM_STS (bulk token path).
  std::string preauth() { return sts(bulk_token())["token"].get<std::string>(); }

  // Registers `key` as `name` through CCM_System_TokenAuth; the reply XML.
  std::string register_client(const testing::TestClientKey& key, const std::string& name) {
    http::Response r = ccm_post("ccm_system_tokenauth", registration_request(key, name), preauth());
    EXPECT_EQ(r.status, 200);
    return reply_xml(r);
  }
};

TEST_F(EndpointsTest, BulkTokenRegistrationWritesOneClientAndReturnsItsToken) {
  const std::string xml = register_client(testing::client_key(), "CLIENT01");
  const std::string id = smsid_of(xml);
  EXPECT_THAT(id,
              MatchesRegex("GUID:[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}"));
  EXPECT_THAT(xml, HasSubstr("<ClientRegistrationResponse ResponseType=\"Registration\" "
                             "TimeStamp=\"2026-01-01T00:00:00Z\" Status=\"0\" SMSID=\"" +
                             id + "\" ApprovalStatus=\"1\"><ClientToken>"));
  auto clients = db_->clients();
  ASSERT_EQ(clients.size(), 1u);
  EXPECT_EQ(clients[0].client_id, id);
  EXPECT_EQ(clients[0].name, "CLIENT01");
  EXPECT_EQ(clients[0].approval, 1);
  EXPECT_EQ(clients[0].authentication, "BulkToken");
  EXPECT_EQ(clients[0].properties["fqdn"], "client01.contoso.com");
  EXPECT_EQ(clients[0].properties["signing_certificate"],
            crypto::upper_hex(testing::client_key().cert_der));
  auto rows = db_->query("SELECT Name0, SMS_Unique_Identifier0, IsApproved FROM v_R_System");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->rows.size(), 1u);
  EXPECT_TRUE(log_has("MP_RegistrationManager.log",
                      "Processing Registration request from Client '" + id + "'"));

  // The 90-day client unique token exchanges for a Device CCM token.
  const size_t a = xml.find("<ClientToken>") + 13;
  const std::string unique = xml.substr(a, xml.find("</ClientToken>") - a);
  auto c = validate_site_token(*testing::signers().token, unique, clock_.now(),
                               std::chrono::minutes(5), "SCCMClientToken");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->device_id, id);
  EXPECT_EQ(c->expires - c->not_before, std::chrono::hours(24 * 90));
  auto device = sts(unique);
  EXPECT_EQ(device["token_type"], "Device");

  // Re-registration with the same signing certificate: the same GUID, still one row.
  EXPECT_EQ(smsid_of(register_client(testing::client_key(), "CLIENT01")), id);
  EXPECT_EQ(db_->clients().size(), 1u);
}

TEST_F(EndpointsTest, BadSignatureIsRefusedAndNothingIsStored) {
  http::Response r = ccm_post(
      "ccm_system_tokenauth",
      registration_request(testing::client_key(), "CLIENT01", &testing::other_key()), preauth());
  ASSERT_EQ(r.status, 200);
  const std::string xml = reply_xml(r);
  EXPECT_THAT(xml, HasSubstr("Status=\"3\" ApprovalStatus=\"-1\""));
  EXPECT_EQ(smsid_of(xml), "");
  EXPECT_TRUE(db_->clients().empty());
  EXPECT_TRUE(log_has("MP_RegistrationManager.log", "signature verification failed"));
}

TEST_F(EndpointsTest, TokenAuthNeedsAValidCcmToken) {
  const std::string wire = registration_request(testing::client_key(), "CLIENT01");
  EXPECT_EQ(ccm_post("ccm_system_tokenauth", wire).status, 401);
  EXPECT_EQ(ccm_post("ccm_system_tokenauth", wire, bulk_token()).status, 401);
  clock_.advance(std::chrono::hours(1));
  const std::string token = preauth();
  clock_.advance(std::chrono::hours(9));
  EXPECT_EQ(ccm_post("ccm_system_tokenauth", wire, token).status, 401);
  EXPECT_TRUE(db_->clients().empty());
}

TEST_F(EndpointsTest, AnAcceptedTokenStillExpires) {
  // The MP keeps tokens it has checked; their lifetime is checked on every use all the same.
  const std::string token = preauth();
  const std::string wire = registration_request(testing::client_key(), "CLIENT01");
  ASSERT_EQ(ccm_post("ccm_system_tokenauth", wire, token).status, 200);
  clock_.advance(std::chrono::hours(8) + std::chrono::minutes(6));  // lifetime + skew + 1 min
  EXPECT_EQ(ccm_post("ccm_system_tokenauth", wire, token).status, 401);
  EXPECT_EQ(db_->clients().size(), 1u);
}

TEST_F(EndpointsTest, AnonymousHttpRegistrationIsPending) {
  http::Response r = ccm_post("CCM_System", registration_request(testing::client_key(), "WG01"));
  const std::string xml = reply_xml(r);
  EXPECT_THAT(xml, HasSubstr("Status=\"1\""));
  EXPECT_THAT(xml, HasSubstr("ApprovalStatus=\"0\""));
  EXPECT_THAT(xml, ::testing::Not(HasSubstr("<ClientToken>")));
  ASSERT_EQ(db_->clients().size(), 1u);
  EXPECT_EQ(db_->clients()[0].approval, 0);
  EXPECT_EQ(db_->clients()[0].authentication, "None");
}

TEST_F(EndpointsTest, MalformedBodiesAre400) {
  http::Headers h;
  h.set("Content-Type", "multipart/mixed; boundary=\"aAbBcCdDv1234567890VxXyYzZ\"");
  EXPECT_EQ(call("CCM_POST", "/ccm_system/request", "garbage", h).status, 400);
  EXPECT_EQ(call("CCM_POST", "/ccm_system/request", "", h).status, 400);
  const std::string bad_zlib = frame(registration_header(10), "not zlib at all");
  EXPECT_EQ(call("CCM_POST", "/ccm_system/request", bad_zlib, h).status, 400);
  EXPECT_EQ(call("GET", "/ccm_system/request").status, 405);
}

TEST_F(EndpointsTest, PolicyForARegisteredClientAndEmptyReplyOtherwise) {
  const std::string id = smsid_of(register_client(testing::client_key(), "CLIENT01"));
  ASSERT_FALSE(id.empty());
  http::Response r = ccm_post("ccm_system", policy_request(testing::client_key(), id));
  ASSERT_EQ(r.status, 200);
  const std::string xml = reply_xml(r);
  EXPECT_THAT(
      xml, ::testing::StartsWith("<ReplyAssignments SchemaVersion=\"1.00\" ReplyType=\"Full\">"));
  EXPECT_THAT(xml, HasSubstr("<ClientID>" + id + "</ClientID>"));
  EXPECT_THAT(xml, HasSubstr("PolicyCategory=\"ClientAgentConfig\""));
  // Each PolicyLocation is served by .sms_pol with the hash the URL names.
  size_t pos = 0;
  int bodies = 0;
  while ((pos = xml.find("<![CDATA[http://<mp>", pos)) != std::string::npos) {
    const size_t start = pos + 20;
    const std::string path = xml.substr(start, xml.find("]]>", start) - start);
    http::Response body = call("GET", path);
    ASSERT_EQ(body.status, 200) << path;
    EXPECT_EQ(path.substr(path.find("SHA256:") + 7),
              crypto::upper_hex(crypto::sha256(body.body).value()));
    ++bodies;
    pos = start;
  }
  EXPECT_EQ(bodies, 2);

  // Unsigned, signed by another key, or from an unknown client: 200 with an empty body.
  http::Response unsigned_r =
      ccm_post("ccm_system", policy_request(testing::client_key(), id, false));
  EXPECT_EQ(unsigned_r.status, 200);
  EXPECT_TRUE(unsigned_r.body.empty());
  http::Response forged = ccm_post(
      "ccm_system", policy_request(testing::client_key(), id, true, &testing::other_key()));
  EXPECT_EQ(forged.status, 200);
  EXPECT_TRUE(forged.body.empty());
  http::Response stranger =
      ccm_post("ccm_system",
               policy_request(testing::client_key(), "GUID:11111111-2222-4333-8444-555555555555"));
  EXPECT_EQ(stranger.status, 200);
  EXPECT_TRUE(stranger.body.empty());
}

TEST_F(EndpointsTest, SiteInformationRequest) {
  http::Response r =
      ccm_post("ccm_system", location_request("<SiteInformationRequest><SiteCode Name=\"P01\" />"
                                              "</SiteInformationRequest>"));
  const std::string xml = reply_xml(r);
  EXPECT_THAT(xml, ::testing::StartsWith("<SiteInfoReply SchemaVersion=\"1.00\"><Site><SiteCode>"
                                         "P01</SiteCode><Version>5.00.9078.1000</Version>"
                                         "<BuildNumber>9078</BuildNumber>"));
  EXPECT_TRUE(log_has("MP_Location.log", "MP LM: Reply message body:"));
  const std::string mps = reply_xml(ccm_post(
      "ccm_system", location_request("<EnumerateMPLocationRequest SchemaVersion=\"1.00\"/>")));
  EXPECT_THAT(mps, HasSubstr("FQDN=\"cm01.contoso.com\""));
  const std::string content = reply_xml(
      ccm_post("ccm_system",
               location_request(
                   "<ContentLocationRequest SchemaVersion=\"1.00\" BGRVersion=\"1\"><Package "
                   "ID=\"UID:P0100002\" Version=\"1\"/><AssignedSite SiteCode=\"P01\"/>"
                   "<ClientLocationInfo LocationType=\"SMSPACKAGE\"/></ContentLocationRequest>")));
  EXPECT_THAT(content, HasSubstr("<URL Name=\"http://cm01.contoso.com/CCM_Client\""));
}

}  // namespace
}  // namespace emu::mp
