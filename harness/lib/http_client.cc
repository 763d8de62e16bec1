#include "harness/lib/http_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <exception>
#include <type_traits>

namespace emu::harness {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using beast::error_code;

constexpr std::chrono::milliseconds kMaxShutdown{2'000};
constexpr std::chrono::milliseconds kBackstop{5'000};

using HttpRequest = bhttp::request<bhttp::string_body>;
using HttpParser = bhttp::response_parser<bhttp::string_body>;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Where the exchange stopped and why.
struct Progress {
  std::string stage;  // "connect", "TLS handshake", "write", "read"; "" when complete
  error_code ec;
  std::string tls_reason;  // set by the verify callback
  bool done = false;
  std::exception_ptr exception;
};

template <class Stream>
asio::awaitable<void> exchange(Stream& stream, tcp::endpoint peer, HttpRequest& req,
                               HttpParser& parser, Progress& progress) {
  error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  auto& lowest = beast::get_lowest_layer(stream);
  auto fail = [&](const char* stage) {
    progress.stage = stage;
    progress.ec = ec;
  };
  co_await lowest.async_connect(peer, token);
  if (ec) co_return fail("connect");
  // Small writes (request, close_notify) must not wait for the peer's delayed ACK (Nagle).
  error_code ignored;
  lowest.socket().set_option(tcp::no_delay(true), ignored);
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    co_await stream.async_handshake(ssl::stream_base::client, token);
    if (ec) co_return fail("TLS handshake");
  }
  co_await bhttp::async_write(stream, req, token);
  if (ec) co_return fail("write");
  beast::flat_buffer buffer;
  co_await bhttp::async_read(stream, buffer, parser, token);
  if (ec) co_return fail("read");
  progress.done = true;
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    lowest.expires_after(kMaxShutdown);
    co_await stream.async_shutdown(token);  // best effort; the answer is already complete
  }
  lowest.close();
}

Status transport_error(const app::Endpoint& endpoint, const Progress& p,
                       std::chrono::milliseconds timeout) {
  const std::string who = "endpoint '" + endpoint.name + "' (" + endpoint.host + ")";
  if (p.ec == beast::error::timeout)
    return DeadlineExceeded(p.stage + " with " + who + " timed out after " +
                            std::to_string(timeout.count()) + " ms");
  std::string reason = p.ec.message();
  if (!p.tls_reason.empty()) reason += ": " + p.tls_reason;
  if (p.ec == bhttp::error::end_of_stream || p.ec == asio::error::connection_reset ||
      p.ec == asio::error::eof || p.ec == ssl::error::stream_truncated)
    reason = "connection closed before a complete answer (" + reason + ")";
  return Unavailable(p.stage + " with " + who + " failed: " + reason);
}

HttpRequest build_request(const app::Endpoint& endpoint, const HttpCall& call,
                          const HttpClientOptions& options) {
  HttpRequest req;
  req.version(11);
  req.method_string(call.method.empty() ? "GET" : call.method);
  req.target(call.target.empty() ? "/" : call.target);
  for (const auto& [name, value] : call.headers.items()) req.insert(name, value);
  if (!call.headers.has("Host")) req.set(bhttp::field::host, endpoint.host);
  if (!call.headers.has("User-Agent")) req.set(bhttp::field::user_agent, options.user_agent);
  req.keep_alive(false);
  req.body() = call.body;
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT" || call.method == "PATCH")
    req.prepare_payload();
  return req;
}

// Prepares the TLS context: CA roots, verification time and optional client certificate.
Status configure_tls(ssl::context& ctx, const HttpCall& call, const HttpClientOptions& options) {
  error_code ec;
  ctx.set_verify_mode(ssl::verify_peer, ec);
  if (options.ca_file.empty()) return InvalidArgument("no CA file to verify https servers");
  ctx.load_verify_file(options.ca_file, ec);
  if (ec) return InvalidArgument("cannot load CA file '" + options.ca_file + "': " + ec.message());
  if (options.verify_time) {
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx.native_handle());
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(unix_seconds(*options.verify_time)));
  }
  if (!call.client_cert_pem.empty()) {
    ctx.use_certificate_chain(asio::buffer(call.client_cert_pem), ec);
    if (ec) return InvalidArgument("bad client certificate: " + ec.message());
    ctx.use_private_key(asio::buffer(call.client_key_pem), ssl::context::pem, ec);
    if (ec) return InvalidArgument("bad client key: " + ec.message());
  }
  return Status::Ok();
}

