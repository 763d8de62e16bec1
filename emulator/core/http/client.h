// HTTP/1.1 client over real sockets: Beast and OpenSSL on a private io_context, every operation
// bounded so a caller can never hang. ClientConnection is one socket (keep-alive, raw bytes,
// TLS version cap, peer certificate details); send_once() is one request on a fresh connection
// as a client in the lab sends it (the harness and the scenario actions use it). No Boost or
// OpenSSL types leak from here.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"
#include "emulator/core/status.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::http {

struct ClientOptions {
  bool tls = true;
  std::string sni;  // TLS server name to send ("" = none); request()'s default Host
  // Roots the server certificate must chain to (a PEM file, PEM text, or both); neither set =
  // the server certificate is not verified.
  std::string ca_file;
  std::string ca_pem;
  bool verify_host = false;              // the server certificate must also name `sni`
  std::optional<TimePoint> verify_time;  // validity is checked at this time; nullopt = real time
  std::string cert_pem;                  // client certificate chain (optional, with key_pem)
  std::string key_pem;
  int max_tls_version = 0;  // e.g. TLS1_1_VERSION to offer old protocols only; 0 = default
  std::chrono::milliseconds timeout{5000};  // per operation (connect, handshake, write, read)
  // Bounds open() and every later operation together; nullopt = the per-operation timeout only.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::string user_agent;  // added by request()/send_once() when the headers have none; "" = no
  size_t header_limit = 64 * 1024;       // larger response heads fail the read
  size_t body_limit = 64 * 1024 * 1024;  // larger response bodies fail the read
};

struct ClientResponse {
  int status = 0;
  std::string reason;  // the status line's reason phrase as received ("CMGConnector_Forbidden")
  Headers headers;
  std::string body;
  bool keep_alive = false;
};

// One connection. Not thread-safe. Errors are Status values "<step>: <system/OpenSSL reason>"
// (steps: connect, tls handshake, write, read response); DeadlineExceeded when an operation ran
// out of time; InvalidArgument for a bad address, CA or client certificate.
class ClientConnection {
 public:
  // Connects to address:port (an IP literal) and, when options.tls, completes the handshake.
  static Result<std::unique_ptr<ClientConnection>> open(const std::string& address, uint16_t port,
                                                        ClientOptions options);
  ~ClientConnection();
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // The server certificate's RFC 2253 subject and its DNS/IP subject alternative names
  // ("" / empty for plain HTTP).
  std::string peer_subject() const;
  std::vector<std::string> peer_alt_names() const;
  // The certificates the server sent (leaf first), PEM; "" for plain HTTP. What a client that
  // checks trust itself (after connecting without verification) verifies.
  std::string peer_chain_pem() const;
  // Negotiated protocol, e.g. "TLSv1.3"; "" for plain HTTP.
  std::string tls_version() const;

  Status send_raw(std::string_view bytes);
  // Reads one response (`head`: a response to HEAD, which has no body).
  Result<ClientResponse> read_response(bool head = false);
  // Sends one HTTP/1.1 request exactly as given plus, when missing, Host first (options.sni,
  // else "localhost"), User-Agent (options.user_agent, if set) and Content-Length (when there
  // is a body), then reads its response.
  Result<ClientResponse> request(const std::string& method, const std::string& target,
                                 const Headers& headers = {}, const std::string& body = "");
  // Reads (discarding data) until the server closes the connection. OK when it closed (EOF,
  // reset or TLS close) within `within`; DeadlineExceeded when it was still open.
  Status wait_closed(std::chrono::milliseconds within);
  // Sends TLS close_notify (waiting at most `within` for the peer's) and closes the socket.
  void shutdown(std::chrono::milliseconds within);

 private:
  struct Impl;
  friend struct ClientAccess;  // send_once() drives the steps itself
  explicit ClientConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Where send_once() goes.
struct Destination {
  std::string name;     // messages call the peer "endpoint '<name>' (<host>)"
  std::string host;     // Host header, SNI, and the name the server certificate must carry
  std::string address;  // IP literal to connect to
  uint16_t port = 0;
  std::string scheme = "https";  // "https" or "http"
};

struct ClientRequest {
  std::string method;  // "" = GET
  std::string target;  // "" = "/"
  Headers headers;
  std::string body;
};

// Sends `request` to `to` on a fresh connection and reads the answer; options.timeout bounds
// the whole exchange (options.tls, sni, verify_host and deadline are set from `to`). The request
// carries its headers in order, then Host = to.host (no port) and User-Agent =
// options.user_agent unless set, Connection: close, and Content-Length when it has a body (or
// is a POST or PUT). For https the server certificate must chain to options.ca_file/ca_pem
// (required) and name to.host; options.cert_pem/key_pem, when set, are presented; the TLS
// session is closed with close_notify after the answer. Returns the response for any HTTP
// status; Unavailable (connect, TLS or read failure, reset), DeadlineExceeded (timeout),
// ResourceExhausted (body over options.body_limit), InvalidArgument (bad address, scheme,
// client certificate or CA). Messages name the endpoint and host, never the port.
// Thread-safe (no shared state); blocks the caller.
Result<ClientResponse> send_once(const Destination& to, const ClientRequest& request,
                                 ClientOptions options);

}  // namespace emu::http
