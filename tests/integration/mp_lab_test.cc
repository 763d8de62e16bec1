// The management point in a Lab: plain HTTP on its "mp" listener (real loopback sockets) and the
// same router through the Lab's Intranet (as the CMG connection point forwards), with the
// lab-site-token scenario's site. A client registers with a bulk token (CCM_STS, then
// MP_ClientRegistration on CCM_System_TokenAuth) and gets its policy; mp.down drops
// connections; the site database holds one row per client.
#include "emulator/app/lab.h"
#include "emulator/core/actions.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/faults.h"
#include "emulator/core/journal.h"
#include "emulator/core/service.h"
#include "emulator/core/text.h"
#include "emulator/mp/messaging/ccm_message.h"
#include "tests/integration/seeded_lab_test.h"
#include "tests/testlib/ccm_registration.h"
#include "tests/testlib/http_test_client.h"
#include "tests/testlib/lab_io_action_context.h"
#include "tests/testlib/test_pki.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace emu {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
namespace messaging = mp::messaging;

json lab_section() {
  return {{"tenant",
           {{"domain", "contoso.onmicrosoft.com"},
            {"users",
             {{{"upn", "admin@contoso.onmicrosoft.com"},
               {"display_name", "Lab Admin"},
               {"directory_roles", {"Global Administrator"}}}}}}},
          {"site",
           {{"code", "P01"},
            {"type", "primary"},
            {"server", "cm01.contoso.com"},
            {"version", "2203"},
            {"roles", {{"management_point", {{"server", "cm01.contoso.com"}}}}},
            {"site_system_communication", "enhanced_http"}}}};
}

class MpLabTest : public test::SeededLabTest {
 protected:
  void SetUp() override {
    StartLab(lab_section());
    if (HasFatalFailure()) return;
    auto ep = lab_->endpoint("mp");
    ASSERT_TRUE(ep.ok()) << ep.status().to_string();
    port_ = ep->port;
  }
  Result<test::TestResponse> http(const std::string& method, const std::string& target,
                                  const http::Headers& headers = {}, const std::string& body = "") {
    test::TestClientOptions o;
    o.tls = false;
    return test::fetch(port_, o, method, target, headers, body);
  }

  Result<http::Response> intranet(const std::string& host, http::Request& req) {
    Result<http::Response> out = Internal("not run");
    lab_->run_on_io([&] { out = lab_->intranet().send(host, false, req); });
    return out;
  }

  uint16_t port_ = 0;
};

TEST_F(MpLabTest, GetAuthOverTheListenerAndTheIntranet) {
  auto r = http("GET", "/SMS_MP/.sms_aut?MPLIST");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->body, HasSubstr("<MP Name=\"CM01.CONTOSO.COM\" FQDN=\"cm01.contoso.com\">"
                                 "<Version>9078</Version>"));
  http::Request req;
  req.method = "GET";
  req.target = "/sms_mp/.sms_aut?MPLIST1&P01";
  auto via = intranet("CM01.contoso.com", req);
  ASSERT_TRUE(via.ok()) << via.status().to_string();
  EXPECT_EQ(via->status, 200);
  EXPECT_THAT(via->body, HasSubstr("SiteCode=\"P01\""));

  ASSERT_EQ(act("mp.down", json::object()).kind, ActionOutcome::Kind::kPassed);
  http::Request again;
  again.method = "GET";
  again.target = "/SMS_MP/.sms_aut?MPLIST";
  EXPECT_FALSE(intranet("cm01.contoso.com", again).ok());
  auto dropped = http("GET", "/SMS_MP/.sms_aut?MPLIST");
  EXPECT_FALSE(dropped.ok() && dropped->status == 200);
  ASSERT_EQ(act("mp.up", json::object()).kind, ActionOutcome::Kind::kPassed);
  auto back = http("GET", "/SMS_MP/.sms_aut?MPLIST");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->status, 200);
}

