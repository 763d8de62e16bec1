// The CMG service driven in-process: a fake listener host (the router it is given is called
// directly), fake channels and a fake Entra ID validator.
#include "emulator/cmg/cmg_service.h"

#include "emulator/core/store/database.h"
#include "tests/unit/cmg/cmg_test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::cmg {
namespace {

using namespace emu::cmg::testing;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;

constexpr char kCmg[] = "cmg.contoso.com";
constexpr char kListener[] = "cmg-cmg.contoso.com";
const std::string kRole = std::to_string(kMpRole);

class CmgServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceContext ctx{clock_, ids_, state_, test::shared_pki(), "", &listeners_, nullptr};
    auto s = CmgService::create(ctx, CmgDeps{&validator_});
    ASSERT_TRUE(s.ok()) << s.status().message();
    service_ = std::move(s).value();
  }

  Deployment deployment() {
    const auto& cert = test::shared_pki().cmg.at("cmg-cmg.contoso.com");
    Deployment d;
    d.service_name = kCmg;
    d.deployment_name = "cmg.japaneast.cloudapp.azure.com";
    d.region = "japaneast";
    d.certificate_pem = cert.cert_pem;
    d.key_pem = cert.key_pem;
    d.certificate_thumbprint = cert.thumbprint;
    d.trusted_roots_pem = {test::shared_pki().ca.cert_pem};
    d.verify_revocation = true;
    d.crl_pem = test::shared_pki().crl_pem;
    return d;
  }

  Publication publication() {
    Publication p;
    p.site_code = "P01";
    p.hierarchy_id = kHierarchy;
    p.token_signing_cert_pem = signing_cert();
    Mapping m;
    m.role_id = kMpRole;
    m.role_type = 6;
    m.server = "cm01.contoso.com";
    m.vdirs = {"CCM_System", "CCM_System_TokenAuth", "SMS_MP", "CCM_STS", "CCM_Client"};
    m.max_request_bytes = 1024;
    p.mappings.push_back(m);
    p.tenants = {Tenant{kTenant, "native-app-id", kResource, false},
                 Tenant{"11111111-2222-4333-8444-555555555555", "n2", "api://x", true}};
    return p;
  }

  // Ready, published, one channel connected.
  void ready() {
    ASSERT_TRUE(service_->deployment_ready(deployment()).ok());
    ASSERT_TRUE(service_->publish(kCmg, publication()).ok());
    ASSERT_TRUE(service_->connect(kCmg, "cm01.contoso.com", &channel_).ok());
  }

  http::Response send(const std::string& method, const std::string& target, bool cert = false,
                      bool verified = true, std::string token = "", std::string body = "") {
    http::Request r;
    r.method = method;
    r.target = target;
    const size_t q = target.find('?');
    r.path = target.substr(0, q);
    r.query_string = q == std::string::npos ? "" : target.substr(q + 1);
    r.query = http::parse_form(r.query_string);
    r.host = kCmg;
    r.tls = true;
    r.listener = kListener;
    r.client_cert.presented = cert;
    r.client_cert.verified = cert && verified;
    if (!token.empty()) r.headers.set("Authorization", "Bearer " + token);
    r.body = std::move(body);
    const DynamicListenerSpec* spec = listeners_.spec(kListener);
    if (spec == nullptr) return http::text_response(599, "listener closed");
    return spec->router->dispatch(r);
  }

  std::string device_token() {
    return sign(site_claims("Device", unix_seconds(clock_.now()), 8 * 3600), signing_key());
  }

  VirtualClock clock_{VirtualClock::Mode::kManual, parse_iso8601("2026-01-01T00:00:00Z").value()};
  IdSource ids_{7};
  store::StateDir state_{""};
  FakeListeners listeners_;
  FakeValidator validator_;
  FakeChannel channel_;
  std::unique_ptr<CmgService> service_;
};

