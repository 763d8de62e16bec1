// An HTTPS management point in a Lab: its TLS listener "mp-https" on cm01.contoso.com with a
// lab-CA server certificate, IIS's 403 "Client certificate required" on the vdirs that need
// one and 403 "Forbidden" on plain HTTP; through the CMG, the connection point's own
// client-authentication certificate decides (403 CMGConnector_Clientcertificaterequired
// without it), and a PKI device registering through the CMG is approved as PKI.
#include "emulator/app/lab.h"
#include "emulator/core/actions.h"
#include "emulator/core/http/client.h"
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

constexpr char kCmg[] = "cmg.contoso.com";
constexpr char kMp[] = "cm01.contoso.com";
constexpr char kMpRole[] = "72057594037927939";

json lab_section() {
  return {{"site",
           {{"code", "P01"},
            {"server", kMp},
            {"site_system_communication", "https"},
            {"roles", {{"management_point", {{"server", kMp}, {"https", true}}}}},
            {"cmg",
             {{"service_name", kCmg},
              {"trusted_roots", {"cmgemu-lab-root-ca.pem"}},
              {"verify_revocation", true},
              {"connection_point", kMp},
              {"allow_cmg_traffic", {"management_point"}}}}}}};
}

class MpHttpsLabTest : public test::SeededLabTest {
 protected:
  void SetUp() override { StartLab(lab_section(), {kCmg}); }

  // One request on a fresh TLS connection to `endpoint`, SNI and Host = `host`, the server
  // certificate verified against the lab CA for that name.
  Result<http::ClientResponse> call(const std::string& endpoint, const std::string& host,
                                    const std::string& method, const std::string& target,
                                    const pki::IssuedCert* cert = nullptr,
                                    const http::Headers& headers = {},
                                    const std::string& body = "") {
    EMU_ASSIGN_OR_RETURN(app::Endpoint e, lab_->endpoint(endpoint));
    return test::fetch(
        e.port,
        test::tls_to(host, lab_->ca_path(), cert ? cert->cert_pem : "", cert ? cert->key_pem : ""),
        method, target, headers, body);
  }
  Result<http::ClientResponse> mp(const std::string& target, const pki::IssuedCert* cert) {
    return call("mp-https", kMp, "GET", target, cert);
  }
  Result<http::ClientResponse> cmg(const std::string& method, const std::string& rest,
                                   const http::Headers& headers = {},
                                   const std::string& body = "") {
    return call("cmg-cmg.contoso.com", kCmg, method,
                std::string("/CCM_Proxy_MutualAuth/") + kMpRole + rest, &test::shared_pki().client,
                headers, body);
  }
};

TEST_F(MpHttpsLabTest, TheMpVdirsNeedAClientCertificateThatVerifies) {
  auto with_cert = mp("/SMS_MP/.sms_aut?MPLIST", &test::shared_pki().client);
  ASSERT_TRUE(with_cert.ok()) << with_cert.status().to_string();
  EXPECT_EQ(with_cert->status, 200) << with_cert->body;
  EXPECT_THAT(with_cert->body, HasSubstr("cm01.contoso.com"));

  auto without = mp("/SMS_MP/.sms_aut?MPLIST", nullptr);
  ASSERT_TRUE(without.ok()) << without.status().to_string();
  EXPECT_EQ(without->status, 403);
  EXPECT_EQ(without->reason, "Client certificate required");
  auto foreign = mp("/SMS_MP/.sms_aut?MPLIST", &test::shared_pki().foreign_client);
  ASSERT_TRUE(foreign.ok()) << foreign.status().to_string();
  EXPECT_EQ(foreign->status, 403);
  EXPECT_EQ(foreign->reason, "Client certificate required");
  auto ccm_system = call("mp-https", kMp, "CCM_POST", "/ccm_system/request");
  ASSERT_TRUE(ccm_system.ok());
  EXPECT_EQ(ccm_system->reason, "Client certificate required");

  // AltAuth answers without one (emulator/mp/README.md Sources [S4], [S17]), as do CCM_STS's own
  // token checks.
  auto altauth = mp("/SMS_MP_AltAuth/.sms_aut?MPLIST", nullptr);
  ASSERT_TRUE(altauth.ok());
  EXPECT_EQ(altauth->status, 200);
  auto sts = call("mp-https", kMp, "POST", "/CCM_STS");
  ASSERT_TRUE(sts.ok());
  EXPECT_NE(sts->status, 403) << sts->reason;

  // Plain HTTP to the HTTPS-only MP: 403 Forbidden (SSL required).
  auto plain_port = lab_->endpoint("mp");
  ASSERT_TRUE(plain_port.ok());
  test::TestClientOptions plain;
  plain.tls = false;
  auto http = test::fetch(plain_port->port, plain, "GET", "/SMS_MP/.sms_aut?MPLIST");
  ASSERT_TRUE(http.ok()) << http.status().to_string();
  EXPECT_EQ(http->status, 403);
  EXPECT_EQ(http->reason, "Forbidden");
}

