// emu::http::Server's limits (issue 11): connection caps that shed the longest-idle
// connections and keep a reserved (admin) listener reachable, also when the process runs out of
// file descriptors (finding 7); header count, request-target length and HTTP version refusals;
// head and body deadlines that trickled bytes do not extend (slowloris).
#include "emulator/core/http/server.h"
#include "tests/integration/server_fixture.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <filesystem>
#include <memory>
#include <netinet/in.h>
#include <signal.h>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace emu::http {
namespace {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

class ServerLimitsTest : public ServerFixture {
 protected:
  // Opens `n` TCP connections to `port` that never send a byte.
  std::vector<std::unique_ptr<test::TestConnection>> idle_flood(uint16_t port, int n) {
    std::vector<std::unique_ptr<test::TestConnection>> conns;
    test::TestClientOptions raw;
    raw.tls = false;
    for (int i = 0; i < n; ++i) {
      auto conn = test::TestConnection::open("127.0.0.1", port, raw);
      EXPECT_TRUE(conn.ok()) << i << ": " << conn.status().to_string();
      if (conn.ok()) conns.push_back(std::move(*conn));
    }
    return conns;
  }

  static test::TestClientOptions plain() {
    test::TestClientOptions o;
    o.tls = false;
    return o;
  }

  // Sends `bytes` on a fresh plain connection and reads the answer.
  static Result<test::TestResponse> send_raw(uint16_t port, const std::string& bytes) {
    EMU_ASSIGN_OR_RETURN(auto conn, test::TestConnection::open("127.0.0.1", port, plain()));
    EMU_RETURN_IF_ERROR(conn->send_raw(bytes));
    return conn->read_response();
  }

  ListenerConfig admin_config() {
    ListenerConfig admin = tls_config("admin");
    admin.reserved = true;
    admin.limits.max_connections = 4;
    return admin;
  }
};

TEST_F(ServerLimitsTest, Finding7_IdleConnectionsOverTheCapAreShedOldestFirst) {
  ListenerConfig arm = plain_config("arm");
  arm.limits.max_connections = 10;
  ASSERT_TRUE(server_.add_listener(admin_config()).ok());
  const uint16_t port = serve(std::move(arm));
  auto flood = idle_flood(port, 15);
  ASSERT_EQ(flood.size(), 15u);

  auto res = test::fetch(port, plain(), "GET", "/hello");  // a new client is served
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  auto admin = test::fetch(server_.port("admin"), client(), "GET", "/hello");
  ASSERT_TRUE(admin.ok()) << admin.status().to_string();
  EXPECT_EQ(admin->status, 200);

  EXPECT_GE(server_.shed_connections(), 6u);  // five for the flood's last five, one for fetch
  EXPECT_TRUE(flood.front()->wait_closed(milliseconds(5000)).ok());  // the longest idle went
  EXPECT_FALSE(flood.back()->wait_closed(milliseconds(200)).ok());   // the newest stays
  EXPECT_TRUE(eventually([&] { return server_.open_connections() <= 10; }));
}

TEST_F(ServerLimitsTest, Finding7_SharedBudgetShedsAnotherListenersIdleAndSparesTheAdmin) {
  ServerOptions options;
  options.max_connections = 10;  // over "arm" and "aad"; "admin" is reserved
  Server server(ServerDeps{clock_, ids_, journal_, faults_}, options);
  ASSERT_TRUE(server.add_listener(plain_config("arm")).ok());
  ASSERT_TRUE(server.add_listener(plain_config("aad")).ok());
  ASSERT_TRUE(server.add_listener(admin_config()).ok());
  ASSERT_TRUE(server.start().ok());
  EXPECT_EQ(server.connection_budget(), 10u);
  auto flood = idle_flood(server.port("arm"), 14);

  auto res = test::fetch(server.port("aad"), plain(), "GET", "/hello");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  auto admin = test::fetch(server.port("admin"), client(), "GET", "/hello");
  ASSERT_TRUE(admin.ok()) << admin.status().to_string();
  EXPECT_EQ(admin->status, 200);
  EXPECT_GE(server.shed_connections(), 5u);
  server.stop();
}

TEST_F(ServerLimitsTest, Finding7_BusyConnectionsAreNotShedTheNewcomerIsRefused) {
  ListenerConfig arm = plain_config("arm");
  arm.limits.max_connections = 3;
  const uint16_t port = serve(std::move(arm));
  std::vector<std::unique_ptr<test::TestConnection>> busy;
  for (int i = 0; i < 3; ++i) {  // each has begun a request: not idle
    auto conn = test::TestConnection::open("127.0.0.1", port, plain());
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->send_raw("GET /hello HTTP/1.1\r\n").ok());
    busy.push_back(std::move(*conn));
  }
  ASSERT_TRUE(eventually([&] { return server_.open_connections() == 3; }));
  std::this_thread::sleep_for(milliseconds(50));  // let the partial heads arrive
  auto res = test::fetch(port, plain(), "GET", "/hello");
  EXPECT_FALSE(res.ok());                                  // closed on accept
  ASSERT_TRUE(busy[0]->send_raw("Host: x\r\n\r\n").ok());  // the busy ones were kept
  auto first = busy[0]->read_response();
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->status, 200);
}