TEST_F(CmgServiceTest, ReadyOpensTheListenerWithTheWizardsCertificateAndTrustedRoots) {
  ASSERT_TRUE(service_->deployment_ready(deployment()).ok());
  const DynamicListenerSpec* spec = listeners_.spec(kListener);
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->host, "cmg.contoso.com");
  EXPECT_EQ(spec->certificate.cert_chain_pem, deployment().certificate_pem);
  EXPECT_EQ(spec->certificate.host_names, std::vector<std::string>{"cmg.contoso.com"});
  EXPECT_EQ(spec->client_cert, http::ClientCertMode::kOptional);
  EXPECT_THAT(spec->client_ca_pem, HasSubstr(test::shared_pki().ca.cert_pem.substr(0, 60)));
  EXPECT_EQ(spec->client_crl_pem, test::shared_pki().crl_pem);
  // Same deployment again: nothing reopens. Without revocation checks: reopened without CRL.
  ASSERT_TRUE(service_->deployment_ready(deployment()).ok());
  EXPECT_EQ(listeners_.opened, 1);
  Deployment no_crl = deployment();
  no_crl.verify_revocation = false;
  ASSERT_TRUE(service_->deployment_ready(no_crl).ok());
  EXPECT_EQ(listeners_.opened, 2);
  EXPECT_EQ(listeners_.spec(kListener)->client_crl_pem, "");
}

TEST_F(CmgServiceTest, DownClosesTheListenerAndDropsChannelsAndPublication) {
  ready();
  service_->deployment_down("CMG.CONTOSO.COM");
  EXPECT_FALSE(listeners_.is_open(kListener));
  EXPECT_EQ(service_->state(kCmg)["ready"], false);
  EXPECT_EQ(service_->connect(kCmg, "cm01.contoso.com", &channel_).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->publish(kCmg, publication()).code(), StatusCode::kFailedPrecondition);
  // Ready again: no publication and no channel until the CP reconnects.
  ASSERT_TRUE(service_->deployment_ready(deployment()).ok());
  auto state = service_->state(kCmg);
  EXPECT_EQ(state["publication"]["published"], false);
  EXPECT_TRUE(state["channels"].empty());
  service_->deployment_down("unknown.contoso.com");  // no-op
}

TEST_F(CmgServiceTest, MutualAuthRefusals) {
  ready();
  const std::string url = "/CCM_Proxy_MutualAuth/" + kRole + "/SMS_MP/.sms_aut?MPLIST";
  http::Response no_cert = send("GET", url);
  EXPECT_EQ(no_cert.status, 403);
  EXPECT_EQ(no_cert.reason, "CMGConnector_Clientcertificaterequired");
  http::Response untrusted = send("GET", url, true, false);
  EXPECT_EQ(untrusted.status, 403);
  EXPECT_EQ(untrusted.reason, "CMGConnector_Forbidden");
  http::Response unknown_role =
      send("GET", "/CCM_Proxy_MutualAuth/72057594037927940/SMS_MP/.sms_aut?MPLIST", true);
  EXPECT_EQ(unknown_role.status, 403);
  EXPECT_EQ(unknown_role.reason, "CMGConnector_Forbidden");
  http::Response unpublished_vdir =
      send("GET", "/CCM_Proxy_MutualAuth/" + kRole + "/CCM_Incoming/x", true);
  EXPECT_EQ(unpublished_vdir.reason, "CMGConnector_Forbidden");
  EXPECT_TRUE(channel_.calls.empty());
  http::Response ok = send("GET", url, true);
  EXPECT_EQ(ok.status, 200);
  ASSERT_EQ(channel_.calls.size(), 1u);
  EXPECT_EQ(channel_.calls[0].internal_path, "/SMS_MP/.sms_aut?MPLIST");
  EXPECT_EQ(channel_.calls[0].external_url, "https://cmg.contoso.com" + url);
  EXPECT_EQ(channel_.calls[0].server, "cm01.contoso.com");
  EXPECT_FALSE(channel_.calls[0].bearer);
}

TEST_F(CmgServiceTest, ServerAuthRefusalsAndForwarding) {
  ready();
  const std::string url = "/CCM_Proxy_ServerAuth/" + kRole + "/SMS_MP/.sms_aut?MPLIST";
  http::Response none = send("GET", url);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.reason, "CMGService_Invalid_Token");
  EXPECT_EQ(send("GET", url, false, false, "garbage").reason, "CMGService_Invalid_Token");
  const std::string bulk =
      sign(site_claims("BulkRegistration", unix_seconds(clock_.now()), 3600), signing_key());
  EXPECT_EQ(send("GET", url, false, false, bulk).reason, "CMGService_Invalid_Token");
  EXPECT_TRUE(channel_.calls.empty());
  http::Response ok = send("GET", url, false, false, device_token());
  EXPECT_EQ(ok.status, 200);
  ASSERT_EQ(channel_.calls.size(), 1u);
  EXPECT_TRUE(channel_.calls[0].bearer);
  // CCM_STS takes the bulk token; the MP's 401 there reaches the client as the CMG's.
  channel_.reply = http::text_response(401, "expired");
  http::Response sts =
      send("POST", "/CCM_Proxy_ServerAuth/" + kRole + "/CCM_STS", false, false, bulk);
  EXPECT_EQ(sts.status, 401);
  EXPECT_EQ(sts.reason, "CMGService_Invalid_Token");
  EXPECT_EQ(channel_.calls.back().internal_path, "/CCM_STS");
}