TEST_F(MpLabTest, BulkTokenRegistrationAndPolicyOverHttp) {
  auto bulk = act("site.bulk_token.new", {{"lifetime_minutes", 60}});
  ASSERT_EQ(bulk.kind, ActionOutcome::Kind::kPassed) << bulk.message;
  http::Headers auth;
  auth.set("Authorization", "Bearer " + bulk.output["token"].get<std::string>());
  auto sts = http("POST", "/CCM_STS", auth);
  ASSERT_TRUE(sts.ok()) << sts.status().to_string();
  ASSERT_EQ(sts->status, 200) << sts->body;
  const std::string ccm_token = json::parse(sts->body)["token"].get<std::string>();

  // The client's key pair and the SCCMSecrets-style registration request (codec framing).
  const test::CcmRegistration registration =
      test::make_ccm_registration(lab_->clock().now(), "CLIENT01");
  const std::string& wire = registration.wire;
  http::Headers headers = registration.headers;
  const messaging::MsgHeader& h = registration.header;
  const std::string& der = registration.cert_der;
  const std::string& key_pem = registration.key_pem;
  headers.set("Authorization", "Bearer " + ccm_token);
  std::string client_id;
  for (int attempt = 0; attempt < 2; ++attempt) {  // re-registration keeps the GUID
    auto reg = http("CCM_POST", "/ccm_system_tokenauth/request", headers, wire);
    ASSERT_TRUE(reg.ok()) << reg.status().to_string();
    ASSERT_EQ(reg->status, 200) << reg->body;
    auto reply = messaging::parse_message(reg->headers.get_or("Content-Type", ""), reg->body);
    ASSERT_TRUE(reply.ok()) << reply.status().message();
    const size_t p = reply->body_xml.find("SMSID=\"GUID:");
    ASSERT_NE(p, std::string::npos) << reply->body_xml;
    const std::string id = reply->body_xml.substr(p + 7, 41);
    if (attempt == 0) client_id = id;
    EXPECT_EQ(id, client_id);
    EXPECT_THAT(reply->body_xml, HasSubstr("ApprovalStatus=\"1\"><ClientToken>"));
  }
  auto rows = act("site.sql", {{"query",
                                "SELECT SMS_Unique_Identifier0, AuthenticationType "
                                "FROM v_R_System"}});
  ASSERT_EQ(rows.kind, ActionOutcome::Kind::kPassed) << rows.message;
  EXPECT_EQ(rows.output["count"], 1);
  auto state = act("mp.state", json::object());
  EXPECT_EQ(state.output["registered_clients"], 1);
  EXPECT_EQ(state.output["clients"][0]["client_id"], client_id);
  EXPECT_EQ(state.output["clients"][0]["authentication"], "BulkToken");
  EXPECT_EQ(act("mp.logs.expect",
                {{"log", "MP_RegistrationManager.log"},
                 {"patterns", {"Processing Registration request from Client '" + client_id}}})
                .kind,
            ActionOutcome::Kind::kPassed);

  // A signed policy request for the registered client.
  const std::string policy_body =
      "<RequestAssignments SchemaVersion=\"1.00\" ACK=\"false\" RequestType=\"Always\">"
      "<Identification><Machine><ClientID>" +
      client_id +
      "</ClientID><FQDN>client01</FQDN><NetBIOSName>CLIENT01</NetBIOSName><SID /></Machine>"
      "<User /></Identification><PolicySource>SMS:P01</PolicySource><Resource "
      "ResourceType=\"Machine\" /><ServerCookie /></RequestAssignments>";
  const std::string payload = messaging::encode_body(policy_body, true);
  messaging::MsgHeader ph = h;
  ph.target_address = "mp:MP_PolicyManager";
  ph.target_endpoint = "MP_PolicyManager";
  ph.source_id = client_id;
  ph.body_length = messaging::body_length_of(policy_body);
  ph.clientauth_hook = true;
  ph.clientauth["AuthSenderMachine"] = "CLIENT01";
  ph.clientauth["PublicKey"] = messaging::public_key_blob_hex(der).value();
  ph.clientauth["PayloadSignature"] = messaging::sign_reversed_hex(key_pem, payload).value();
  ph.clientauth["ClientCapabilities"] = "NonSSL";
  ph.clientauth["HashAlgorithm"] = "1.2.840.113549.1.1.11";
  auto sts2 = http("POST", "/CCM_STS", auth);  // the bulk token again: PreAuth, refused for policy
  ASSERT_TRUE(sts2.ok());
  headers.set("Authorization", "Bearer " + json::parse(sts2->body)["token"].get<std::string>());
  auto refused = http("CCM_POST", "/ccm_system_tokenauth/request", headers,
                      messaging::frame_message(ph, payload));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 401);
  headers.erase("Authorization");
  auto pol =
      http("CCM_POST", "/ccm_system/request", headers, messaging::frame_message(ph, payload));
  ASSERT_TRUE(pol.ok());
  ASSERT_EQ(pol->status, 200);
  auto reply = messaging::parse_message(pol->headers.get_or("Content-Type", ""), pol->body);
  ASSERT_TRUE(reply.ok()) << reply.status().message();
  EXPECT_THAT(reply->body_xml, HasSubstr("<ReplyAssignments SchemaVersion=\"1.00\""));
  EXPECT_THAT(reply->body_xml, HasSubstr("<![CDATA[http://<mp>/SMS_MP/.sms_pol?{"));
}

}  // namespace
}  // namespace emu
