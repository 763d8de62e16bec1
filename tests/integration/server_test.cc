// emu::http::Server over real loopback TLS: trust, protocol versions, SNI, client certificates,
// plain HTTP, response headers, configuration errors and run_on_io.
#include "emulator/core/http/server.h"

#include "emulator/core/http/tls.h"
#include "tests/integration/server_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

namespace emu::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using ServerTlsTest = ServerFixture;

TEST_F(ServerTlsTest, ClientTrustingLabCaGets200) {
  const uint16_t port = serve(tls_config("arm"));
  ASSERT_NE(port, 0);
  auto conn = test::TestConnection::open("127.0.0.1", port, client());
  ASSERT_TRUE(conn.ok()) << conn.status().to_string();
  EXPECT_EQ((*conn)->tls_version(), "TLSv1.3");
  auto res = (*conn)->request("GET", "/info?a=1&b=x%20y");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr("listener=arm host=management.azure.com "
                                   "sni=management.azure.com tls=1 path=/info query=a=1;b=x y;"));
  EXPECT_EQ(res->headers.get_or("Server", ""), "cmgemu");
}

TEST_F(ServerTlsTest, ClientTrustingRogueCaFailsHandshake) {
  const uint16_t port = serve(tls_config("arm"));
  auto options = client();
  options.ca_pem = lab().rogue_ca.cert_pem;
  auto conn = test::TestConnection::open("127.0.0.1", port, options);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(conn.status().message(), HasSubstr("tls handshake"));
  EXPECT_THAT(conn.status().message(), HasSubstr("certificate verify failed"));
  // The server is unharmed.
  auto res = test::fetch(port, client(), "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
}

TEST_F(ServerTlsTest, Tls12AcceptedTls11Refused) {
  const uint16_t port = serve(tls_config("arm"));
  auto options = client();
  options.max_tls_version = TLS1_2_VERSION;
  auto conn = test::TestConnection::open("127.0.0.1", port, options);
  ASSERT_TRUE(conn.ok()) << conn.status().to_string();
  EXPECT_EQ((*conn)->tls_version(), "TLSv1.2");

  options.max_tls_version = TLS1_1_VERSION;
  auto old = test::TestConnection::open("127.0.0.1", port, options);
  ASSERT_FALSE(old.ok());
  EXPECT_THAT(old.status().message(), HasSubstr("tls handshake"));
}

TEST_F(ServerTlsTest, SniSelectsTheMatchingCertificate) {
  ListenerConfig config = tls_config("cmg");
  const pki::IssuedCert& cmg = lab().cmg.at("cmg-cmg.contoso.com");
  config.certificates.push_back({{"cmg.contoso.com"}, cmg.cert_pem, cmg.key_pem});
  const uint16_t port = serve(std::move(config));

  auto options = client();
  options.sni = "CMG.Contoso.com";  // matching ignores case
  auto to_cmg = test::TestConnection::open("127.0.0.1", port, options);
  ASSERT_TRUE(to_cmg.ok()) << to_cmg.status().to_string();
  EXPECT_THAT((*to_cmg)->peer_alt_names(), ::testing::Contains("cmg.contoso.com"));
  auto res = (*to_cmg)->request("GET", "/info");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_THAT(res->body, HasSubstr("sni=CMG.Contoso.com"));
  EXPECT_THAT(res->body, HasSubstr("host=cmg.contoso.com"));

  options.sni = "management.azure.com";
  auto to_arm = test::TestConnection::open("127.0.0.1", port, options);
  ASSERT_TRUE(to_arm.ok()) << to_arm.status().to_string();
  EXPECT_THAT((*to_arm)->peer_alt_names(), ::testing::Contains("management.azure.com"));
  EXPECT_THAT((*to_arm)->peer_alt_names(), Not(::testing::Contains("cmg.contoso.com")));

  options.sni = "";  // no SNI: the first certificate
  auto no_sni = test::TestConnection::open("127.0.0.1", port, options);
  ASSERT_TRUE(no_sni.ok()) << no_sni.status().to_string();
  EXPECT_EQ((*no_sni)->peer_subject(), (*to_arm)->peer_subject());
  EXPECT_NE((*no_sni)->peer_subject(), (*to_cmg)->peer_subject());
}

TEST(HostNameMatchTest, ExactCaseInsensitiveAndOneLabelWildcard) {
  using internal::host_name_matches;
  EXPECT_TRUE(host_name_matches("cmg.contoso.com", "CMG.contoso.COM"));
  EXPECT_FALSE(host_name_matches("cmg.contoso.com", "cmg.contoso.co"));
  EXPECT_TRUE(host_name_matches("*.cloudapp.azure.com", "x.cloudapp.azure.com"));
  EXPECT_TRUE(host_name_matches("*.cloudapp.azure.com", "X.CloudApp.azure.com"));
  EXPECT_FALSE(host_name_matches("*.cloudapp.azure.com", "a.b.cloudapp.azure.com"));
  EXPECT_FALSE(host_name_matches("*.cloudapp.azure.com", "cloudapp.azure.com"));
  EXPECT_FALSE(host_name_matches("*.cloudapp.azure.com", ".cloudapp.azure.com"));
}

ListenerConfig with_client_certs(ListenerConfig c, ClientCertMode mode) {
  c.client_cert = mode;
  c.client_ca_pem = test::shared_pki().ca.cert_pem;
  return c;
}

// A request that must not succeed: TLS 1.3 clients learn of the rejection on their first read.
Status request_status(uint16_t port, const test::TestClientOptions& options) {
  auto res = test::fetch(port, options, "GET", "/cert");
  if (!res.ok()) return res.status();
  return Internal("got status " + std::to_string(res->status));
}

TEST_F(ServerTlsTest, RequiredClientCertAcceptsLabClientOnly) {
  const uint16_t port = serve(with_client_certs(tls_config("cmg"), ClientCertMode::kRequired));
  auto options = client();
  options.cert_pem = lab().client.cert_pem;
  options.key_pem = lab().client.key_pem;
  auto res = test::fetch(port, options, "GET", "/cert");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_THAT(res->body, HasSubstr("presented=1 verified=1\nerror=\n"));
  EXPECT_THAT(res->body, HasSubstr("thumbprint=" + lab().client.thumbprint));

  Status none = request_status(port, client());
  EXPECT_EQ(none.code(), StatusCode::kUnavailable) << none.to_string();

  options.cert_pem = lab().foreign_client.cert_pem;
  options.key_pem = lab().foreign_client.key_pem;
  Status foreign = request_status(port, options);
  EXPECT_EQ(foreign.code(), StatusCode::kUnavailable) << foreign.to_string();

  options.max_tls_version = TLS1_2_VERSION;  // in TLS 1.2 the handshake itself fails
  auto conn = test::TestConnection::open("127.0.0.1", port, options);
  ASSERT_FALSE(conn.ok());
  EXPECT_THAT(conn.status().message(), HasSubstr("tls handshake"));
}

TEST_F(ServerTlsTest, RequiredClientCertWithCrlAcceptsUnrevokedClient) {
  ListenerConfig config = with_client_certs(tls_config("cmg"), ClientCertMode::kRequired);
  config.client_crl_pem = lab().crl_pem;
  const uint16_t port = serve(std::move(config));
  auto options = client();
  options.cert_pem = lab().client.cert_pem;
  options.key_pem = lab().client.key_pem;
  auto res = test::fetch(port, options, "GET", "/cert");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_THAT(res->body, HasSubstr("presented=1 verified=1"));
}

TEST_F(ServerTlsTest, OptionalClientCertReportsWhatWasPresented) {
  const uint16_t port = serve(with_client_certs(tls_config("cmg"), ClientCertMode::kOptional));
  auto none = test::fetch(port, client(), "GET", "/cert");
  ASSERT_TRUE(none.ok()) << none.status().to_string();
  EXPECT_THAT(none->body, HasSubstr("presented=0 verified=0\nerror=\nsubject=\n"));

  auto options = client();
  options.cert_pem = lab().client.cert_pem;
  options.key_pem = lab().client.key_pem;
  auto good = test::fetch(port, options, "GET", "/cert");
  ASSERT_TRUE(good.ok()) << good.status().to_string();
  EXPECT_THAT(good->body, HasSubstr("presented=1 verified=1\nerror=\n"));
  EXPECT_THAT(good->body, HasSubstr("issuer=CN=cmgemu"));
  EXPECT_THAT(good->body, Not(HasSubstr("der=0")));

  options.cert_pem = lab().foreign_client.cert_pem;
  options.key_pem = lab().foreign_client.key_pem;
  auto foreign = test::fetch(port, options, "GET", "/cert");
  ASSERT_TRUE(foreign.ok()) << foreign.status().to_string();
  EXPECT_THAT(foreign->body, HasSubstr("presented=1 verified=0\nerror=unable to get local issuer"));
  EXPECT_THAT(foreign->body, HasSubstr("thumbprint=" + lab().foreign_client.thumbprint));
}

TEST_F(ServerTlsTest, ClientCertValidityIsJudgedAtVirtualTime) {
  const uint16_t port = serve(with_client_certs(tls_config("cmg"), ClientCertMode::kOptional));
  clock_.advance(std::chrono::hours(24 * 365 * 30));  // long after the client cert expires
  auto options = client();
  options.cert_pem = lab().client.cert_pem;
  options.key_pem = lab().client.key_pem;
  auto res = test::fetch(port, options, "GET", "/cert");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_THAT(res->body, HasSubstr("presented=1 verified=0\nerror=certificate has expired"));
}

TEST_F(ServerTlsTest, PlainHttpListenerServes) {
  const uint16_t port = serve(plain_config("crl"));
  test::TestClientOptions options;
  options.tls = false;
  options.sni = "crl.cmgemu.test";  // used as Host only
  auto res = test::fetch(port, options, "GET", "/info");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr("listener=crl host=crl.cmgemu.test sni= tls=0"));
}