TEST(ServerBudget, DerivedFromTheDescriptorLimit) {
  EXPECT_EQ(connection_budget(1024, 64), 1024u - kFdReserve - 64u);
  EXPECT_EQ(connection_budget(100, 64), 16u);  // never below a working minimum
  EXPECT_EQ(connection_budget(1u << 20, 0), (1u << 20) - kFdReserve);
}

// Restores RLIMIT_NOFILE when the test ends.
class FdLimitGuard {
 public:
  FdLimitGuard() { getrlimit(RLIMIT_NOFILE, &saved_); }
  ~FdLimitGuard() { setrlimit(RLIMIT_NOFILE, &saved_); }
  bool lower_to(rlim_t soft) {
    rlimit l = saved_;
    l.rlim_cur = soft;
    return setrlimit(RLIMIT_NOFILE, &l) == 0;
  }

 private:
  rlimit saved_{};
};

size_t open_fds() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// A child process that opens `n` idle TCP connections to 127.0.0.1:port and waits to be killed.
pid_t spawn_flood(uint16_t port, int n) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
  rlimit l{};  // the flood itself is not short of descriptors
  getrlimit(RLIMIT_NOFILE, &l);
  l.rlim_cur = l.rlim_max == RLIM_INFINITY || l.rlim_max > 4096 ? 4096 : l.rlim_max;
  setrlimit(RLIMIT_NOFILE, &l);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < n; ++i) {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) break;
    (void)connect(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  }
  for (;;) pause();
}

// The reproduction of finding 7: a process whose descriptors an idle flood could exhaust. The
// budget derived from RLIMIT_NOFILE sheds the flood before accept() runs out of descriptors, so
// the party listener and the admin listener both still answer at once.
TEST_F(ServerLimitsTest, Finding7_IdleFloodBeyondTheFdLimitLeavesTheLabReachable) {
  FdLimitGuard guard;
  const size_t base = open_fds();
  ASSERT_TRUE(guard.lower_to(base + 200));
  ListenerConfig arm = plain_config("arm");
  arm.limits.read_timeout = milliseconds(60'000);  // the flood would hold on for a minute
  arm.limits.header_timeout = milliseconds(60'000);
  ASSERT_TRUE(server_.add_listener(admin_config()).ok());
  const uint16_t port = serve(std::move(arm));
  const pid_t flood = spawn_flood(port, 300);
  ASSERT_GT(flood, 0);
  // Wait until the server holds as many of the flood's connections as it will.
  std::this_thread::sleep_for(milliseconds(1500));
  test::TestClientOptions quick = plain();
  quick.timeout = milliseconds(3000);
  auto res = test::fetch(port, quick, "GET", "/hello");
  test::TestClientOptions admin_client = client();
  admin_client.timeout = milliseconds(3000);
  auto admin = test::fetch(server_.port("admin"), admin_client, "GET", "/hello");
  kill(flood, SIGKILL);
  waitpid(flood, nullptr, 0);
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 200);
  ASSERT_TRUE(admin.ok()) << admin.status().to_string();
  EXPECT_EQ(admin->status, 200);
  EXPECT_GT(server_.shed_connections(), 0u);
}

TEST_F(ServerLimitsTest, TooManyHeaderFieldsGet431) {
  ListenerConfig arm = plain_config("arm");
  arm.limits.header_count_limit = 100;
  const uint16_t port = serve(std::move(arm));
  std::string head = "GET /hello HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 99; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
  auto ok = send_raw(port, head + "\r\n");  // exactly 100 fields
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->status, 200);
  auto res = send_raw(port, head + "X-One-Too-Many: v\r\n\r\n");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 431);
  EXPECT_FALSE(res->keep_alive);
  auto entries = journal_for("arm");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].status, 431);
  EXPECT_EQ(entries[1].target, "/hello");
}

TEST_F(ServerLimitsTest, TooManyTrailerFieldsGet431) {
  ListenerConfig arm = plain_config("arm");
  arm.limits.header_count_limit = 5;
  const uint16_t port = serve(std::move(arm));
  std::string req =
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: X\r\n\r\n"
      "3\r\nabc\r\n0\r\n";
  for (int i = 0; i < 5; ++i) req += "X-T" + std::to_string(i) + ": v\r\n";
  auto res = send_raw(port, req + "\r\n");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 431);
}

