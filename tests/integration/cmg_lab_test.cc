// CMG → connection point → internal role over real loopback TLS: a lab seeded with an already
// deployed CMG (lab.site.cmg), clients on http::ClientConnection with SNI cmg.contoso.com (and
// a client certificate for MutualAuth), a stand-in MP listener on cm01.contoso.com reached
// through the lab's Intranet; each refusal, and the CMG going Stopped / Ready / deleted.
#include "emulator/app/lab.h"
#include "emulator/core/actions.h"
#include "emulator/core/faults.h"
#include "emulator/core/http/client.h"
#include "emulator/core/http/router.h"
#include "emulator/core/journal.h"
#include "emulator/core/service.h"
#include "tests/integration/seeded_lab_test.h"
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

constexpr char kCmg[] = "cmg.contoso.com";
constexpr char kMpRole[] = "72057594037927939";

json lab_section() {
  return {{"site",
           {{"code", "P01"},
            {"server", "cm01.contoso.com"},
            {"site_system_communication", "enhanced_http"},
            {"roles", {{"management_point", {{"server", "cm01.contoso.com"}}}}},
            {"cmg",
             {{"service_name", kCmg},
              {"trusted_roots", {"cmgemu-lab-root-ca.pem"}},
              {"verify_revocation", true},
              {"connection_point", "cm01.contoso.com"},
              {"allow_cmg_traffic", {"management_point"}}}}}}};
}

class CmgLabTest : public test::SeededLabTest {
 protected:
  void SetUp() override {
    // The stand-in MP: answers every path, with `mp_status_` (and the path it saw).
    mp_router_.add("*", "*", "/{path...}", [this](http::Request& r) {
      http::Response out = http::text_response(mp_status_, "mp saw " + r.method + " " + r.target);
      return out;
    });
    StartLab(lab_section(), {kCmg});
    if (HasFatalFailure()) return;
    DynamicListenerSpec mp;
    mp.name = "test-mp";
    mp.host = "cm01.contoso.com";
    mp.certificate = {{"cm01.contoso.com"},
                      test::shared_pki().server.cert_pem,
                      test::shared_pki().server.key_pem};
    mp.router = &mp_router_;
    ASSERT_TRUE(lab_->listener_host().open(mp).ok());
    lab_->run_on_io([&] { lab_->intranet().serve("cm01.contoso.com", "test-mp"); });
  }

  Result<uint16_t> cmg_port() {
    EMU_ASSIGN_OR_RETURN(app::Endpoint e, lab_->endpoint("cmg-cmg.contoso.com"));
    return e.port;
  }

  // One request on a fresh TLS connection to the CMG (SNI and Host = the service name).
  Result<http::ClientResponse> call(const std::string& method, const std::string& target,
                                    const pki::IssuedCert* cert = nullptr,
                                    const std::string& token = "") {
    EMU_ASSIGN_OR_RETURN(uint16_t port, cmg_port());
    http::Headers h;
    if (!token.empty()) h.set("Authorization", "Bearer " + token);
    return test::fetch(
        port,
        test::tls_to(kCmg, lab_->ca_path(), cert ? cert->cert_pem : "", cert ? cert->key_pem : ""),
        method, target, h);
  }

  std::string mutual(const std::string& rest) {
    return std::string("/CCM_Proxy_MutualAuth/") + kMpRole + rest;
  }
  std::string server(const std::string& rest) {
    return std::string("/CCM_Proxy_ServerAuth/") + kMpRole + rest;
  }

  http::Router mp_router_;
  int mp_status_ = 200;
};

TEST_F(CmgLabTest, MutualAuthThroughTheConnectionPointToTheRole) {
  auto r = call("GET", mutual("/SMS_MP/.sms_aut?MPLIST"), &test::shared_pki().client);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "mp saw GET /SMS_MP/.sms_aut?MPLIST");
  ActionOutcome logs = act("site.logs.expect",
                           {{"log", "SMS_CLOUD_PROXYCONNECTOR.log"},
                            {"patterns",
                             {"Switched to internal URL\\. Replaced 'https://cmg\\.contoso\\.com/"
                              "CCM_Proxy_MutualAuth/72057594037927939/SMS_MP' in .* and got "
                              "'http:///cm01\\.contoso\\.com/SMS_MP/\\.sms_aut\\?MPLIST'",
                              "EndpointName: SMS_MP ResponseHeader: HTTP/1.1 200 OK"}}});
  EXPECT_EQ(logs.kind, ActionOutcome::Kind::kPassed) << logs.message;
  ActionOutcome traffic = act("site.cmg.traffic", {{"cmg", kCmg}});
  ASSERT_EQ(traffic.kind, ActionOutcome::Kind::kPassed) << traffic.message;
  EXPECT_EQ(traffic.output["connection_points"][0]["endpoints"][0]["TotalRequests"], 1);
  ActionOutcome state = act("cmg.state", {{"cmg", kCmg}});
  EXPECT_EQ(state.output["open"], true);
  EXPECT_EQ(state.output["channels"], json::array({"cm01.contoso.com"}));
  EXPECT_EQ(state.output["publication"]["mappings"][0]["role_id"], kMpRole);
}

