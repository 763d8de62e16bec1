// The harness HTTP client against a real Lab on loopback: TLS verification at virtual time,
// Host/SNI, plain HTTP, and every transport failure it maps to a Status.
#include "harness/lib/http_client.h"

#include "emulator/core/faults.h"
#include "emulator/core/journal.h"
#include "tests/testlib/test_pki.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace emu::harness {
namespace {

using ::testing::HasSubstr;

// A loopback TCP socket that listens but never accepts (0 = none).
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return;
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::LabOptions options;
    options.pki_dir = test::shared_pki().dir;
    auto lab = app::Lab::create(options);
    ASSERT_TRUE(lab.ok()) << lab.status().message();
    lab_ = std::move(lab).value();
    ASSERT_TRUE(lab_->start().ok());
    admin_ = lab_->endpoint("admin").value();
    options_.ca_file = lab_->ca_path();
    options_.verify_time = lab_->clock().now();
  }

  Result<HttpExchange> get(const app::Endpoint& endpoint, const std::string& target) {
    HttpCall call;
    call.target = target;
    return send_http(endpoint, call, options_);
  }

  std::unique_ptr<app::Lab> lab_;
  app::Endpoint admin_;
  HttpClientOptions options_;
};

TEST_F(HttpClientTest, HttpsExchangeWithHostAndUserAgent) {
  HttpCall call;
  call.method = "POST";
  call.target = "/_cmgemu/clock/advance";
  call.headers.set("Content-Type", "application/json");
  call.body = R"({"by":"PT1M"})";
  auto ex = send_http(admin_, call, options_);
  ASSERT_TRUE(ex.ok()) << ex.status().message();
  EXPECT_EQ(ex->status, 200);
  EXPECT_EQ(ex->headers.get_or("content-type", ""), "application/json; charset=utf-8");
  EXPECT_EQ(nlohmann::json::parse(ex->body)["now"], "2026-01-01T00:01:00Z");
  auto entries = lab_->journal().query({});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].host, "localhost");
  EXPECT_EQ(entries[0].request_headers.get_or("Host", ""), "localhost");
  EXPECT_EQ(entries[0].request_headers.get_or("User-Agent", ""), "cmgemu-harness/1");
  EXPECT_EQ(entries[0].request_headers.get_or("Content-Length", ""), "13");
  EXPECT_EQ(entries[0].request_body, R"({"by":"PT1M"})");
}

TEST_F(HttpClientTest, PlainHttpEndpoint) {
  auto crl = lab_->endpoint("crl");
  ASSERT_TRUE(crl.ok());
  auto ex = get(*crl, "/pki/cmgemu-lab-root-ca.crl");
  ASSERT_TRUE(ex.ok()) << ex.status().message();
  EXPECT_EQ(ex->status, 200);
  EXPECT_EQ(ex->headers.get_or("Content-Type", ""), "application/pkix-crl");
  EXPECT_EQ(ex->body, test::shared_pki().crl_der);
}

TEST_F(HttpClientTest, UntrustedServerFailsTheHandshake) {
  options_.ca_file = test::shared_pki().rogue_ca.cert_path;
  auto ex = get(admin_, "/_cmgemu/health");
  ASSERT_FALSE(ex.ok());
  EXPECT_EQ(ex.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(ex.status().message(),
              HasSubstr("TLS handshake with endpoint 'admin' (localhost) failed: "));
  EXPECT_THAT(ex.status().message(), HasSubstr("unable to get local issuer certificate"));
}

TEST_F(HttpClientTest, CertificateMustNameTheHost) {
  app::Endpoint other = admin_;
  other.host = "wrong-host.cmgemu.test";
  auto ex = get(other, "/_cmgemu/health");
  ASSERT_FALSE(ex.ok());
  EXPECT_EQ(ex.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(ex.status().message(),
              HasSubstr("certificate does not name 'wrong-host.cmgemu.test'"));
}

TEST_F(HttpClientTest, CertificatesAreCheckedAtVirtualTime) {
  options_.verify_time = *options_.verify_time + std::chrono::hours(24 * 3000);
  auto ex = get(admin_, "/_cmgemu/health");
  ASSERT_FALSE(ex.ok());
  EXPECT_THAT(ex.status().message(), HasSubstr("certificate has expired"));
}

TEST_F(HttpClientTest, MissingCaFileIsInvalidArgument) {
  options_.ca_file = "/nonexistent/ca.pem";
  auto ex = get(admin_, "/");
  ASSERT_FALSE(ex.ok());
  EXPECT_EQ(ex.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ex.status().message(), HasSubstr("cannot load CA file '/nonexistent/ca.pem'"));
}

TEST_F(HttpClientTest, ResetFaultIsUnavailable) {
  ASSERT_TRUE(lab_->faults().add_json({{"effect", "reset"}}).ok());
  auto ex = get(admin_, "/_cmgemu/health");
  ASSERT_FALSE(ex.ok());
  EXPECT_EQ(ex.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(ex.status().message(),
              HasSubstr("read with endpoint 'admin' (localhost) failed: connection closed"));
}

TEST_F(HttpClientTest, RefusedConnectionIsUnavailable) {
  SilentListener closed;
  ASSERT_NE(closed.port(), 0);
  closed.close();
  app::Endpoint gone = admin_;
  gone.port = closed.port();
  auto ex = get(gone, "/");
  ASSERT_FALSE(ex.ok());
  EXPECT_EQ(ex.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(ex.status().message(),
            "connect with endpoint 'admin' (localhost) failed: Connection refused");
}

TEST_F(HttpClientTest, SilentServerIsDeadlineExceeded) {
  SilentListener silent;
  ASSERT_NE(silent.port(), 0);
  app::Endpoint mute = admin_;
  mute.port = silent.port();
  options_.timeout = std::chrono::milliseconds(200);
  auto ex = get(mute, "/");
  ASSERT_FALSE(ex.ok());
  EXPECT_EQ(ex.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(ex.status().message(),
            "TLS handshake with endpoint 'admin' (localhost) timed out after 200 ms");
}

}  // namespace
}  // namespace emu::harness