TEST_F(ServerLimitsTest, LongRequestTargetGets414) {
  const uint16_t port = serve(plain_config("arm"));
  // Longer than target_limit (8 KiB) but within the head limit.
  auto res = send_raw(port, "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 414);
  // Longer than the whole head limit (16 KiB): still the target's fault.
  auto huge = send_raw(port, "GET /" + std::string(40000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(huge.ok()) << huge.status().to_string();
  EXPECT_EQ(huge->status, 414);
  auto entries = journal_for("arm");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].status, 414);
  EXPECT_EQ(entries[1].status, 414);
}

TEST_F(ServerLimitsTest, UnsupportedHttpVersionGets505) {
  const uint16_t port = serve(plain_config("arm"));
  auto conn = test::TestConnection::open("127.0.0.1", port, plain());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->send_raw("GET /hello HTTP/2.0\r\nHost: x\r\n\r\n").ok());
  auto res = (*conn)->read_response();
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 505);
  auto minor = send_raw(port, "GET /hello HTTP/1.7\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(minor.ok()) << minor.status().to_string();
  EXPECT_EQ(minor->status, 505);
  auto one_oh = send_raw(port, "GET /hello HTTP/1.0\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(one_oh.ok()) << one_oh.status().to_string();
  EXPECT_EQ(one_oh->status, 200);
  auto bad = send_raw(port, "GET /hello HTTP/x.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(bad.ok()) << bad.status().to_string();
  EXPECT_EQ(bad->status, 400);
}

TEST_F(ServerLimitsTest, BadChunkedBodyGets400) {
  const uint16_t port = serve(plain_config("arm"));
  auto res = send_raw(port,
                      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "zz\r\nabc\r\n0\r\n\r\n");
  ASSERT_TRUE(res.ok()) << res.status().to_string();
  EXPECT_EQ(res->status, 400);
  ASSERT_EQ(journal_for("arm").size(), 1u);
  EXPECT_EQ(journal_for("arm")[0].status, 400);
}

// Sends `piece` every `every` until the server closes the connection (a send fails); how long
// that took.
Result<milliseconds> trickle_until_closed(test::TestConnection& conn, const std::string& piece,
                                          milliseconds every, milliseconds give_up) {
  const auto start = Steady::now();
  while (Steady::now() - start < give_up) {
    if (!conn.send_raw(piece).ok()) {
      return std::chrono::duration_cast<milliseconds>(Steady::now() - start);
    }
    std::this_thread::sleep_for(every);
  }
  return DeadlineExceeded("still open after trickling");
}

TEST_F(ServerLimitsTest, SlowlorisHeadIsCutOffByTheHeaderDeadline) {
  ListenerConfig arm = plain_config("arm");
  arm.limits.header_timeout = milliseconds(300);
  arm.limits.read_timeout = milliseconds(20'000);
  const uint16_t port = serve(std::move(arm));
  auto conn = test::TestConnection::open("127.0.0.1", port, plain());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->send_raw("GET /hello HTTP/1.1\r\n").ok());
  auto took = trickle_until_closed(**conn, "X: y\r\n", milliseconds(50), milliseconds(5000));
  ASSERT_TRUE(took.ok()) << took.status().to_string();
  EXPECT_LT(took->count(), 2000);
  EXPECT_TRUE(eventually([&] { return server_.open_connections() == 0; }));
  EXPECT_TRUE(journal_for("arm").empty());  // cut off, not answered
}

TEST_F(ServerLimitsTest, SlowlorisHeadOnAKeepAliveConnectionIsCutOffToo) {
  ListenerConfig arm = plain_config("arm");
  arm.limits.header_timeout = milliseconds(300);
  arm.limits.read_timeout = milliseconds(20'000);
  const uint16_t port = serve(std::move(arm));
  auto conn = test::TestConnection::open("127.0.0.1", port, plain());
  ASSERT_TRUE(conn.ok());
  auto first = (*conn)->request("GET", "/hello");
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  ASSERT_TRUE((*conn)->send_raw("GET /hello HTTP/1.1\r\n").ok());
  auto took = trickle_until_closed(**conn, "X: y\r\n", milliseconds(50), milliseconds(5000));
  ASSERT_TRUE(took.ok()) << took.status().to_string();
  EXPECT_LT(took->count(), 2000);
}

TEST_F(ServerLimitsTest, SlowBodyIsCutOffByTheRequestDeadline) {
  ListenerConfig arm = plain_config("arm");
  arm.limits.header_timeout = milliseconds(300);
  arm.limits.read_timeout = milliseconds(600);
  const uint16_t port = serve(std::move(arm));
  auto conn = test::TestConnection::open("127.0.0.1", port, plain());
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE(
      (*conn)->send_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n").ok());
  auto took = trickle_until_closed(**conn, "b", milliseconds(50), milliseconds(5000));
  ASSERT_TRUE(took.ok()) << took.status().to_string();
  EXPECT_LT(took->count(), 2500);
}

}  // namespace
}  // namespace emu::http
