// Harness HTTP client: one synchronous request over real loopback to a lab endpoint, as a
// client in the lab would send it (Host/SNI = the endpoint's real-world name, TLS verified
// against the lab CA at virtual time). A thin adapter over http::send_once
// (emulator/core/http/client.h) for the lab's endpoints and the actions' HttpCall.
#pragma once

#include "emulator/app/lab.h"
#include "emulator/core/actions.h"
#include "emulator/core/clock.h"
#include "emulator/core/status.h"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace emu::harness {

inline constexpr std::string_view kHarnessUserAgent = "cmgemu-harness/1";

struct HttpClientOptions {
  std::string ca_file;  // PEM roots servers must chain to; required for https endpoints
  std::chrono::milliseconds timeout{30'000};  // bound on the whole exchange
  std::string user_agent = std::string(kHarnessUserAgent);
  // Certificate validity is checked at this time (the lab's virtual now); nullopt = real time.
  std::optional<TimePoint> verify_time;
  size_t body_limit = 64 * 1024 * 1024;  // larger responses fail with ResourceExhausted
};

// Sends `call` (call.endpoint is ignored) to `endpoint` on a fresh connection and reads the
// answer. The request carries Host = endpoint.host (no port) unless call.headers sets one,
// User-Agent = options.user_agent unless set, Connection: close, and Content-Length when it has
// a body. For https: SNI = endpoint.host, the server certificate must chain to
// options.ca_file and name endpoint.host; call.client_cert_pem/key_pem, when set, are presented.
// Returns the exchange for any HTTP status; Unavailable (connect, TLS or read failure, reset),
// DeadlineExceeded (timeout), InvalidArgument (bad client certificate or CA file). Messages
// name the endpoint and host, never the port. Thread-safe (no shared state); blocks the caller.
Result<HttpExchange> send_http(const app::Endpoint& endpoint, const HttpCall& call,
                               const HttpClientOptions& options);

}  // namespace emu::harness
