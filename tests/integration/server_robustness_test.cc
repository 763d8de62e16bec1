// emu::http::Server under hostile or unusual traffic: malformed and oversize requests, stalled
// clients and timeouts, injected faults, keep-alive and custom verbs, journal records, bursts.
#include "emulator/core/http/server.h"
#include "tests/integration/server_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace emu::http {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

using ServerRobustnessTest = ServerFixture;

constexpr milliseconds kCloseBound{10'000};  // generous: only a hang fails

Limits short_limits() {
  Limits l;
  l.handshake_timeout = milliseconds(200);
  l.read_timeout = milliseconds(200);
  l.idle_timeout = milliseconds(200);
  l.write_timeout = milliseconds(200);
  return l;
}

TEST_F(ServerRobustnessTest, MalformedRequestGets400ThenServerStillServes) {
  const uint16_t port = serve(tls_config("arm"));
  auto conn = test::TestConnection::open("127.0.0.1", port, client());
  ASSERT_TRUE(conn.ok()) << conn.status().to_string();
  ASSERT_TRUE((*conn)->send_raw("GET /x HTTP/1.1\r\nBad Header Line\r\n\r\n").ok());
  auto res = (*conn)->read_response();
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 400);
  EXPECT_FALSE(res->keep_alive);
  EXPECT_TRUE((*conn)->wait_closed(kCloseBound).ok());

  auto again = test::fetch(port, client(), "GET", "/hello");
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(again->status, 200);

  auto entries = journal_for("arm");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].status, 400);
  EXPECT_EQ(entries[1].status, 200);
}

TEST_F(ServerRobustnessTest, GarbageStartLineGets400) {
  const uint16_t port = serve(plain_config("crl"));
  test::TestClientOptions options;
  options.tls = false;
  auto conn = test::TestConnection::open("127.0.0.1", port, options);
  ASSERT_TRUE(conn.ok()) << conn.status().to_string();
  ASSERT_TRUE((*conn)->send_raw(std::string("\x16\x03\x01\x00\xff garbage\r\n\r\n")).ok());
  auto res = (*conn)->read_response();
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 400);
}

TEST_F(ServerRobustnessTest, OversizeHeaderGets431) {
  const uint16_t port = serve(tls_config("arm"));
  Headers h;
  h.set("X-Big", std::string(20 * 1024, 'a'));
  auto res = test::fetch(port, client(), "GET", "/hello", h);
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 431);
  auto entries = journal_for("arm");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].status, 431);
}

TEST_F(ServerRobustnessTest, OversizeBodyGets413) {
  ListenerConfig config = tls_config("arm");
  config.limits.body_limit = 1024;
  const uint16_t port = serve(std::move(config));
  auto res = test::fetch(port, client(), "POST", "/echo", {}, std::string(4096, 'b'));
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 413);
  auto small = test::fetch(port, client(), "POST", "/echo", {}, std::string(1024, 'b'));
  ASSERT_TRUE(small.ok()) << small.status().to_string();
  EXPECT_EQ(small->status, 200);
  EXPECT_EQ(small->body.size(), 1024u);

  auto entries = journal_for("arm");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].status, 413);
  EXPECT_EQ(entries[0].method, "POST");
  EXPECT_EQ(entries[0].target, "/echo");
}

TEST_F(ServerRobustnessTest, ExpectContinueIsHonoured) {
  const uint16_t port = serve(plain_config("crl"));
  test::TestClientOptions options;
  options.tls = false;
  auto conn = test::TestConnection::open("127.0.0.1", port, options);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)
                  ->send_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                             "Expect: 100-continue\r\n\r\n")
                  .ok());
  auto interim = (*conn)->read_response();
  ASSERT_TRUE(interim.ok()) << interim.status().to_string();
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE((*conn)->send_raw("abc").ok());
  auto res = (*conn)->read_response();
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "abc");
}

TEST_F(ServerRobustnessTest, SilentTcpClientIsCutOffByHandshakeTimeout) {
  ListenerConfig config = tls_config("arm");
  config.limits = short_limits();
  const uint16_t port = serve(std::move(config));
  test::TestClientOptions raw;
  raw.tls = false;  // TCP only: never starts the TLS handshake
  auto conn = test::TestConnection::open("127.0.0.1", port, raw);
  ASSERT_TRUE(conn.ok());
  EXPECT_TRUE((*conn)->wait_closed(kCloseBound).ok());
}

