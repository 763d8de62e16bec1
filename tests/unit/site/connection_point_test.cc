// The CMG connection point's channel with a fake Intranet: URL rewrite, the
// SMS_CLOUD_PROXYCONNECTOR.log lines, refusals mapped to the CMG's reason phrases, counters and
// the ReportTrafficData message.
#include "emulator/site/connection_point/connection_point.h"

#include "emulator/site/env.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::site {
namespace {

using ::testing::Contains;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kExternal[] =
    "https://cmg.contoso.com/CCM_Proxy_ServerAuth/72057594037927939/CCM_STS";

class FakeIntranet final : public Intranet {
 public:
  void serve(const std::string&, const std::string&) override {}
  void forget(const std::string&) override {}
  Result<http::Response> send(const std::string& host, bool tls, http::Request& req) override {
    hosts.push_back(host);
    tls_used.push_back(tls);
    requests.push_back(req);
    if (down) return Unavailable(host + ": no such host");
    return reply;
  }
  bool down = false;
  http::Response reply = http::text_response(200, "{\"token\":\"x\"}", "application/json");
  std::vector<std::string> hosts;
  std::vector<bool> tls_used;
  std::vector<http::Request> requests;
};

class ConnectionPointTest : public ::testing::Test {
 protected:
  ConnectionPointTest()
      : logs_(clock_, TraceLogs::Options{}),
        cp_(ConnectionPointDeps{clock_, ids_, logs_, &intranet_}, "cm01.contoso.com",
            "cmg.contoso.com", 1) {
    mapping_.role_id = 72057594037927939LL;
    mapping_.server = "cm01.contoso.com";
    mapping_.vdirs = {"CCM_System_TokenAuth", "SMS_MP", "CCM_STS"};
    cp_.mark_connected(true);
  }

  http::Response forward(const std::string& external, const std::string& internal,
                         bool bearer = true) {
    request_ = http::Request{};
    request_.method = "POST";
    request_.target = external.substr(std::string("https://cmg.contoso.com").size());
    request_.path = request_.target.substr(0, request_.target.find('?'));
    request_.headers.set("Authorization", "Bearer abc");
    cmg::Forwarded f;
    f.request = &request_;
    f.mapping = &mapping_;
    f.external_url = external;
    f.internal_path = internal;
    f.message_id = "0F8FAD5B-D9CB-469F-A165-70867728950E";
    f.bearer_token = bearer;
    return cp_.forward(f);
  }
  std::vector<std::string> lines() { return logs_.lines(kProxyConnectorLog); }