TEST_F(ServerTlsTest, DateAndServerHeadersComeFromTheVirtualClock) {
  const uint16_t port = serve(plain_config("crl"));
  clock_.set(parse_iso8601("2026-01-01T00:00:07.900Z").value());
  test::TestClientOptions options;
  options.tls = false;
  auto res = test::fetch(port, options, "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->headers.get_or("Date", ""), "Thu, 01 Jan 2026 00:00:07 GMT");
  EXPECT_EQ(res->headers.get_or("Server", ""), "cmgemu");
  EXPECT_EQ(res->headers.get_or("Content-Length", ""), "5");
  EXPECT_EQ(res->body, "hello");
}

TEST_F(ServerTlsTest, AddListenerRejectsBadConfig) {
  ListenerConfig no_router = tls_config("a");
  no_router.router = nullptr;
  Status s = server_.add_listener(no_router);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("router is required"));

  ListenerConfig no_cert = tls_config("b");
  no_cert.certificates.clear();
  s = server_.add_listener(no_cert);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("tls requires a certificate"));

  ListenerConfig bad_pem = tls_config("c");
  bad_pem.certificates[0].key_pem =
      "-----BEGIN "
      "PRIVATE KEY-----\nAAAA\n-----END "
      "PRIVATE KEY-----\n";
  s = server_.add_listener(bad_pem);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("listener 'c': bad private key PEM"));

  ListenerConfig bad_chain = tls_config("c2");
  bad_chain.certificates[0].cert_chain_pem = "not a certificate";
  s = server_.add_listener(bad_chain);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("listener 'c2': bad certificate chain PEM"));

  ListenerConfig bad_address = plain_config("c3");
  bad_address.bind_address = "not-an-address";
  s = server_.add_listener(bad_address);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("bad bind_address"));

  ListenerConfig wrong_key = tls_config("d");
  wrong_key.certificates[0].key_pem = lab().client.key_pem;
  s = server_.add_listener(wrong_key);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("does not match"));

  ListenerConfig no_ca = tls_config("e");
  no_ca.client_cert = ClientCertMode::kRequired;
  s = server_.add_listener(no_ca);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("needs client_ca_pem"));

  ASSERT_TRUE(server_.add_listener(tls_config("arm")).ok());
  s = server_.add_listener(tls_config("arm"));
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);

  ListenerConfig taken = tls_config("other");
  taken.port = server_.port("arm");
  s = server_.add_listener(taken);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_THAT(s.message(), HasSubstr("cannot bind 127.0.0.1:" + std::to_string(taken.port)));
  EXPECT_EQ(server_.port("other"), 0);
}