TEST_F(CmgServiceTest, NoConnectedChannelIsAnInternalServerError) {
  ASSERT_TRUE(service_->deployment_ready(deployment()).ok());
  ASSERT_TRUE(service_->publish(kCmg, publication()).ok());
  http::Response r =
      send("GET", "/CCM_Proxy_MutualAuth/" + kRole + "/SMS_MP/.sms_aut?MPLIST", true);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.reason, "CMGConnector_InternalServerError");
  ASSERT_TRUE(service_->connect(kCmg, "cm01.contoso.com", &channel_).ok());
  service_->disconnect(kCmg, "CM01.contoso.com");
  EXPECT_EQ(send("GET", "/CCM_Proxy_MutualAuth/" + kRole + "/SMS_MP/.sms_aut?MPLIST", true).status,
            500);
}

TEST_F(CmgServiceTest, ContentLengthLimitPerEndpoint) {
  ready();
  http::Response big = send("CCM_POST", "/CCM_Proxy_MutualAuth/" + kRole + "/CCM_System/request",
                            true, true, "", std::string(1025, 'x'));
  EXPECT_EQ(big.status, 404);
  EXPECT_THAT(big.body, HasSubstr("404.13"));
  EXPECT_TRUE(channel_.calls.empty());
  EXPECT_EQ(send("CCM_POST", "/CCM_Proxy_MutualAuth/" + kRole + "/CCM_System/request", true, true,
                 "", std::string(1024, 'x'))
                .status,
            200);
}

TEST_F(CmgServiceTest, ConnectionPointsAreUsedRoundRobin) {
  ready();
  FakeChannel second;
  ASSERT_TRUE(service_->connect(kCmg, "cm02.contoso.com", &second).ok());
  for (int i = 0; i < 4; ++i)
    send("GET", "/CCM_Proxy_MutualAuth/" + kRole + "/SMS_MP/.sms_aut?MPLIST", true);
  EXPECT_EQ(channel_.calls.size(), 2u);
  EXPECT_EQ(second.calls.size(), 2u);
  EXPECT_EQ(service_->state(kCmg)["channels"].size(), 2u);
}

TEST_F(CmgServiceTest, ServiceMetadata) {
  ready();
  http::Response m = send("GET", "/CCM_Proxy_MutualAuth/ServiceMetadata");
  EXPECT_EQ(m.status, 200);
  EXPECT_THAT(m.body, HasSubstr("<ServiceName>cmg.contoso.com</ServiceName>"));
  EXPECT_THAT(m.body, HasSubstr(deployment().certificate_thumbprint));
  EXPECT_THAT(m.body, HasSubstr("<ServerTime>2026-01-01T00:00:00Z</ServerTime>"));
  http::Response s = send("GET", "/CCM_Proxy_ServerAuth/ServiceMetadata");
  EXPECT_EQ(s.status, 401);
  EXPECT_EQ(s.reason, "CMGService_Invalid_Token");
  EXPECT_EQ(
      send("GET", "/CCM_Proxy_ServerAuth/ServiceMetadata", false, false, device_token()).status,
      200);
  EXPECT_TRUE(channel_.calls.empty());
}

