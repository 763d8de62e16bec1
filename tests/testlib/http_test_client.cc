#include "tests/testlib/http_test_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <optional>

namespace emu::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using beast::error_code;

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

}  // namespace

struct TestConnection::Impl {
  TestClientOptions options;
  asio::io_context ioc{1};
  ssl::context ssl_ctx{ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

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
    return run(std::forward<Start>(start), options.timeout);
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
    if (!options.ca_pem.empty()) {
      ssl_ctx.add_certificate_authority(asio::buffer(options.ca_pem), ec);
      if (ec) return InvalidArgument("ca_pem: " + ec.message());
      ssl_ctx.set_verify_mode(ssl::verify_peer);
    } else {
      ssl_ctx.set_verify_mode(ssl::verify_none);
    }
    if (!options.cert_pem.empty()) {
      ssl_ctx.use_certificate_chain(asio::buffer(options.cert_pem), ec);
      if (!ec) ssl_ctx.use_private_key(asio::buffer(options.key_pem), ssl::context::pem, ec);
      if (ec) return InvalidArgument("client certificate: " + ec.message());
    }
    return Status::Ok();
  }
};

TestConnection::TestConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TestConnection::~TestConnection() {
  if (impl_) {
    error_code ignored;
    impl_->lowest().socket().close(ignored);
  }
}

Result<std::unique_ptr<TestConnection>> TestConnection::open(const std::string& address,
                                                             uint16_t port,
                                                             TestClientOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  error_code ec;
  tcp::endpoint endpoint(asio::ip::make_address(address, ec), port);
  if (ec) return InvalidArgument("bad address " + address);
  if (impl->options.tls) {
    EMU_RETURN_IF_ERROR(impl->configure_tls());
    impl->tls.emplace(impl->ioc, impl->ssl_ctx);
    SSL* ssl = impl->tls->native_handle();
    if (!impl->options.sni.empty()) {
      SSL_set_tlsext_host_name(ssl, impl->options.sni.c_str());
    }
  } else {
    impl->plain.emplace(impl->ioc);
  }
  Impl& c = *impl;
  ec = c.run([&](auto handler) { c.lowest().async_connect(endpoint, std::move(handler)); });
  if (ec) return op_error("connect", ec);
  c.lowest().socket().set_option(tcp::no_delay(true), ec);  // no Nagle wait after Finished
  if (c.tls) {
    ec = c.run([&](auto handler) {
      c.tls->async_handshake(ssl::stream_base::client, std::move(handler));
    });
    if (ec) return op_error("tls handshake", ec);
  }
  return std::unique_ptr<TestConnection>(new TestConnection(std::move(impl)));
}

std::string TestConnection::peer_subject() const {
  if (!impl_->tls) return "";
  X509* cert = SSL_get0_peer_certificate(impl_->tls->native_handle());
  return cert ? name_rfc2253(X509_get_subject_name(cert)) : "";
}

std::vector<std::string> TestConnection::peer_alt_names() const {
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

std::string TestConnection::tls_version() const {
  return impl_->tls ? SSL_get_version(impl_->tls->native_handle()) : "";
}

Status TestConnection::send_raw(std::string_view bytes) {
  Impl& c = *impl_;
  error_code ec = c.run([&](auto handler) {
    c.with_stream([&](auto& s) {
      asio::async_write(s, asio::buffer(bytes.data(), bytes.size()), std::move(handler));
    });
  });
  return ec ? op_error("write", ec) : Status::Ok();
}

Result<TestResponse> TestConnection::read_response(bool head) {
  Impl& c = *impl_;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(head);
  error_code ec = c.run([&](auto handler) {
    c.with_stream([&](auto& s) { bhttp::async_read(s, c.buffer, parser, std::move(handler)); });
  });
  if (ec) return op_error("read response", ec);
  auto msg = parser.release();
  TestResponse out;
  out.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) out.headers.add(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(msg.body());
  out.keep_alive = msg.keep_alive();
  return out;
}

Result<TestResponse> TestConnection::request(const std::string& method, const std::string& target,
                                             const http::Headers& headers,
                                             const std::string& body) {
  std::string wire = method + " " + target + " HTTP/1.1\r\n";
  if (!headers.has("Host")) {
    wire += "Host: " + (impl_->options.sni.empty() ? std::string("localhost") : impl_->options.sni);
    wire += "\r\n";
  }
  for (const auto& [name, value] : headers.items()) wire += name + ": " + value + "\r\n";
  if (!body.empty() && !headers.has("Content-Length")) {
    wire += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  wire += "\r\n";
  wire += body;
  EMU_RETURN_IF_ERROR(send_raw(wire));
  return read_response(method == "HEAD");
}

Status TestConnection::wait_closed(std::chrono::milliseconds within) {
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

Result<TestResponse> fetch(uint16_t port, const TestClientOptions& options,
                           const std::string& method, const std::string& target,
                           const http::Headers& headers, const std::string& body) {
  EMU_ASSIGN_OR_RETURN(auto conn, TestConnection::open("127.0.0.1", port, options));
  return conn->request(method, target, headers, body);
}

}  // namespace emu::test
