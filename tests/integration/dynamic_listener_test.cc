// The Lab's ListenerHost (dynamic listeners such as a Ready CMG's): open before and after
// start, close (port refuses, connections dropped), ports kept across close/open and pinned by
// LabOptions::ports, endpoints listed while open; the other listeners are unaffected.
#include "emulator/app/lab.h"
#include "emulator/core/http/router.h"
#include "emulator/core/service.h"
#include "tests/integration/raw_socket.h"
#include "tests/testlib/http_test_client.h"
#include "tests/testlib/test_pki.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string>

namespace emu {
namespace {

using ::testing::HasSubstr;

constexpr const char* kCmg = "cmg-cmg.contoso.com";

class DynamicListenerTest : public ::testing::Test {
 protected:
  DynamicListenerTest() {
    router_.get("/hello", [](http::Request& r) {
      return http::text_response(
          200, "hello listener=" + r.listener + " host=" + r.host + " sni=" + r.sni);
    });
  }
  ~DynamicListenerTest() override {
    if (lab_) lab_->stop();
  }

  void create(app::LabOptions options = {}) {
    options.pki_dir = test::shared_pki().dir;
    auto lab = app::Lab::create(options);
    ASSERT_TRUE(lab.ok()) << lab.status().to_string();
    lab_ = std::move(lab).value();
  }

  DynamicListenerSpec spec(const std::string& name = kCmg,
                           const std::string& host = "cmg.contoso.com") {
    DynamicListenerSpec s;
    s.name = name;
    s.host = host;
    s.certificate = {{host}, test::shared_pki().server.cert_pem, test::shared_pki().server.key_pem};
    s.client_cert = http::ClientCertMode::kOptional;
    s.client_ca_pem = test::shared_pki().ca.cert_pem;
    s.router = &router_;
    return s;
  }

  static http::ClientOptions client(const std::string& sni = "cmg.contoso.com") {
    http::ClientOptions o;
    o.sni = sni;
    o.ca_pem = test::shared_pki().ca.cert_pem;
    return o;
  }

  bool listed(const std::string& name) const {
    const auto all = lab_->endpoints();
    return std::any_of(all.begin(), all.end(), [&](const auto& e) { return e.name == name; });
  }