  VirtualClock clock_{VirtualClock::Mode::kManual, parse_iso8601("2026-01-01T00:00:00Z").value()};
  IdSource ids_{3};
  TraceLogs logs_;
  FakeIntranet intranet_;
  cmg::Mapping mapping_;
  http::Request request_;
  ConnectionPoint cp_;
};

TEST(UrlRewriteTest, TheTripleSlashAsPublished) {
  // memdocs azure-ccmsetup.md: "... with 'https://MP.MYCORP.COM/CCM_STS' and got
  // 'https:///MP.MYCORP.COM/CCM_STS'".
  UrlRewrite u = rewrite_url(kExternal, "/CCM_STS", "cm01.contoso.com", true);
  EXPECT_EQ(u.vdir, "CCM_STS");
  EXPECT_EQ(u.replaced, kExternal);
  EXPECT_EQ(u.with, "https://cm01.contoso.com/CCM_STS");
  EXPECT_EQ(u.got, "https:///cm01.contoso.com/CCM_STS");
  EXPECT_EQ(u.internal, "https://cm01.contoso.com/CCM_STS");
  UrlRewrite q = rewrite_url(
      "https://cmg.contoso.com/CCM_PROXY_MUTUALAUTH/72057594037927939/SMS_MP/.sms_aut?MPLIST2&P01",
      "/SMS_MP/.sms_aut?MPLIST2&P01", "cm01.contoso.com", false);
  EXPECT_EQ(q.replaced, "https://cmg.contoso.com/CCM_PROXY_MUTUALAUTH/72057594037927939/SMS_MP");
  EXPECT_EQ(q.with, "http://cm01.contoso.com/SMS_MP");
  EXPECT_EQ(q.got, "http:///cm01.contoso.com/SMS_MP/.sms_aut?MPLIST2&P01");
  EXPECT_EQ(q.internal, "http://cm01.contoso.com/SMS_MP/.sms_aut?MPLIST2&P01");
}

TEST_F(ConnectionPointTest, ForwardsToTheInternalUrlAndLogs) {
  http::Response r = forward(kExternal, "/CCM_STS");
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(intranet_.requests.size(), 1u);
  EXPECT_EQ(intranet_.hosts[0], "cm01.contoso.com");
  EXPECT_FALSE(intranet_.tls_used[0]);  // Enhanced HTTP MP
  EXPECT_EQ(intranet_.requests[0].target, "/CCM_STS");
  EXPECT_EQ(intranet_.requests[0].path, "/CCM_STS");
  EXPECT_EQ(intranet_.requests[0].headers.get_or("Authorization", ""), "Bearer abc");
  auto l = lines();
  EXPECT_THAT(
      l, Contains(HasSubstr(std::string("Switched to internal URL. Replaced '") + kExternal +
                            "' in '" + kExternal +
                            "' with 'http://cm01.contoso.com/CCM_STS' and got "
                            "'http:///cm01.contoso.com/CCM_STS'~  $$<SMS_CLOUD_PROXYCONNECTOR>")));
  EXPECT_THAT(l, Contains(HasSubstr("Forwarding proxy message 0F8FAD5B-D9CB-469F-A165-70867728950E "
                                    "to URL: http://cm01.contoso.com/CCM_STS~")));
  EXPECT_THAT(
      l, Contains(HasSubstr("MessageID: 0F8FAD5B-D9CB-469F-A165-70867728950E RequestURI: "
                            "http://cm01.contoso.com/CCM_STS EndpointName: CCM_STS ResponseHeader: "
                            "HTTP/1.1 200 OK ~~ ResponseBodySize: 13 ElapsedTime: 0 ms~")));
}

TEST_F(ConnectionPointTest, QueryAndVdirSpellingReachTheRole) {
  forward("https://cmg.contoso.com/CCM_Proxy_ServerAuth/72057594037927939/sms_mp/.sms_aut?MPLIST",
          "/sms_mp/.sms_aut?MPLIST");
  ASSERT_EQ(intranet_.requests.size(), 1u);
  EXPECT_EQ(intranet_.requests[0].path, "/sms_mp/.sms_aut");
  EXPECT_EQ(intranet_.requests[0].query_string, "MPLIST");
  ASSERT_EQ(intranet_.requests[0].query.size(), 1u);
  EXPECT_EQ(intranet_.requests[0].query[0].first, "MPLIST");
  auto traffic = cp_.traffic();
  EXPECT_EQ(traffic["endpoints"][0]["endpoint"], "SMS_MP");  // the published spelling
}

TEST_F(ConnectionPointTest, HttpsRoleWithoutClientCertificate) {
  mapping_.https = true;
  http::Response r = forward(kExternal, "/CCM_STS");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.reason, "CMGConnector_Clientcertificaterequired");
  EXPECT_TRUE(intranet_.requests.empty());
  auto l = lines();
  EXPECT_THAT(l, Contains(HasSubstr("Filtered cert count with client auth: 0~")));
  EXPECT_THAT(l,
              Contains(HasSubstr("Web exception for message 0F8FAD5B-D9CB-469F-A165-70867728950E: "
                                 "System.Net.WebException: The remote server returned an "
                                 "error: (403) Forbidden.~~   at ")));
  EXPECT_THAT(l,
              Contains(HasSubstr("Received response https://cm01.contoso.com/CCM_STS for message "
                                 "0F8FAD5B-D9CB-469F-A165-70867728950E: HTTP/1.1 403 "
                                 "CMGConnector_Clientcertificaterequired")));
  // With a client-authentication certificate the request goes out over TLS presenting it.
  http::ClientCertInfo cert;
  cert.presented = true;
  cert.verified = true;
  cert.subject = "CN=client";
  cp_.set_client_certificate(cert);
  EXPECT_EQ(forward(kExternal, "/CCM_STS").status, 200);
  ASSERT_EQ(intranet_.requests.size(), 1u);
  EXPECT_TRUE(intranet_.tls_used[0]);
  EXPECT_TRUE(intranet_.requests[0].client_cert.presented);
  EXPECT_EQ(intranet_.requests[0].client_cert.subject, "CN=client");
}

TEST_F(ConnectionPointTest, RoleRefusalsBecomeTheCmgsReasonPhrases) {
  struct Row {
    int status;
    std::string mp_reason, want;
  };
  for (const Row& row : std::vector<Row>{
           {401, "", "CMGConnector_Unauthorized"},
           {403, "", "CMGConnector_Forbidden"},
           {403, "Client certificate required", "CMGConnector_Clientcertificaterequired"},
           {500, "", "CMGConnector_InternalServerError"},
           {404, "", ""}}) {
    intranet_.reply = http::text_response(row.status, "x");
    intranet_.reply.reason = row.mp_reason;
    http::Response r = forward(kExternal, "/CCM_STS");
    EXPECT_EQ(r.status, row.status);
    EXPECT_EQ(r.reason, row.want) << row.status << " " << row.mp_reason;
  }
  EXPECT_THAT(lines(), Contains(HasSubstr("The remote server returned an error: (500) Internal "
                                          "Server Error.")));
  EXPECT_EQ(cp_.traffic()["endpoints"][0]["FailedRequests"], 5);
}

