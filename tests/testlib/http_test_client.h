// A small HTTP(S) test client over loopback: Beast + OpenSSL on a private io_context, every
// operation bounded by a deadline so a test can never hang. It can set SNI, trust a CA, present
// a client certificate, cap the TLS version, and send raw bytes (for malformed requests).
#pragma once

#include "emulator/core/http/message.h"
#include "emulator/core/status.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace emu::test {

struct TestClientOptions {
  bool tls = true;
  std::string sni;       // server name to send; "" = none
  std::string ca_pem;    // roots to trust; "" = do not verify the server certificate
  std::string cert_pem;  // client certificate (optional, with key_pem)
  std::string key_pem;
  int max_tls_version = 0;  // e.g. TLS1_1_VERSION to offer old protocols only; 0 = default
  std::chrono::milliseconds timeout{5000};  // per operation (connect, handshake, write, read)
};

struct TestResponse {
  int status = 0;
  http::Headers headers;
  std::string body;
  bool keep_alive = false;
};

// One connection. Not thread-safe. Errors are Status values whose message names the step and
// the system/OpenSSL reason; DeadlineExceeded when an operation ran out of time.
class TestConnection {
 public:
  // Connects to address:port and, when options.tls, completes the handshake.
  static Result<std::unique_ptr<TestConnection>> open(const std::string& address, uint16_t port,
                                                      TestClientOptions options);
  ~TestConnection();
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  // The server certificate's RFC 2253 subject and its DNS/IP subject alternative names
  // ("" / empty for plain HTTP).
  std::string peer_subject() const;
  std::vector<std::string> peer_alt_names() const;
  // Negotiated protocol, e.g. "TLSv1.3"; "" for plain HTTP.
  std::string tls_version() const;

  Status send_raw(std::string_view bytes);
  // Reads one response (`head`: a response to HEAD, which has no body).
  Result<TestResponse> read_response(bool head = false);
  // Sends one HTTP/1.1 request (Host defaults to the SNI, else "localhost"; Content-Length is
  // set when there is a body) and reads its response.
  Result<TestResponse> request(const std::string& method, const std::string& target,
                               const http::Headers& headers = {}, const std::string& body = "");
  // Reads (discarding data) until the server closes the connection. OK when it closed (EOF,
  // reset or TLS close) within `within`; DeadlineExceeded when it was still open.
  Status wait_closed(std::chrono::milliseconds within);

 private:
  struct Impl;
  explicit TestConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// open() + request() on a fresh connection.
Result<TestResponse> fetch(uint16_t port, const TestClientOptions& options,
                           const std::string& method, const std::string& target,
                           const http::Headers& headers = {}, const std::string& body = "");

}  // namespace emu::test