TEST_F(CmgServiceTest, AadAuthInfo) {
  ready();
  http::Response ok = send("GET", std::string("/CCM_Proxy_ServerAuth/AADAuthInfo?TenantID=") +
                                      "72F988BF-86F1-41AF-91AB-2D7CD011DB47");
  EXPECT_EQ(ok.status, 200);
  auto j = nlohmann::json::parse(ok.body);
  EXPECT_EQ(j["ClientAppId"], "native-app-id");
  EXPECT_EQ(j["ResourceUri"], kResource);
  EXPECT_EQ(
      send("GET", "/CCM_Proxy_ServerAuth/AADAuthInfo?TenantID=11111111-2222-4333-8444-555555555555")
          .reason,
      "CMGConnector_Forbidden");  // disabled
  EXPECT_EQ(
      send("GET", "/CCM_Proxy_ServerAuth/AADAuthInfo?TenantID=00000000-0000-4000-8000-000000000000")
          .status,
      403);
  EXPECT_EQ(send("GET", "/CCM_Proxy_ServerAuth/AADAuthInfo").status, 400);
}

TEST_F(CmgServiceTest, UnknownPathsAreNotFound) {
  ready();
  EXPECT_EQ(send("GET", "/").status, 404);
  EXPECT_EQ(send("GET", "/SMS_MP/.sms_aut?MPLIST").status, 404);
  EXPECT_TRUE(channel_.calls.empty());
}

TEST_F(CmgServiceTest, CmgServiceLogLinesAndThePeriodicSummary) {
  ready();
  const std::string sts = "/CCM_Proxy_ServerAuth/" + kRole + "/CCM_STS";
  const std::string bulk =
      sign(site_claims("BulkRegistration", unix_seconds(clock_.now()), 3600), signing_key());
  send("POST", sts, false, false, bulk);
  send("POST", sts, false, false, bulk);
  ASSERT_EQ(channel_.calls.size(), 2u);
  const std::string id = channel_.calls[0].message_id;
  EXPECT_THAT(id, ContainsRegex("^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$"));
  auto lines = service_->log_lines();
  ASSERT_GE(lines.size(), 4u);
  // emulator/cmg/README.md [S10]: SMS format, UTC (+00), component CMGService.
  EXPECT_THAT(lines,
              ::testing::Contains(
                  "Request - MessageID: " + id + " RequestURI: https://cmg.contoso.com" + sts +
                  "~  $$<CMGService><01-01-2026 00:00:00.000+00><thread=4992 (0x1380)>"));
  EXPECT_THAT(lines, ::testing::Contains(
                         "Response - MessageID: " + id +
                         " ResponseHeader: HTTP/1.1 200 OK"
                         "~  $$<CMGService><01-01-2026 00:00:00.000+00><thread=4992 (0x1380)>"));
  // A request after the 5-minute period writes the summary of the previous one first.
  clock_.advance(std::chrono::minutes(5));
  send("GET", "/CCM_Proxy_MutualAuth/ServiceMetadata");
  lines = service_->log_lines();
  const std::string upper = "/CCM_PROXY_SERVERAUTH/" + kRole + "/CCM_STS";
  EXPECT_THAT(lines, ::testing::Contains(ContainsRegex(
                         "^RequestUri: " + upper +
                         "  RequestCount: 2  RequestSize: [0-9]+ Bytes  ResponseCount: 2  "
                         "ResponseSize: [0-9]+ Bytes  AverageElapsedTime: 0 ms~  \\$\\$<CMGService>"
                         "<01-01-2026 00:05:00.000\\+00>")));
  auto flushed = service_->flush_stats(kCmg);
  ASSERT_EQ(flushed.size(), 1u);
  EXPECT_THAT(flushed[0],
              HasSubstr("RequestUri: /CCM_PROXY_MUTUALAUTH/SERVICEMETADATA  RequestCount: 1"));
  EXPECT_TRUE(service_->flush_stats(kCmg).empty());
}

TEST_F(CmgServiceTest, ResetClosesEverything) {
  ready();
  ASSERT_TRUE(service_->reset().ok());
  EXPECT_FALSE(listeners_.is_open(kListener));
  EXPECT_TRUE(service_->log_lines().empty());
  EXPECT_EQ(service_->state(kCmg)["ready"], false);
}

TEST_F(CmgServiceTest, ActionsAreDeclaredForTheLoader) {
  ActionRegistry registry;
  declare_cmg_actions(registry);
  ASSERT_NE(registry.find("cmg.state"), nullptr);
  EXPECT_FALSE(registry.find("cmg.state")->run);
  service_->register_actions(registry);
  EXPECT_TRUE(registry.find("cmg.state")->run);
  EXPECT_TRUE(registry.find("cmg.flush_stats")->run);
}

}  // namespace
}  // namespace emu::cmg
