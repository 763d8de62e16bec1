// Acceptance (issue 11): hostile requests sent to a running Lab's listeners each get a 4xx (or
// the HTTP answer the real servers give, or a clean close where they close), and while they
// run a prober hits the admin health endpoint every few milliseconds, each answer within
// 100 ms. The table is meant to grow: add a row per hostile kind (JSON bombs, template bombs,
// forged tokens ... for ARM, Entra ID and Graph).
#include "emulator/app/lab.h"
#include "emulator/core/http/message.h"
#include "tests/testlib/http_test_client.h"
#include "tests/testlib/test_pki.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace emu {
namespace {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

constexpr int kClose = 0;    // the server closes without answering
constexpr int kAny4xx = -4;  // any 400..499 answer
constexpr milliseconds kHealthBound{100};

struct HostileCase {
  const char* name;
  const char* listener;  // lab endpoint name
  std::string bytes;     // sent at once (over TLS unless `raw_tcp`)
  int expect;            // status, kAny4xx or kClose
  // Then, if not empty: sent in 4-byte pieces `trickle` apart until the server closes.
  std::string trickled = "";
  milliseconds trickle{0};
  bool raw_tcp = false;  // plain TCP even to a TLS listener
};

std::string repeat_headers(int n) {
  std::string h;
  for (int i = 0; i < n; ++i) h += "X-H" + std::to_string(i) + ": v\r\n";
  return h;
}

const std::string kArmPath =
    "/subscriptions/5f0c6a7e-1b2d-4c3e-8f4a-9b8c7d6e5f40/resourcegroups?api-version=2021-04-01";

std::vector<HostileCase> http_level_cases() {
  const std::string host = "Host: management.azure.com\r\n";
  return {
      {"garbage request line", "arm", "BROKEN\r\n\r\n", 400},
      {"binary start line", "arm", std::string("\x16\x03\x01\x00\xff\r\n\r\n", 9), 400},
      {"missing target", "arm", "GET  HTTP/1.1\r\n" + host + "\r\n", 400},
      {"missing version", "arm", "GET /\r\n" + host + "\r\n", 400},
      {"version without minor", "arm", "GET / HTTP/1\r\n" + host + "\r\n", 400},
      {"not HTTP", "arm", "GET / FTP/1.1\r\n" + host + "\r\n", 400},
      // RFC 9110 §15.6.6: an unsupported major version is answered 505 (so does HTTP.sys).
      {"HTTP/2.0 over HTTP/1", "arm", "GET / HTTP/2.0\r\n" + host + "\r\n", 505},
      {"HTTP/9.9", "aad", "GET / HTTP/9.9\r\nHost: login.microsoftonline.com\r\n\r\n", 505},
      {"header without colon", "arm", "GET / HTTP/1.1\r\n" + host + "NoColon\r\n\r\n", 400},
      {"obsolete line folding", "arm", "GET / HTTP/1.1\r\n" + host + "X: a\r\n b\r\n\r\n", kAny4xx},
      {"NUL in a header value", "arm",
       "GET / HTTP/1.1\r\n" + host + std::string("X: a\0b\r\n\r\n", 10), kAny4xx},
      {"oversize header", "arm",
       "GET / HTTP/1.1\r\n" + host + "X-Big: " + std::string(20 * 1024, 'a') + "\r\n\r\n", 431},
      {"too many headers", "arm", "GET / HTTP/1.1\r\n" + host + repeat_headers(150) + "\r\n", 431},
      {"long target", "arm", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n" + host + "\r\n",
       414},
      {"huge target", "graph",
       "GET /v1.0/users?$filter=" + std::string(64 * 1024, 'a') + " HTTP/1.1\r\n\r\n", 414},
      {"oversize body (Content-Length)", "arm",
       "PUT " + kArmPath + " HTTP/1.1\r\n" + host + "Content-Length: 104857600\r\n\r\n", 413},
      {"oversize body after 100-continue", "aad",
       "POST /common/oauth2/v2.0/token HTTP/1.1\r\nHost: login.microsoftonline.com\r\n"
       "Expect: 100-continue\r\nContent-Length: 99999999999\r\n\r\n",
       413},
      {"oversize chunk", "arm",
       "PUT " + kArmPath + " HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\n10000000\r\nabc",
       413},
      {"bad chunk size", "arm",
       "PUT " + kArmPath + " HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
       400},
      {"chunk without terminator", "arm",
       "PUT " + kArmPath + " HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\n3\r\nabcXY\r\n0\r\n\r\n",
       400},
      {"Content-Length and chunked", "arm",
       "PUT " + kArmPath + " HTTP/1.1\r\n" + host +
           "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400},
      {"conflicting Content-Lengths", "arm",
       "PUT " + kArmPath + " HTTP/1.1\r\n" + host +
           "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
       400},
      {"negative Content-Length", "arm",
       "PUT " + kArmPath + " HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n", 400},
      {"invalid percent-encoding in the path", "arm",
       "GET /subscriptions/%zz%2/resourcegroups?api-version=2021-04-01 HTTP/1.1\r\n" + host +
           "\r\n",
       kAny4xx},
      {"invalid percent-encoding in the query", "aad",
       "GET /common/oauth2/v2.0/authorize?client_id=%G1&scope=%%% HTTP/1.1\r\n"
       "Host: login.microsoftonline.com\r\n\r\n",
       kAny4xx},
      {"garbage on the plain CRL listener", "crl", "\x01\x02\x03 / HTTP/1.1\r\n\r\n", 400},
      {"plain HTTP to a TLS listener", "arm", "GET / HTTP/1.1\r\n" + host + "\r\n", kClose, "",
       milliseconds(0), /*raw_tcp=*/true},
      {"slowloris head", "arm", "GET / HTTP/1.1\r\n", kClose, host + repeat_headers(60),
       milliseconds(40)},
      {"slowloris body", "arm",
       "PUT " + kArmPath + " HTTP/1.1\r\n" + host + "Content-Length: 5000\r\n\r\n", kClose,
       std::string(5000, '{'), milliseconds(40)},
      {"half a request, then silence", "aad", "POST /common/oauth2/v2.0/token HTTP/1.1\r\n",
       kClose},
  };
}

class HostileRequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app::LabOptions options;
    options.pki_dir = test::shared_pki().dir;
    // Short deadlines so that stalled rows end quickly; the sizes are the defaults.
    options.listener_limits.handshake_timeout = milliseconds(1000);
    options.listener_limits.header_timeout = milliseconds(400);
    options.listener_limits.read_timeout = milliseconds(800);
    options.listener_limits.idle_timeout = milliseconds(5000);
    auto lab = app::Lab::create(options);
    ASSERT_TRUE(lab.ok()) << lab.status().to_string();
    lab_ = std::move(lab).value();
    ASSERT_TRUE(lab_->start().ok());
  }
  void TearDown() override {
    if (lab_) lab_->stop();
  }

