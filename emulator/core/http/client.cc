#include "emulator/core/http/client.h"

#include "emulator/core/crypto/pem.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <arpa/inet.h>
#include <exception>
#include <optional>

namespace emu::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using beast::error_code;
using Parser = bhttp::response_parser<bhttp::string_body>;

constexpr std::chrono::milliseconds kMaxShutdown{2'000};

Status op_error(std::string_view step, const error_code& ec) {
  std::string msg = std::string(step) + ": " + ec.message();
  if (ec == asio::error::timed_out) return DeadlineExceeded(std::move(msg));
  return Unavailable(std::move(msg));
}

std::string name_rfc2253(const X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, len > 0 ? static_cast<size_t>(len) : 0);
  BIO_free(bio);
  return out;
}

ClientResponse to_response(Parser& parser) {
  auto msg = parser.release();
  ClientResponse out;
  out.status = static_cast<int>(msg.result_int());
  out.reason.assign(msg.reason().data(), msg.reason().size());
  for (const auto& f : msg) out.headers.add(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(msg.body());
  out.keep_alive = msg.keep_alive();
  return out;
}

}  // namespace

struct ClientConnection::Impl {
  ClientOptions options;
  asio::io_context ioc{1};
  ssl::context ssl_ctx{ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::string tls_reason;  // why the server certificate was rejected (set by the verify callback)

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // The bound of the next operation: options.timeout, cut short by options.deadline.
  std::chrono::milliseconds limit() const {
    if (!options.deadline) return options.timeout;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        *options.deadline - std::chrono::steady_clock::now());
    return std::max(std::chrono::milliseconds(0), std::min(left, options.timeout));
  }

  // Runs one asynchronous operation to completion or until `limit`; on timeout the socket is
  // closed, the operation drained, and asio::error::timed_out returned.
  template <class Start>
  error_code run(Start&& start, std::chrono::milliseconds limit) {
    error_code result;
    bool done = false;
    ioc.restart();
    start([&](error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    ioc.run_for(limit);
    if (done) return result;
    lowest().close();
    ioc.restart();
    ioc.run_for(std::chrono::seconds(1));
    return asio::error::timed_out;
  }
  template <class Start>
  error_code run(Start&& start) {
    return run(std::forward<Start>(start), limit());
  }

  template <class F>
  auto with_stream(F&& f) {
    return tls ? f(*tls) : f(*plain);
  }

  Status configure_tls() {
    error_code ec;
    SSL_CTX* ctx = ssl_ctx.native_handle();
    if (options.max_tls_version != 0) {
      SSL_CTX_set_security_level(ctx, 0);  // let OpenSSL 3 offer the old protocol at all
      SSL_CTX_set_min_proto_version(ctx, 0);
      SSL_CTX_set_max_proto_version(ctx, options.max_tls_version);
    }
    const bool verify = !options.ca_file.empty() || !options.ca_pem.empty();
    ssl_ctx.set_verify_mode(verify ? ssl::verify_peer : ssl::verify_none, ec);
    if (!options.ca_file.empty()) {
      ssl_ctx.load_verify_file(options.ca_file, ec);
      if (ec) {
        return InvalidArgument("cannot load CA file '" + options.ca_file + "': " + ec.message());
      }
    }
    if (!options.ca_pem.empty()) {
      ssl_ctx.add_certificate_authority(asio::buffer(options.ca_pem), ec);
      if (ec) return InvalidArgument("ca_pem: " + ec.message());
    }
    if (options.verify_time) {
      X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
      X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(unix_seconds(*options.verify_time)));
    }
    if (!options.cert_pem.empty()) {
      ssl_ctx.use_certificate_chain(asio::buffer(options.cert_pem), ec);
      if (ec) return InvalidArgument("bad client certificate: " + ec.message());
      ssl_ctx.use_private_key(asio::buffer(options.key_pem), ssl::context::pem, ec);
      if (ec) return InvalidArgument("bad client key: " + ec.message());
    }
    return Status::Ok();
  }

  // Builds the streams; TLS settings, SNI and the verify callback when options.tls.
  Status prepare() {
    if (!options.tls) {
      plain.emplace(ioc);
      return Status::Ok();
    }
    EMU_RETURN_IF_ERROR(configure_tls());
    tls.emplace(ioc, ssl_ctx);
    if (!options.sni.empty() &&
        !SSL_set_tlsext_host_name(tls->native_handle(), options.sni.c_str()))
      return InvalidArgument("bad TLS server name '" + options.sni + "'");
    if (!options.ca_file.empty() || !options.ca_pem.empty()) {
      tls->set_verify_callback([this, check = ssl::host_name_verification(options.sni)](
                                   bool preverified, ssl::verify_context& vctx) mutable {
        if (!preverified) {
          int err = X509_STORE_CTX_get_error(vctx.native_handle());
          tls_reason = X509_verify_cert_error_string(err);
          return false;
        }
        if (options.verify_host && !check(preverified, vctx)) {
          tls_reason = "certificate does not name '" + options.sni + "'";
          return false;
        }
        return true;
      });
    }
    return Status::Ok();
  }

  error_code connect(const tcp::endpoint& peer) {
    error_code ec = run([&](auto handler) { lowest().async_connect(peer, std::move(handler)); });
    if (ec) return ec;
    // Small writes (request, close_notify) must not wait for the peer's delayed ACK (Nagle).
    error_code ignored;
    lowest().socket().set_option(tcp::no_delay(true), ignored);
    return {};
  }

  error_code handshake() {
    if (!tls) return {};
    return run(
        [&](auto handler) { tls->async_handshake(ssl::stream_base::client, std::move(handler)); });
  }

  error_code write(std::string_view bytes) {
    return run([&](auto handler) {
      with_stream([&](auto& s) {
        asio::async_write(s, asio::buffer(bytes.data(), bytes.size()), std::move(handler));
      });
    });
  }

  error_code write(bhttp::request<bhttp::string_body>& req) {
    return run([&](auto handler) {
      with_stream([&](auto& s) { bhttp::async_write(s, req, std::move(handler)); });
    });
  }

  error_code read(Parser& parser, bool head) {
    parser.header_limit(options.header_limit);
    parser.body_limit(options.body_limit);
    parser.skip(head);
    return run([&](auto handler) {
      with_stream([&](auto& s) { bhttp::async_read(s, buffer, parser, std::move(handler)); });
    });
  }

  void shutdown(std::chrono::milliseconds within) {
    if (tls) {
      run([&](auto handler) { tls->async_shutdown(std::move(handler)); }, within);
    }
    error_code ignored;
    lowest().socket().close(ignored);
  }
};

ClientConnection::ClientConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ClientConnection::~ClientConnection() {
  if (impl_) {
    error_code ignored;
    impl_->lowest().socket().close(ignored);
  }
}

Result<std::unique_ptr<ClientConnection>> ClientConnection::open(const std::string& address,
                                                                 uint16_t port,
                                                                 ClientOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  error_code ec;
  tcp::endpoint endpoint(asio::ip::make_address(address, ec), port);
  if (ec) return InvalidArgument("bad address " + address);
  EMU_RETURN_IF_ERROR(impl->prepare());
  ec = impl->connect(endpoint);
  if (ec) return op_error("connect", ec);
  ec = impl->handshake();
  if (ec) return op_error("tls handshake", ec);
  return std::unique_ptr<ClientConnection>(new ClientConnection(std::move(impl)));
}

std::string ClientConnection::peer_subject() const {
  if (!impl_->tls) return "";
  X509* cert = SSL_get0_peer_certificate(impl_->tls->native_handle());
  return cert ? name_rfc2253(X509_get_subject_name(cert)) : "";
}

std::string ClientConnection::peer_chain_pem() const {
  std::string out;
  if (!impl_->tls) return out;
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(impl_->tls->native_handle());
  for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
    auto pem = crypto::cert_to_pem(sk_X509_value(chain, i));
    if (pem.ok()) out += *pem;
  }
  return out;
}