TEST_F(ServerRobustnessTest, HalfRequestIsCutOffByReadTimeout) {
  ListenerConfig config = tls_config("arm");
  config.limits = short_limits();
  const uint16_t port = serve(std::move(config));
  auto conn = test::TestConnection::open("127.0.0.1", port, client());
  ASSERT_TRUE(conn.ok()) << conn.status().to_string();
  ASSERT_TRUE((*conn)->send_raw("GET /hello HTTP/1.1\r\nHost: x\r\n").ok());
  EXPECT_TRUE((*conn)->wait_closed(kCloseBound).ok());
  EXPECT_TRUE(eventually([&] { return server_.open_connections() == 0; }));
  EXPECT_TRUE(journal_for("arm").empty());  // nothing was answered
}

TEST_F(ServerRobustnessTest, IdleKeepAliveConnectionIsClosed) {
  ListenerConfig config = tls_config("arm");
  config.limits = short_limits();
  const uint16_t port = serve(std::move(config));
  auto conn = test::TestConnection::open("127.0.0.1", port, client());
  ASSERT_TRUE(conn.ok()) << conn.status().to_string();
  auto res = (*conn)->request("GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_TRUE(res->keep_alive);
  EXPECT_TRUE((*conn)->wait_closed(kCloseBound).ok());
}

TEST_F(ServerRobustnessTest, KeepAliveServesTwoRequestsAndCustomVerb) {
  const uint16_t port = serve(tls_config("cmg"));
  auto conn = test::TestConnection::open("127.0.0.1", port, client());
  ASSERT_TRUE(conn.ok()) << conn.status().to_string();
  auto first = (*conn)->request("GET", "/hello");
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->status, 200);
  EXPECT_TRUE(first->keep_alive);
  auto second = (*conn)->request("CCM_POST", "/ccm_system/request", {}, "<Msg/>");
  ASSERT_TRUE(second.ok()) << second.status().to_string();
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "ccm:CCM_POST");
  EXPECT_EQ(server_.open_connections(), 1u);

  auto last = (*conn)->request("GET", "/close");  // the handler asks to close
  ASSERT_TRUE(last.ok()) << last.status().to_string();
  EXPECT_FALSE(last->keep_alive);
  EXPECT_TRUE((*conn)->wait_closed(kCloseBound).ok());
}

TEST_F(ServerRobustnessTest, ClientConnectionCloseIsHonoured) {
  const uint16_t port = serve(tls_config("arm"));
  auto conn = test::TestConnection::open("127.0.0.1", port, client());
  ASSERT_TRUE(conn.ok());
  Headers h;
  h.set("Connection", "close");
  auto res = (*conn)->request("GET", "/hello", h);
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_FALSE(res->keep_alive);
  EXPECT_TRUE((*conn)->wait_closed(kCloseBound).ok());
}

TEST_F(ServerRobustnessTest, StatusAndThrottleFaultsAnswerInsteadOfTheHandler) {
  const uint16_t port = serve(tls_config("arm"));
  FaultRule busy;
  busy.id = "busy";
  busy.path = "/hello";
  busy.status = 503;
  busy.count = 1;
  ASSERT_TRUE(faults_.add(busy).ok());
  FaultRule throttle;
  throttle.id = "slow-down";
  throttle.listener = "arm";
  throttle.path = "/info";
  throttle.effect = FaultRule::Effect::kThrottle;
  throttle.retry_after_seconds = 7;
  ASSERT_TRUE(faults_.add(throttle).ok());

  auto conn = test::TestConnection::open("127.0.0.1", port, client());
  ASSERT_TRUE(conn.ok());
  auto res = (*conn)->request("GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 503);
  res = (*conn)->request("GET", "/hello");  // count exhausted: the handler answers
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  res = (*conn)->request("GET", "/info");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->headers.get_or("Retry-After", ""), "7");

  auto entries = journal_for("arm");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].fault_id, "busy");
  EXPECT_EQ(entries[1].fault_id, "");
  EXPECT_EQ(entries[2].fault_id, "slow-down");
  EXPECT_EQ(entries[2].status, 429);
}

TEST_F(ServerRobustnessTest, ResetFaultDropsTheConnection) {
  const uint16_t port = serve(tls_config("arm"));
  FaultRule reset;
  reset.id = "drop";
  reset.path = "/hello";
  reset.effect = FaultRule::Effect::kReset;
  reset.count = 1;
  ASSERT_TRUE(faults_.add(reset).ok());
  auto res = test::fetch(port, client(), "GET", "/hello");
  ASSERT_FALSE(res.ok());
  EXPECT_THAT(res.status().message(), HasSubstr("read response"));
  auto again = test::fetch(port, client(), "GET", "/hello");
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(again->status, 200);
  auto entries = journal_for("arm");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].fault_id, "drop");
  EXPECT_EQ(entries[0].status, 0);
}

