// Private to emu_http: OpenSSL contexts of one TLS listener (one per SniCertificate, SNI
// selection, TLS 1.2/1.3 only, client-certificate policy) and per-connection helpers that set
// the virtual verification time and read what the handshake learnt about the client.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/http/server.h"
#include "emulator/core/status.h"

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace emu::http::internal {

// What the always-accepting verify callback (ClientCertMode::kOptional) saw.
// Owned by the connection; must outlive its SSL handshake.
struct ClientVerifyRecord {
  bool called = false;  // the callback ran (a certificate was presented)
  int first_error = 0;  // X509_V_OK, or the first verification error reported
};

// The SSL_CTXs of one listener. Immutable after construction; safe to share between the
// connections of that listener (OpenSSL contexts are reference-counted and thread-safe to use).
class TlsContexts {
 public:
  // Builds one context per certificate of `config` (TLS 1.2 and 1.3 only, no session
  // resumption). InvalidArgument naming the listener and OpenSSL's reason on a bad PEM,
  // a key that does not match its certificate, or an unusable client CA / CRL.
  static Result<std::unique_ptr<TlsContexts>> create(const ListenerConfig& config);
  ~TlsContexts();
  TlsContexts(const TlsContexts&) = delete;
  TlsContexts& operator=(const TlsContexts&) = delete;

  // The context new connections start with (the first certificate).
  boost::asio::ssl::context& default_context() { return *contexts_.front(); }
  ClientCertMode mode() const { return mode_; }
  // The context whose host names match `server_name` (exact, case-insensitive, or a one-label
  // "*.x.y" wildcard; exact names win), or nullptr when none matches.
  SSL_CTX* select(std::string_view server_name) const;

 private:
  TlsContexts() = default;
  std::vector<std::unique_ptr<boost::asio::ssl::context>> contexts_;
  std::vector<std::vector<std::string>> names_;  // lower-case, parallel to contexts_
  ClientCertMode mode_ = ClientCertMode::kNone;
};

// Prepares a server-side SSL object before its handshake: certificate validity is judged at
// virtual time `now`, and `record` (may be null unless mode is kOptional) receives the verify
// callback's findings. Never fails.
void prepare_connection(SSL* ssl, TimePoint now, ClientVerifyRecord* record);

// After a successful handshake: the client certificate as the handler sees it.
ClientCertInfo client_cert_info(SSL* ssl, ClientCertMode mode, const ClientVerifyRecord& record);

// The SNI host name the client sent, or "".
std::string server_name(SSL* ssl);

// True when `host` matches `pattern` (exact, ASCII case-insensitive, or "*.x.y" matching exactly
// one extra non-empty label). Exposed for tests.
bool host_name_matches(std::string_view pattern, std::string_view host);

}  // namespace emu::http::internal