std::vector<std::string> ClientConnection::peer_alt_names() const {
  std::vector<std::string> out;
  if (!impl_->tls) return out;
  X509* cert = SSL_get0_peer_certificate(impl_->tls->native_handle());
  if (!cert) return out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_DNS) {
      const ASN1_STRING* s = name->d.dNSName;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       ASN1_STRING_length(s));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      const int len = ASN1_STRING_length(ip);
      char text[INET6_ADDRSTRLEN] = {};
      if ((len == 4 || len == 16) &&
          inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), text, sizeof text)) {
        out.emplace_back(text);
      }
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string ClientConnection::tls_version() const {
  return impl_->tls ? SSL_get_version(impl_->tls->native_handle()) : "";
}

Status ClientConnection::send_raw(std::string_view bytes) {
  error_code ec = impl_->write(bytes);
  return ec ? op_error("write", ec) : Status::Ok();
}

Result<ClientResponse> ClientConnection::read_response(bool head) {
  Parser parser;
  error_code ec = impl_->read(parser, head);
  if (ec) return op_error("read response", ec);
  return to_response(parser);
}

Result<ClientResponse> ClientConnection::request(const std::string& method,
                                                 const std::string& target, const Headers& headers,
                                                 const std::string& body) {
  const ClientOptions& options = impl_->options;
  std::string wire = method + " " + target + " HTTP/1.1\r\n";
  if (!headers.has("Host")) {
    wire += "Host: " + (options.sni.empty() ? std::string("localhost") : options.sni) + "\r\n";
  }
  for (const auto& [name, value] : headers.items()) wire += name + ": " + value + "\r\n";
  if (!options.user_agent.empty() && !headers.has("User-Agent")) {
    wire += "User-Agent: " + options.user_agent + "\r\n";
  }
  if (!body.empty() && !headers.has("Content-Length")) {
    wire += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  wire += "\r\n";
  wire += body;
  EMU_RETURN_IF_ERROR(send_raw(wire));
  return read_response(method == "HEAD");
}

Status ClientConnection::wait_closed(std::chrono::milliseconds within) {
  Impl& c = *impl_;
  const auto deadline = std::chrono::steady_clock::now() + within;
  char scratch[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return DeadlineExceeded("connection still open");
    if (c.buffer.size() > 0) c.buffer.consume(c.buffer.size());
    error_code ec = c.run(
        [&](auto handler) {
          c.with_stream([&](auto& s) {
            s.async_read_some(asio::buffer(scratch, sizeof scratch), std::move(handler));
          });
        },
        left);
    if (ec == asio::error::timed_out) return DeadlineExceeded("connection still open");
    if (ec) return Status::Ok();  // eof, reset, stream_truncated: the server closed
  }
}

void ClientConnection::shutdown(std::chrono::milliseconds within) { impl_->shutdown(within); }

// send_once() drives a connection step by step to name the failing step in its own words.
struct ClientAccess {
  using Impl = ClientConnection::Impl;
};

namespace {

std::string who(const Destination& to) { return "endpoint '" + to.name + "' (" + to.host + ")"; }

Status transport_error(const Destination& to, std::string_view step, const error_code& ec,
                       const std::string& tls_reason, std::chrono::milliseconds timeout) {
  if (ec == asio::error::timed_out)
    return DeadlineExceeded(std::string(step) + " with " + who(to) + " timed out after " +
                            std::to_string(timeout.count()) + " ms");
  std::string reason = ec.message();
  if (!tls_reason.empty()) reason += ": " + tls_reason;
  if (ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset ||
      ec == asio::error::eof || ec == ssl::error::stream_truncated)
    reason = "connection closed before a complete answer (" + reason + ")";
  return Unavailable(std::string(step) + " with " + who(to) + " failed: " + reason);
}

bhttp::request<bhttp::string_body> build_request(const Destination& to, const ClientRequest& call,
                                                 const ClientOptions& options) {
  bhttp::request<bhttp::string_body> req;
  req.version(11);
  req.method_string(call.method.empty() ? "GET" : call.method);
  req.target(call.target.empty() ? "/" : call.target);
  for (const auto& [name, value] : call.headers.items()) req.insert(name, value);
  if (!call.headers.has("Host")) req.set(bhttp::field::host, to.host);
  if (!call.headers.has("User-Agent")) req.set(bhttp::field::user_agent, options.user_agent);
  req.keep_alive(false);
  req.body() = call.body;
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT" || call.method == "PATCH")
    req.prepare_payload();
  return req;
}

Result<ClientResponse> send_once_impl(const Destination& to, const ClientRequest& call,
                                      ClientOptions options) {
  error_code ec;
  auto address = asio::ip::make_address(to.address, ec);
  if (ec) return InvalidArgument("endpoint '" + to.name + "' has a bad address");
  const tcp::endpoint peer(address, to.port);
  if (to.scheme == "https") {
    if (options.ca_file.empty() && options.ca_pem.empty())
      return InvalidArgument("no CA file to verify https servers");
    options.tls = true;
    options.sni = to.host;
    options.verify_host = true;
  } else if (to.scheme == "http") {
    options.tls = false;
  } else {
    return InvalidArgument("endpoint '" + to.name + "' has unknown scheme '" + to.scheme + "'");
  }
  const std::chrono::milliseconds timeout = options.timeout;
  options.deadline = std::chrono::steady_clock::now() + timeout;
  auto req = build_request(to, call, options);

  ClientAccess::Impl c;
  c.options = std::move(options);
  EMU_RETURN_IF_ERROR(c.prepare());
  auto fail = [&](std::string_view step) {
    return transport_error(to, step, ec, c.tls_reason, timeout);
  };
  if ((ec = c.connect(peer))) return fail("connect");
  if ((ec = c.handshake())) return fail("TLS handshake");
  if ((ec = c.write(req))) return fail("write");
  Parser parser;
  if ((ec = c.read(parser, false))) {
    if (ec == bhttp::error::body_limit)
      return ResourceExhausted("answer from endpoint '" + to.name + "' exceeds " +
                               std::to_string(c.options.body_limit) + " bytes");
    return fail("read");
  }
  c.shutdown(kMaxShutdown);  // best effort; the answer is already complete
  return to_response(parser);
}

}  // namespace

Result<ClientResponse> send_once(const Destination& to, const ClientRequest& request,
                                 ClientOptions options) {
  try {
    return send_once_impl(to, request, std::move(options));
  } catch (const std::exception& e) {
    return Internal("HTTP client failed: " + std::string(e.what()));
  }
}

}  // namespace emu::http