TEST_F(MpHttpsLabTest, TheConnectionPointPresentsItsOwnClientCertificate) {
  auto refused = cmg("GET", "/SMS_MP/.sms_aut?MPLIST");
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(refused->reason, "CMGConnector_Clientcertificaterequired");
  EXPECT_EQ(act("site.logs.expect", {{"log", "SMS_CLOUD_PROXYCONNECTOR.log"},
                                     {"patterns",
                                      {"Filtered cert count with client auth: 0",
                                       "Switched to internal URL\\..* and got "
                                       "'https:///cm01\\.contoso\\.com/SMS_MP/"}}})
                .kind,
            ActionOutcome::Kind::kPassed);

  ActionOutcome set =
      act("site.cmg_connection_point.set", {{"cmg", kCmg}, {"client_auth_certificate", true}});
  ASSERT_EQ(set.kind, ActionOutcome::Kind::kPassed) << set.message;
  auto ok = cmg("GET", "/SMS_MP/.sms_aut?MPLIST");
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->status, 200) << ok->reason;
  EXPECT_THAT(ok->body, HasSubstr("cm01.contoso.com"));
}

// The device's certificate, verified by the CMG, makes it a PKI client (approved); the
// connection point's certificate only opens the MP's TLS.
TEST_F(MpHttpsLabTest, APkiDeviceRegistersThroughTheCmgAsPki) {
  ASSERT_EQ(
      act("site.cmg_connection_point.set", {{"cmg", kCmg}, {"client_auth_certificate", true}}).kind,
      ActionOutcome::Kind::kPassed);
  const test::CcmRegistration reg = test::make_ccm_registration(lab_->clock().now(), "PKI01");
  auto sent = cmg("CCM_POST", "/ccm_system/request", reg.headers, reg.wire);
  ASSERT_TRUE(sent.ok()) << sent.status().to_string();
  ASSERT_EQ(sent->status, 200) << sent->reason << " " << sent->body;
  auto reply = mp::messaging::parse_message(sent->headers.get_or("Content-Type", ""), sent->body);
  ASSERT_TRUE(reply.ok()) << reply.status().message();
  EXPECT_THAT(reply->body_xml, HasSubstr("ApprovalStatus=\"1\""));
  ActionOutcome state = act("mp.state", json::object());
  ASSERT_EQ(state.output["registered_clients"], 1) << state.output.dump();
  EXPECT_EQ(state.output["clients"][0]["authentication"], "PKI");
  EXPECT_EQ(state.output["clients"][0]["approval"], 1);

  // Straight to the MP with the device's certificate: PKI as well.
  const test::CcmRegistration direct = test::make_ccm_registration(lab_->clock().now(), "PKI02");
  auto on_mp = call("mp-https", kMp, "CCM_POST", "/ccm_system/request", &test::shared_pki().client,
                    direct.headers, direct.wire);
  ASSERT_TRUE(on_mp.ok()) << on_mp.status().to_string();
  ASSERT_EQ(on_mp->status, 200) << on_mp->reason;
  state = act("mp.state", json::object());
  ASSERT_EQ(state.output["registered_clients"], 2);
  EXPECT_EQ(state.output["clients"][1]["authentication"], "PKI");
}

}  // namespace
}  // namespace emu