  test::TestClientOptions client_for(const app::Endpoint& e, bool raw_tcp) {
    test::TestClientOptions o;
    o.tls = e.scheme == "https" && !raw_tcp;
    o.sni = e.host;
    o.ca_file = lab_->ca_path();
    o.timeout = milliseconds(5000);
    return o;
  }

  std::unique_ptr<app::Lab> lab_;
};

// Sends `bytes` in 4-byte pieces `every` apart (then keeps sending spaces) until the server
// closes the connection, which makes a send fail.
bool trickle_until_closed(test::TestConnection& conn, const std::string& bytes, milliseconds every,
                          milliseconds give_up) {
  const auto start = Steady::now();
  for (size_t at = 0; Steady::now() - start < give_up; at += 4) {
    const std::string_view piece =
        at < bytes.size() ? std::string_view(bytes).substr(at, 4) : std::string_view(" ");
    if (!conn.send_raw(piece).ok()) return true;
    std::this_thread::sleep_for(every);
  }
  return false;
}

TEST_F(HostileRequestsTest, EachGetsA4xxOrACleanCloseAndHealthStaysFast) {
  auto admin = lab_->endpoint("admin");
  ASSERT_TRUE(admin.ok());
  std::atomic<bool> done{false};
  std::atomic<int> probes{0}, slow{0}, failed{0};
  std::atomic<long> worst_ms{0};
  std::thread prober([&] {
    std::unique_ptr<test::TestConnection> conn;
    while (!done) {
      const auto start = Steady::now();
      if (!conn) {
        auto c = test::TestConnection::open(admin->address, admin->port, client_for(*admin, false));
        if (c.ok()) conn = std::move(*c);
      }
      auto res = conn ? conn->request("GET", "/_cmgemu/health")
                      : Result<test::TestResponse>(Unavailable("no connection"));
      const long ms = std::chrono::duration_cast<milliseconds>(Steady::now() - start).count();
      ++probes;
      if (!res.ok() || res->status != 200) {
        ++failed;
        conn.reset();
      } else if (!res->keep_alive) {
        conn.reset();
      }
      if (ms >= kHealthBound.count()) ++slow;
      worst_ms = std::max(worst_ms.load(), ms);
      std::this_thread::sleep_for(milliseconds(3));
    }
  });

  for (const HostileCase& c : http_level_cases()) {
    SCOPED_TRACE(c.name);
    auto endpoint = lab_->endpoint(c.listener);
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().to_string();
    auto conn = test::TestConnection::open(endpoint->address, endpoint->port,
                                           client_for(*endpoint, c.raw_tcp));
    ASSERT_TRUE(conn.ok()) << conn.status().to_string();
    (void)(*conn)->send_raw(c.bytes);  // the server may close before it has read everything
    if (!c.trickled.empty()) {
      EXPECT_TRUE(trickle_until_closed(**conn, c.trickled, c.trickle, milliseconds(5000)));
      continue;
    }
    if (c.expect == kClose) {
      EXPECT_TRUE((*conn)->wait_closed(milliseconds(5000)).ok());
      continue;
    }
    auto res = (*conn)->read_response();
    ASSERT_TRUE(res.ok()) << res.status().to_string();
    if (c.expect == kAny4xx) {
      EXPECT_GE(res->status, 400);
      EXPECT_LT(res->status, 500);
    } else {
      EXPECT_EQ(res->status, c.expect);
    }
  }

  done = true;
  prober.join();
  EXPECT_GT(probes.load(), 20);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(slow.load(), 0) << "worst health answer took " << worst_ms.load() << " ms";
}

}  // namespace
}  // namespace emu