TEST_F(CmgLabTest, Refusals) {
  auto no_cert = call("GET", mutual("/SMS_MP/.sms_aut?MPLIST"));
  ASSERT_TRUE(no_cert.ok()) << no_cert.status().to_string();
  EXPECT_EQ(no_cert->status, 403);
  EXPECT_EQ(no_cert->reason, "CMGConnector_Clientcertificaterequired");

  auto foreign = call("GET", mutual("/SMS_MP/.sms_aut?MPLIST"), &test::shared_pki().foreign_client);
  ASSERT_TRUE(foreign.ok()) << foreign.status().to_string();
  EXPECT_EQ(foreign->status, 403);
  EXPECT_EQ(foreign->reason, "CMGConnector_Forbidden");

  auto no_token = call("GET", server("/SMS_MP/.sms_aut?MPLIST"));
  ASSERT_TRUE(no_token.ok());
  EXPECT_EQ(no_token->status, 401);
  EXPECT_EQ(no_token->reason, "CMGService_Invalid_Token");

  auto metadata = call("GET", "/CCM_Proxy_ServerAuth/ServiceMetadata");
  ASSERT_TRUE(metadata.ok());
  EXPECT_EQ(metadata->reason, "CMGService_Invalid_Token");
  auto open_metadata = call("GET", "/CCM_Proxy_MutualAuth/ServiceMetadata");
  ASSERT_TRUE(open_metadata.ok());
  EXPECT_EQ(open_metadata->status, 200);
  EXPECT_THAT(open_metadata->body, HasSubstr("<ServiceName>cmg.contoso.com</ServiceName>"));

  // The bulk token reaches CCM_STS; the role's answers become the CMG's.
  ActionOutcome token = act("site.bulk_token.new", json::object());
  ASSERT_EQ(token.kind, ActionOutcome::Kind::kPassed) << token.message;
  const std::string bulk = token.output["token"];
  auto sts = call("POST", server("/CCM_STS"), nullptr, bulk);
  ASSERT_TRUE(sts.ok());
  EXPECT_EQ(sts->status, 200);
  EXPECT_EQ(sts->body, "mp saw POST /CCM_STS");
  mp_status_ = 500;  // "STS broken"
  auto broken = call("POST", server("/CCM_STS"), nullptr, bulk);
  ASSERT_TRUE(broken.ok());
  EXPECT_EQ(broken->status, 500);
  EXPECT_EQ(broken->reason, "CMGConnector_InternalServerError");
  mp_status_ = 401;
  auto refused = call("POST", server("/CCM_STS"), nullptr, bulk);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->reason, "CMGService_Invalid_Token");
  auto unauthorized = call("GET", mutual("/SMS_MP/.sms_aut?MPLIST"), &test::shared_pki().client);
  ASSERT_TRUE(unauthorized.ok());
  EXPECT_EQ(unauthorized->status, 401);
  EXPECT_EQ(unauthorized->reason, "CMGConnector_Unauthorized");
  mp_status_ = 403;
  auto forbidden = call("GET", mutual("/SMS_MP/.sms_aut?MPLIST"), &test::shared_pki().client);
  ASSERT_TRUE(forbidden.ok());
  EXPECT_EQ(forbidden->reason, "CMGConnector_Forbidden");
  mp_status_ = 200;

  // MP down: nobody serves its name on the intranet.
  lab_->run_on_io([&] { lab_->intranet().forget("cm01.contoso.com"); });
  auto down = call("GET", mutual("/SMS_MP/.sms_aut?MPLIST"), &test::shared_pki().client);
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(down->status, 500);
  EXPECT_EQ(down->reason, "CMGConnector_InternalServerError");
  lab_->run_on_io([&] { lab_->intranet().serve("cm01.contoso.com", "test-mp"); });

  // CP disconnected.
  ASSERT_EQ(act("site.cmg_connection_point.disconnect", {{"cmg", kCmg}}).kind,
            ActionOutcome::Kind::kPassed);
  auto no_cp = call("GET", mutual("/SMS_MP/.sms_aut?MPLIST"), &test::shared_pki().client);
  ASSERT_TRUE(no_cp.ok());
  EXPECT_EQ(no_cp->reason, "CMGConnector_InternalServerError");
  ActionOutcome reconnect = act("site.cmg_connection_point.connect", {{"cmg", kCmg}});
  ASSERT_EQ(reconnect.kind, ActionOutcome::Kind::kPassed) << reconnect.message;
  EXPECT_EQ(reconnect.output["status"], "Connected");

  // The MP no longer allows CMG traffic: its mapping is withdrawn.
  ActionOutcome deny =
      act("site.roles.allow_cmg_traffic",
          {{"roles",
            {{{"role", "management_point"}, {"server", "cm01.contoso.com"}, {"allow", false}}}}});
  ASSERT_EQ(deny.kind, ActionOutcome::Kind::kPassed) << deny.message;
  auto not_mapped = call("GET", mutual("/SMS_MP/.sms_aut?MPLIST"), &test::shared_pki().client);
  ASSERT_TRUE(not_mapped.ok());
  EXPECT_EQ(not_mapped->status, 403);
  EXPECT_EQ(not_mapped->reason, "CMGConnector_Forbidden");
}

