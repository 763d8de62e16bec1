// emu::http::Server: custom reason phrases on the status line (Response::reason and fault
// rules' "reason"), Server::remove_listener, and dispatch_in_process.
#include "emulator/core/http/server.h"
#include "tests/integration/raw_socket.h"
#include "tests/integration/server_fixture.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cerrno>

namespace emu::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* kGetForbidden =
    "GET /forbidden HTTP/1.1\r\nHost: cmg.contoso.com\r\nConnection: close\r\n\r\n";

class ServerReasonTest : public ServerFixture {
 protected:
  ServerReasonTest() {
    router_.get("/forbidden", [](Request&) {
      Response r;
      r.status = 403;
      r.reason = "CMGConnector_Forbidden";
      return r;
    });
    router_.get("/injected", [](Request&) {
      Response r = text_response(401, "no");
      r.reason = "Bad\r\nX-Injected: 1";
      return r;
    });
  }
};

TEST_F(ServerReasonTest, HandlerReasonIsWrittenOnTheStatusLine) {
  const uint16_t port = serve(plain_config("cmg-plain"));
  const std::string raw = test::raw_exchange(port, kGetForbidden);
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 403 CMGConnector_Forbidden\r\n"));
  // Without a reason the standard phrase stays.
  const std::string hello =
      test::raw_exchange(port, "GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(hello, StartsWith("HTTP/1.1 200 OK\r\n"));
}

TEST_F(ServerReasonTest, ReasonCannotInjectHeaders) {
  const uint16_t port = serve(plain_config("cmg-plain"));
  const std::string raw =
      test::raw_exchange(port, "GET /injected HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 401 BadX-Injected: 1\r\n"));
  EXPECT_THAT(raw, Not(HasSubstr("\r\nX-Injected")));
}

TEST_F(ServerReasonTest, FaultRuleReasonOverTls) {
  auto id = faults_.add_json(nlohmann::json{{"listener", "cmg-*"},
                                            {"path", "/hello"},
                                            {"effect", "status"},
                                            {"status", 500},
                                            {"reason", "CMGConnector_InternalServerError"},
                                            {"body", "x"},
                                            {"content_type", "text/plain"}});
  ASSERT_TRUE(id.ok()) << id.status().to_string();
  const uint16_t port = serve(tls_config("cmg-cmg.contoso.com"));
  auto res = test::fetch(port, client(), "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->reason, "CMGConnector_InternalServerError");
  EXPECT_EQ(res->body, "x");
  auto entries = journal_for("cmg-cmg.contoso.com");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].fault_id, *id);
  // The client reports the standard phrase when there is no custom one.
  auto info = test::fetch(port, client(), "GET", "/info");
  ASSERT_TRUE(info.ok()) << info.status().to_string();
  EXPECT_EQ(info->reason, "OK");
}

using ServerRemoveListenerTest = ServerFixture;

TEST_F(ServerRemoveListenerTest, RemovedPortRefusesAndOthersServe) {
  ASSERT_TRUE(server_.add_listener(plain_config("a")).ok());
  ASSERT_TRUE(server_.add_listener(plain_config("b")).ok());
  ASSERT_TRUE(server_.start().ok());
  const uint16_t a = server_.port("a");
  const uint16_t b = server_.port("b");
  auto plain = client();
  plain.tls = false;
  // A keep-alive connection to "a" that is open when it goes.
  auto kept = test::TestConnection::open("127.0.0.1", a, plain);
  ASSERT_TRUE(kept.ok()) << kept.status().to_string();
  auto first = (*kept)->request("GET", "/hello");
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->status, 200);

  ASSERT_TRUE(server_.remove_listener("a").ok());  // from the test thread: waits for the I/O
  EXPECT_EQ(server_.port("a"), 0);
  EXPECT_EQ(test::connect_errno(a), ECONNREFUSED);
  EXPECT_TRUE((*kept)->wait_closed(std::chrono::seconds(10)).ok());
  auto other = test::fetch(b, plain, "GET", "/hello");
  ASSERT_TRUE(other.ok()) << other.status().to_string();
  EXPECT_EQ(other->status, 200);
  EXPECT_EQ(server_.remove_listener("a").code(), StatusCode::kNotFound);

  // The same name on the same port serves again.
  ListenerConfig again = plain_config("a");
  again.port = a;
  Status s = server_.add_listener(std::move(again));
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(server_.port("a"), a);
  auto back = test::fetch(a, plain, "GET", "/info");
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_THAT(back->body, HasSubstr("listener=a "));
}

