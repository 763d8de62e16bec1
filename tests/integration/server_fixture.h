// Shared fixture for the emu::http::Server integration tests: a Server on a manual virtual
// clock, a Router with probe routes, listener configs built from the shared lab PKI, and
// client options that trust the lab CA.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/faults.h"
#include "emulator/core/http/router.h"
#include "emulator/core/http/server.h"
#include "emulator/core/ids.h"
#include "emulator/core/journal.h"
#include "tests/testlib/http_test_client.h"
#include "tests/testlib/test_pki.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace emu::http {

class ServerFixture : public ::testing::Test {
 protected:
  ServerFixture()
      : clock_(VirtualClock::Mode::kManual, test::shared_pki_options().now),
        ids_(42),
        journal_(1000),
        faults_(7),
        server_(ServerDeps{clock_, ids_, journal_, faults_}) {
    router_.get("/hello", [](Request&) { return text_response(200, "hello"); });
    router_.post("/echo", [](Request& r) { return text_response(200, r.body); });
    router_.add("CCM_POST", "*", "/ccm_system/request",
                [](Request& r) { return text_response(200, "ccm:" + r.method); });
    router_.get("/info", [](Request& r) {
      std::string q;
      for (const auto& [k, v] : r.query) q += k + "=" + v + ";";
      return text_response(200, "listener=" + r.listener + " host=" + r.host + " sni=" + r.sni +
                                    " tls=" + (r.tls ? "1" : "0") + " path=" + r.path +
                                    " query=" + q + " id=" + r.request_id);
    });
    router_.get("/cert", [](Request& r) {
      const ClientCertInfo& c = r.client_cert;
      return text_response(200, std::string("presented=") + (c.presented ? "1" : "0") +
                                    " verified=" + (c.verified ? "1" : "0") +
                                    "\nerror=" + c.verify_error + "\nsubject=" + c.subject +
                                    "\nissuer=" + c.issuer + "\nthumbprint=" + c.thumbprint_sha1 +
                                    "\nder=" + std::to_string(c.der.size()));
    });
    router_.get("/close", [](Request&) {
      Response r = text_response(200, "bye");
      r.close = true;
      return r;
    });
  }
  ~ServerFixture() override { server_.stop(); }

  static const pki::LabPki& lab() { return test::shared_pki(); }

  ListenerConfig tls_config(const std::string& name) {
    ListenerConfig c;
    c.name = name;
    c.certificates.push_back(
        {{"management.azure.com", "localhost"}, lab().server.cert_pem, lab().server.key_pem});
    c.router = &router_;
    return c;
  }

  ListenerConfig plain_config(const std::string& name) {
    ListenerConfig c = tls_config(name);
    c.tls = false;
    c.certificates.clear();
    return c;
  }

  // Adds `config`, starts the server, and returns the bound port.
  uint16_t serve(ListenerConfig config) {
    const std::string name = config.name;
    Status s = server_.add_listener(std::move(config));
    EXPECT_TRUE(s.ok()) << s.to_string();
    s = server_.start();
    EXPECT_TRUE(s.ok()) << s.to_string();
    return server_.port(name);
  }

  static test::TestClientOptions client() {
    test::TestClientOptions o;
    o.sni = "management.azure.com";
    o.ca_pem = lab().ca.cert_pem;
    return o;
  }

  // Polls `pred` (state owned by the server's threads) until it holds or 10 s pass.
  static bool eventually(const std::function<bool()>& pred) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  }

  std::vector<JournalEntry> journal_for(const std::string& listener) {
    JournalQuery q;
    q.listener = listener;
    return journal_.query(q);
  }

  VirtualClock clock_;
  IdSource ids_;
  Journal journal_;
  FaultPlan faults_;
  Router router_;
  Server server_;
};

}  // namespace emu::http