TEST_F(CmgLabTest, PresentsTheCmgCertificateForItsServiceName) {
  auto port = cmg_port();
  ASSERT_TRUE(port.ok()) << port.status().to_string();
  http::ClientOptions o;
  o.sni = kCmg;
  o.ca_file = lab_->ca_path();
  o.verify_host = true;
  auto conn = http::ClientConnection::open("127.0.0.1", *port, o);
  ASSERT_TRUE(conn.ok()) << conn.status().to_string();
  EXPECT_THAT((*conn)->peer_subject(), HasSubstr("CN=cmg.contoso.com"));
  ActionOutcome set =
      act("site.cmg_connection_point.set", {{"cmg", kCmg}, {"client_auth_certificate", true}});
  ASSERT_EQ(set.kind, ActionOutcome::Kind::kPassed) << set.message;
  EXPECT_EQ(set.output["client_auth_certificate"], true);
  EXPECT_EQ(set.output["ports"], json::array({443}));
}

TEST_F(CmgLabTest, ReadyStoppedReadyDeleted) {
  ASSERT_TRUE(call("GET", "/CCM_Proxy_MutualAuth/ServiceMetadata").ok());
  ActionOutcome stop = act("site.cmg.stop", {{"cmg", kCmg}});
  ASSERT_EQ(stop.kind, ActionOutcome::Kind::kPassed) << stop.message;
  // Stopped: the name does not answer (the endpoint is gone or refuses connections).
  auto stopped = call("GET", "/CCM_Proxy_MutualAuth/ServiceMetadata");
  EXPECT_FALSE(stopped.ok());
  ActionOutcome cp = act("site.cmg_connection_point.state", {{"cmg", kCmg}});
  EXPECT_EQ(cp.output["status"], "Disconnected");
  EXPECT_EQ(cp.output["cmg_status"], "Stopped");
  ActionOutcome start = act("site.cmg.start", {{"cmg", kCmg}});
  ASSERT_EQ(start.kind, ActionOutcome::Kind::kPassed) << start.message;
  auto again = call("GET", mutual("/SMS_MP/.sms_aut?MPLIST"), &test::shared_pki().client);
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(again->status, 200);  // reconnected and republished
  ActionOutcome del = act("site.cmg.delete", {{"cmg", kCmg}});
  ASSERT_EQ(del.kind, ActionOutcome::Kind::kPassed) << del.message;
  EXPECT_FALSE(call("GET", "/CCM_Proxy_MutualAuth/ServiceMetadata").ok());
  ActionOutcome state = act("cmg.state", {{"cmg", kCmg}});
  EXPECT_EQ(state.output["ready"], false);
}

}  // namespace
}  // namespace emu