TEST_F(ServerRemoveListenerTest, RemoveFromTheIoThread) {
  const uint16_t port = serve(tls_config("cmg"));
  ASSERT_TRUE(test::fetch(port, client(), "GET", "/hello").ok());
  Status removed = Internal("not run");
  server_.run_on_io([&] { removed = server_.remove_listener("cmg"); });
  ASSERT_TRUE(removed.ok()) << removed.to_string();
  EXPECT_EQ(test::connect_errno(port), ECONNREFUSED);
  ListenerConfig again = tls_config("cmg");
  again.port = port;
  Status added = Internal("not run");
  server_.run_on_io([&] { added = server_.add_listener(std::move(again)); });
  ASSERT_TRUE(added.ok()) << added.to_string();
  auto res = test::fetch(port, client(), "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->body, "hello");
}

TEST_F(ServerRemoveListenerTest, RemoveBeforeStart) {
  ASSERT_TRUE(server_.add_listener(plain_config("gone")).ok());
  ASSERT_TRUE(server_.add_listener(plain_config("kept")).ok());
  const uint16_t gone = server_.port("gone");
  ASSERT_TRUE(server_.remove_listener("gone").ok());
  ASSERT_TRUE(server_.start().ok());
  EXPECT_EQ(test::connect_errno(gone), ECONNREFUSED);
  auto plain = client();
  plain.tls = false;
  auto res = test::fetch(server_.port("kept"), plain, "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
}

using DispatchInProcessTest = ServerFixture;

Request in_process_request(const std::string& listener, const std::string& target) {
  Request req;
  req.method = "GET";
  req.target = target;
  const size_t q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) {
    req.query_string = target.substr(q + 1);
    req.query = parse_form(req.query_string);
  }
  req.listener = listener;
  req.host = "cm01.contoso.com";
  req.request_id = "rid-1";
  return req;
}

TEST_F(DispatchInProcessTest, RoutesAndJournals) {
  const ServerDeps deps{clock_, ids_, journal_, faults_};
  Request req = in_process_request("mp", "/info?x=1");
  auto res = dispatch_in_process(deps, router_, req);
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr("listener=mp host=cm01.contoso.com sni= tls=0 path=/info "
                                   "query=x=1; id=rid-1"));
  auto entries = journal_for("mp");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].status, 200);
  EXPECT_EQ(entries[0].target, "/info?x=1");
  EXPECT_EQ(entries[0].host, "cm01.contoso.com");
  EXPECT_EQ(req.target, "/info?x=1");  // the caller keeps its request
}

TEST_F(DispatchInProcessTest, FaultsApplyByListener) {
  const ServerDeps deps{clock_, ids_, journal_, faults_};
  ASSERT_TRUE(faults_
                  .add_json(nlohmann::json{{"listener", "mp"},
                                           {"path", "/hello"},
                                           {"effect", "status"},
                                           {"status", 403},
                                           {"reason", "Forbidden Here"},
                                           {"count", 1}})
                  .ok());
  ASSERT_TRUE(
      faults_.add_json(nlohmann::json{{"listener", "mp"}, {"path", "/echo"}, {"effect", "reset"}})
          .ok());
  ASSERT_TRUE(faults_
                  .add_json(nlohmann::json{
                      {"listener", "mp"}, {"path", "/info"}, {"effect", "delay"}, {"delay", "90s"}})
                  .ok());
  Request req = in_process_request("mp", "/hello");
  auto res = dispatch_in_process(deps, router_, req);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->reason, "Forbidden Here");
  req = in_process_request("mp", "/hello");
  res = dispatch_in_process(deps, router_, req);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 200);  // count 1 used up
  req = in_process_request("mp", "/echo");
  req.method = "POST";
  res = dispatch_in_process(deps, router_, req);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(res.status().message(), HasSubstr("connection reset"));
  // A delay is virtual: the manual clock advances, nothing sleeps.
  const TimePoint before = clock_.now();
  req = in_process_request("mp", "/info");
  res = dispatch_in_process(deps, router_, req);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(clock_.now() - before, std::chrono::seconds(90));
  auto entries = journal_for("mp");
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].status, 403);
  EXPECT_EQ(entries[2].status, 0);  // reset: no answer
  EXPECT_FALSE(entries[2].fault_id.empty());
}

}  // namespace
}  // namespace emu::http