  http::Router router_;  // outlives the lab's listeners
  std::unique_ptr<app::Lab> lab_;
};

TEST_F(DynamicListenerTest, OpenedBeforeStartServesAfterStart) {
  create();
  ASSERT_TRUE(lab_->listener_host().open(spec()).ok());
  EXPECT_TRUE(lab_->listener_host().is_open(kCmg));
  EXPECT_FALSE(listed(kCmg));  // no port before the start
  ASSERT_TRUE(lab_->start().ok());
  auto e = lab_->endpoint(kCmg);
  ASSERT_TRUE(e.ok()) << e.status().to_string();
  EXPECT_EQ(e->scheme, "https");
  EXPECT_EQ(e->host, "cmg.contoso.com");
  auto res = test::fetch(e->port, client(), "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->body,
            "hello listener=cmg-cmg.contoso.com host=cmg.contoso.com "
            "sni=cmg.contoso.com");
}

TEST_F(DynamicListenerTest, CloseRefusesAndReopenKeepsThePort) {
  create();
  ASSERT_TRUE(lab_->start().ok());
  ASSERT_TRUE(lab_->listener_host().open(spec()).ok());
  EXPECT_EQ(lab_->listener_host().open(spec()).code(), StatusCode::kAlreadyExists);
  auto e = lab_->endpoint(kCmg);
  ASSERT_TRUE(e.ok()) << e.status().to_string();
  const uint16_t port = e->port;
  auto kept = http::ClientConnection::open("127.0.0.1", port, client());
  ASSERT_TRUE(kept.ok()) << kept.status().to_string();
  ASSERT_TRUE((*kept)->request("GET", "/hello").ok());

  lab_->listener_host().close(kCmg);  // from the test thread
  EXPECT_FALSE(lab_->listener_host().is_open(kCmg));
  EXPECT_FALSE(listed(kCmg));
  EXPECT_EQ(lab_->endpoint(kCmg).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(test::connect_errno(port), ECONNREFUSED);
  EXPECT_TRUE((*kept)->wait_closed(std::chrono::seconds(10)).ok());
  lab_->listener_host().close(kCmg);  // no-op

  // Reopened on the I/O thread (where parties call it): the same port again.
  Status reopened = Internal("not run");
  lab_->run_on_io([&] { reopened = lab_->listener_host().open(spec()); });
  ASSERT_TRUE(reopened.ok()) << reopened.to_string();
  ASSERT_TRUE(lab_->endpoint(kCmg).ok());
  EXPECT_EQ(lab_->endpoint(kCmg)->port, port);
  auto res = test::fetch(port, client(), "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);

  // Closed on the I/O thread too.
  lab_->run_on_io([&] { lab_->listener_host().close(kCmg); });
  EXPECT_EQ(test::connect_errno(port), ECONNREFUSED);
}

TEST_F(DynamicListenerTest, OtherListenersUnaffected) {
  create();
  ASSERT_TRUE(lab_->start().ok());
  const auto before = lab_->endpoints();
  ASSERT_TRUE(lab_->listener_host().open(spec()).ok());
  ASSERT_TRUE(lab_->listener_host().open(spec("cmg-other.contoso.com", "other.contoso.com")).ok());
  lab_->listener_host().close(kCmg);
  auto other = lab_->endpoint("cmg-other.contoso.com");
  ASSERT_TRUE(other.ok());
  auto res = test::fetch(other->port, client("other.contoso.com"), "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_THAT(res->body, HasSubstr("listener=cmg-other.contoso.com"));
  for (const auto& e : before) EXPECT_EQ(test::connect_errno(e.port), 0) << e.name;
  EXPECT_EQ(lab_->endpoints().size(), before.size() + 1);
}

TEST_F(DynamicListenerTest, CmgPortPinnedByOptions) {
  const uint16_t pinned = test::free_port();
  ASSERT_NE(pinned, 0);
  app::LabOptions options;
  options.ports["cmg"] = pinned;
  create(options);
  ASSERT_TRUE(lab_->start().ok());
  ASSERT_TRUE(lab_->listener_host().open(spec()).ok());
  EXPECT_EQ(lab_->endpoint(kCmg)->port, pinned);
  // The pin is the first CMG's; a second one takes a free port.
  ASSERT_TRUE(lab_->listener_host().open(spec("cmg-b.contoso.com", "b.contoso.com")).ok());
  EXPECT_NE(lab_->endpoint("cmg-b.contoso.com")->port, pinned);
  auto res = test::fetch(pinned, client(), "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
}

TEST_F(DynamicListenerTest, BadSpecsAndUnknownPins) {
  create();
  DynamicListenerSpec no_router = spec();
  no_router.router = nullptr;
  EXPECT_EQ(lab_->listener_host().open(no_router).code(), StatusCode::kInvalidArgument);
  DynamicListenerSpec no_cert = spec();
  no_cert.certificate.key_pem.clear();
  EXPECT_EQ(lab_->listener_host().open(no_cert).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(lab_->listener_host().is_open(kCmg));

  app::LabOptions options;
  options.ports["nope"] = 1;
  options.pki_dir = test::shared_pki().dir;
  auto lab = app::Lab::create(options);
  ASSERT_TRUE(lab.ok());
  Status s = (*lab)->start();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("no listener 'nope'"));
}

TEST_F(DynamicListenerTest, SurvivesStopAndStart) {
  create();
  ASSERT_TRUE(lab_->start().ok());
  ASSERT_TRUE(lab_->listener_host().open(spec()).ok());
  const uint16_t port = lab_->endpoint(kCmg)->port;
  lab_->stop();
  EXPECT_EQ(test::connect_errno(port), ECONNREFUSED);
  ASSERT_TRUE(lab_->start().ok());
  ASSERT_TRUE(lab_->endpoint(kCmg).ok());
  EXPECT_EQ(lab_->endpoint(kCmg)->port, port);
  EXPECT_TRUE(test::fetch(port, client(), "GET", "/hello").ok());
}

}  // namespace
}  // namespace emu