TEST_F(ConnectionPointTest, UnreachableRoleIsAnInternalServerError) {
  intranet_.down = true;
  http::Response r = forward(kExternal, "/CCM_STS");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.reason, "CMGConnector_InternalServerError");
  EXPECT_THAT(lines(), Contains(HasSubstr("Unable to connect to the remote server")));
  EXPECT_THAT(lines(), Contains(HasSubstr("HTTP/1.1 500 CMGConnector_InternalServerError ~~")));
}

TEST_F(ConnectionPointTest, CountersAndTheFiveMinuteTrafficReport) {
  forward(kExternal, "/CCM_STS", true);
  forward(kExternal, "/CCM_STS", false);
  auto t = cp_.traffic();
  ASSERT_EQ(t["endpoints"].size(), 1u);
  const auto& e = t["endpoints"][0];
  EXPECT_EQ(e["TotalRequests"], 2);
  EXPECT_EQ(e["TotalRequestsWithBearerToken"], 1);
  EXPECT_EQ(e["MaxConcurrentRequests"], 1);
  EXPECT_EQ(e["FailedRequests"], 0);
  EXPECT_GT(e["TotalRequestBytes"].get<int>(), 0);
  EXPECT_GT(e["TotalResponseBytes"].get<int>(), 26);
  EXPECT_THAT(lines(), Not(Contains(HasSubstr("ReportTrafficData"))));
  clock_.advance(std::chrono::minutes(5));
  cp_.tick(clock_.now());
  EXPECT_THAT(lines(),
              Contains(ContainsRegex(
                  "^ReportTrafficData - state message to send: ~~<ProxyTrafficStateDetails "
                  "ServerName=\"cm01.contoso.com\" StartTime=\"2026-01-01T00:00:00Z\" "
                  "EndTime=\"2026-01-01T00:05:00Z\" MaxConcurrentRequests=\"1\">  "
                  "<EndPoints>~~    <EndPoint Name=\"CCM_STS\" "
                  "ProxyServer=\"CMG.CONTOSO.COM\" TargetHost=\"cm01.contoso.com\" "
                  "TotalRequests=\"2\" TotalRequestsWithBearerToken=\"1\" "
                  "MaxConcurrentRequests=\"1\" TotalRequestBytes=\"[0-9]+\" "
                  "TotalResponseBytes=\"[0-9]+\" FailedRequests=\"0\"/>~~  "
                  "</EndPoints>~~</ProxyTrafficStateDetails>~")));
  // The next period starts empty: nothing to report; totals stay.
  EXPECT_EQ(cp_.report_traffic(clock_.now()), "");
  EXPECT_EQ(cp_.traffic()["endpoints"][0]["TotalRequests"], 2);
}

TEST_F(ConnectionPointTest, ChannelPortsAndMaintenance) {
  EXPECT_EQ(cp_.ports(), std::vector<int>{443});
  ConnectionPoint three(ConnectionPointDeps{clock_, ids_, logs_, &intranet_}, "cm01.contoso.com",
                        "cmg.contoso.com", 3);
  EXPECT_EQ(three.ports(), (std::vector<int>{10124, 10125, 10126}));
  EXPECT_THAT(lines(), Contains(ContainsRegex("^Successfully built Http connection [0-9A-F-]{36} "
                                              "with server CMG.CONTOSO.COM:443\\.")));
  clock_.advance(std::chrono::seconds(30));
  cp_.tick(clock_.now());
  EXPECT_THAT(lines(), Not(Contains(HasSubstr("Maintaining connections..."))));
  clock_.advance(std::chrono::seconds(30));
  cp_.tick(clock_.now());
  EXPECT_THAT(lines(), Contains(HasSubstr("Maintaining connections...~")));
  cp_.mark_connected(false, "Unable to connect to the remote server");
  EXPECT_FALSE(cp_.connected());
  EXPECT_THAT(lines(),
              Contains(ContainsRegex("^ERROR: Failed to build Http connection [0-9A-F-]{36} "
                                     "with server CMG.CONTOSO.COM:443\\. Exception: "
                                     "System.Net.WebException: Unable to connect")));
}

}  // namespace
}  // namespace emu::site