TEST_F(ServerRobustnessTest, DelayFaultAdvancesTheManualClock) {
  const uint16_t port = serve(tls_config("arm"));
  FaultRule delay;
  delay.id = "lag";
  delay.path = "/hello";
  delay.effect = FaultRule::Effect::kDelay;
  delay.delay = std::chrono::seconds(30);
  ASSERT_TRUE(faults_.add(delay).ok());
  const TimePoint before = clock_.now();
  auto res = test::fetch(port, client(), "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(clock_.now() - before, std::chrono::seconds(30));
  auto entries = journal_for("arm");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fault_id, "lag");
  EXPECT_EQ(entries[0].time, before);  // virtual time at receipt
}

TEST_F(ServerRobustnessTest, JournalRecordsRequestsWithSecretsMasked) {
  const uint16_t port = serve(tls_config("arm"));
  Headers h;
  h.set("Authorization", "Bearer eyJ.secret.token");
  auto res = test::fetch(port, client(), "POST", "/echo?x=1", h, "payload");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  auto entries = journal_for("arm");
  ASSERT_EQ(entries.size(), 1u);
  const JournalEntry& e = entries[0];
  EXPECT_EQ(e.listener, "arm");
  EXPECT_EQ(e.method, "POST");
  EXPECT_EQ(e.target, "/echo?x=1");
  EXPECT_EQ(e.host, "management.azure.com");
  EXPECT_EQ(e.status, 200);
  EXPECT_EQ(e.request_body, "payload");
  EXPECT_EQ(e.request_headers.get_or("Authorization", ""), "Bearer ***");
  EXPECT_EQ(e.response_bytes, 7u);
  EXPECT_EQ(e.time, clock_.now());
  EXPECT_EQ(e.request_id.size(), 36u);
  EXPECT_EQ(e.response_headers.get_or("Content-Type", ""), "text/plain; charset=utf-8");
}

TEST_F(ServerRobustnessTest, HandlerExceptionBecomes500) {
  router_.get("/boom", [](Request&) -> Response { throw std::runtime_error("boom"); });
  const uint16_t port = serve(tls_config("arm"));
  auto res = test::fetch(port, client(), "GET", "/boom");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 500);
}

TEST_F(ServerRobustnessTest, BurstOfBadClientsLeavesTheServerServing) {
  ListenerConfig config = tls_config("arm");
  config.limits = short_limits();
  config.limits.read_timeout = milliseconds(500);  // margin for the final, good request
  config.limits.handshake_timeout = milliseconds(500);
  const uint16_t port = serve(std::move(config));
  std::vector<std::unique_ptr<test::TestConnection>> conns;
  std::vector<int> expected;  // status each connection should get, 0 = cut off
  for (int i = 0; i < 50; ++i) {
    test::TestClientOptions options = client();
    if (i % 5 == 4) options.tls = false;  // never handshakes
    auto conn = test::TestConnection::open("127.0.0.1", port, options);
    ASSERT_TRUE(conn.ok()) << i << ": " << conn.status().to_string();
    switch (i % 5) {
      case 0:
        ASSERT_TRUE((*conn)->send_raw("BROKEN\r\n\r\n").ok());
        expected.push_back(400);
        break;
      case 1:
        ASSERT_TRUE(
            (*conn)
                ->send_raw("GET / HTTP/1.1\r\nX: " + std::string(17 * 1024, 'x') + "\r\n\r\n")
                .ok());
        expected.push_back(431);
        break;
      case 2:
        ASSERT_TRUE(
            (*conn)->send_raw("POST /echo HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n").ok());
        expected.push_back(413);
        break;
      default:  // stalled: half a request, or nothing at all
        if (i % 5 == 3) {
          ASSERT_TRUE((*conn)->send_raw("GET /hello HTTP/1.1\r\n").ok());
        }
        expected.push_back(0);
        break;
    }
    conns.push_back(std::move(*conn));
  }
  auto res = test::fetch(port, client(), "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  for (size_t i = 0; i < conns.size(); ++i) {
    if (expected[i] != 0) {
      auto r = conns[i]->read_response();
      ASSERT_TRUE(r.ok()) << i << ": " << r.status().to_string();
      EXPECT_EQ(r->status, expected[i]) << i;
    }
    EXPECT_TRUE(conns[i]->wait_closed(kCloseBound).ok()) << i;
  }
  EXPECT_TRUE(eventually([&] { return server_.open_connections() == 0; }));
}

}  // namespace
}  // namespace emu::http