TEST_F(ServerTlsTest, RunOnIoRunsOnTheIoThreadAndWaits) {
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id where;
  server_.run_on_io([&] { where = std::this_thread::get_id(); });
  EXPECT_EQ(where, caller);  // not running: the calling thread

  serve(plain_config("crl"));
  server_.run_on_io([&] { where = std::this_thread::get_id(); });
  EXPECT_NE(where, caller);
  std::thread::id nested;
  server_.run_on_io([&] { server_.run_on_io([&] { nested = std::this_thread::get_id(); }); });
  EXPECT_EQ(nested, where);  // on the I/O thread already: runs inline, no deadlock

  server_.stop();
  server_.run_on_io([&] { where = std::this_thread::get_id(); });
  EXPECT_EQ(where, caller);
}

TEST_F(ServerTlsTest, ListenerAddedAfterStartServes) {
  serve(plain_config("crl"));
  ASSERT_TRUE(server_.add_listener(tls_config("arm")).ok());
  auto res = test::fetch(server_.port("arm"), client(), "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
}

TEST_F(ServerTlsTest, StopClosesOpenConnections) {
  const uint16_t port = serve(tls_config("arm"));
  auto conn = test::TestConnection::open("127.0.0.1", port, client());
  ASSERT_TRUE(conn.ok()) << conn.status().to_string();
  ASSERT_TRUE((*conn)->request("GET", "/hello").ok());
  EXPECT_EQ(server_.open_connections(), 1u);
  server_.stop();
  EXPECT_EQ(server_.open_connections(), 0u);
  EXPECT_TRUE((*conn)->wait_closed(std::chrono::seconds(10)).ok());
  EXPECT_EQ(server_.add_listener(tls_config("late")).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(server_.start().code(), StatusCode::kFailedPrecondition);
}

TEST(ServerRealtimeTest, DelayFaultWaitsOnTheIoTimer) {
  VirtualClock clock(VirtualClock::Mode::kRealtime, test::shared_pki_options().now);
  IdSource ids(1);
  Journal journal(10);
  FaultPlan faults(1);
  Router router;
  router.get("/hello", [](Request&) { return text_response(200, "hello"); });
  Server server(ServerDeps{clock, ids, journal, faults});
  ListenerConfig config;
  config.name = "crl";
  config.tls = false;
  config.router = &router;
  ASSERT_TRUE(server.add_listener(config).ok());
  ASSERT_TRUE(server.start().ok());
  FaultRule delay;
  delay.effect = FaultRule::Effect::kDelay;
  delay.delay = std::chrono::milliseconds(50);
  ASSERT_TRUE(faults.add(delay).ok());
  test::TestClientOptions options;
  options.tls = false;
  const TimePoint before = clock.now();
  auto res = test::fetch(server.port("crl"), options, "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  // The handler ran only after the delay had passed (a lower bound, not a speed check).
  EXPECT_GE(clock.now() - before, std::chrono::milliseconds(50));
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal.query({})[0].fault_id, "fault-1");
}

}  // namespace
}  // namespace emu::http