template <class Stream>
void run(asio::io_context& ioc, Stream& stream, tcp::endpoint peer, HttpRequest& req,
         HttpParser& parser, Progress& progress, const HttpClientOptions& options) {
  beast::get_lowest_layer(stream).expires_after(options.timeout);
  asio::co_spawn(ioc, exchange(stream, peer, req, parser, progress),
                 [&progress](std::exception_ptr e) { progress.exception = e; });
  ioc.run_for(options.timeout + kBackstop);
  if (!ioc.stopped()) {  // Beast's timer should have fired first; force the end
    beast::get_lowest_layer(stream).close();
    ioc.restart();
    ioc.run_for(kBackstop);
    if (!progress.done && progress.stage.empty()) {
      progress.stage = "exchange";
      progress.ec = beast::error::timeout;
    }
  }
}

Result<HttpExchange> send_impl(const app::Endpoint& endpoint, const HttpCall& call,
                               const HttpClientOptions& options) {
  error_code ec;
  auto address = asio::ip::make_address(endpoint.address, ec);
  if (ec) return InvalidArgument("endpoint '" + endpoint.name + "' has a bad address");
  tcp::endpoint peer(address, endpoint.port);
  HttpRequest req = build_request(endpoint, call, options);
  HttpParser parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(options.body_limit);
  Progress progress;
  asio::io_context ioc;
  if (endpoint.scheme == "https") {
    ssl::context ctx(ssl::context::tls_client);
    EMU_RETURN_IF_ERROR(configure_tls(ctx, call, options));
    TlsStream stream(ioc, ctx);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), endpoint.host.c_str()))
      return InvalidArgument("bad TLS server name '" + endpoint.host + "'");
    stream.set_verify_callback(
        [&progress, check = ssl::host_name_verification(endpoint.host), host = endpoint.host](
            bool preverified, ssl::verify_context& vctx) mutable {
          if (!preverified) {
            int err = X509_STORE_CTX_get_error(vctx.native_handle());
            progress.tls_reason = X509_verify_cert_error_string(err);
            return false;
          }
          if (!check(preverified, vctx)) {
            progress.tls_reason = "certificate does not name '" + host + "'";
            return false;
          }
          return true;
        });
    run(ioc, stream, peer, req, parser, progress, options);
  } else if (endpoint.scheme == "http") {
    beast::tcp_stream stream(ioc);
    run(ioc, stream, peer, req, parser, progress, options);
  } else {
    return InvalidArgument("endpoint '" + endpoint.name + "' has unknown scheme '" +
                           endpoint.scheme + "'");
  }
  if (progress.exception) std::rethrow_exception(progress.exception);
  if (!progress.done) {
    if (progress.ec == bhttp::error::body_limit)
      return ResourceExhausted("answer from endpoint '" + endpoint.name + "' exceeds " +
                               std::to_string(options.body_limit) + " bytes");
    return transport_error(endpoint, progress, options.timeout);
  }
  const auto& res = parser.get();
  HttpExchange out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res)
    out.headers.add(std::string(field.name_string()), std::string(field.value()));
  out.body = res.body();
  return out;
}

}  // namespace

Result<HttpExchange> send_http(const app::Endpoint& endpoint, const HttpCall& call,
                               const HttpClientOptions& options) {
  try {
    return send_impl(endpoint, call, options);
  } catch (const std::exception& e) {
    return Internal("HTTP client failed: " + std::string(e.what()));
  }
}

}  // namespace emu::harness
