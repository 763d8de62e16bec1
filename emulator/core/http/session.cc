// One HTTP(S) connection: TLS handshake, keep-alive request loop, per-phase deadlines, idle
// marking for the connection caps, the fault -> router -> journal pipeline (pipeline.cc), and
// answers for refused requests.
// A Session lives while an asynchronous operation holds its shared_ptr; I/O thread only.
#include "emulator/core/http/message.h"
#include "emulator/core/http/session_impl.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <type_traits>

namespace emu::http::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using beast::error_code;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr size_t kReadChunk = 16 * 1024;
constexpr std::chrono::milliseconds kMaxLinger{5000};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(ServerCore& core, std::shared_ptr<const ListenerContext> listener, tcp::socket socket)
      : core_(core),
        listener_(std::move(listener)),
        stream_(make_stream(std::move(socket))),
        delay_timer_(stream_.get_executor()) {
    core_.admit(*this, *listener_->pool);  // idle (sheddable) until its first request begins
  }
  ~Session() override {
    if (registered_) core_.connections.erase(registry_it_);
    core_.release(*this);
  }

  void run() {
    registry_it_ = core_.connections.insert(core_.connections.end(), this->weak_from_this());
    registered_ = true;
    if (core_.stopping) return close();
    error_code ignored;
    tcp().socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      prepare_connection(stream_.native_handle(), core_.deps.clock.now(),
                         listener_->tls->mode() == ClientCertMode::kOptional ? &verify_ : nullptr);
      tcp().expires_after(limits().handshake_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server, bind(&Session::on_handshake));
    } else {
      do_read();
    }
  }

  void abort() override {
    delay_timer_.cancel();
    close();
  }
  const ListenerContext* listener_context() const override { return listener_.get(); }

 private:
  using Step = RequestParser::Step;
  using SteadyTime = std::chrono::steady_clock::time_point;

  template <class F>
  auto bind(F f) {
    return beast::bind_front_handler(f, this->shared_from_this());
  }
  Stream make_stream(tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), listener_->tls->default_context());
    } else {
      return Stream(std::move(socket));
    }
  }
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }
  const Limits& limits() const { return listener_->config.limits; }
  void close() {
    core_.release(*this);
    tcp().close();
  }

  void on_handshake(error_code ec) {
    if (ec) return close();  // timeout, bad client certificate, not TLS, ...
    if constexpr (kTls) {
      sni_ = server_name(stream_.native_handle());
      client_cert_ = client_cert_info(stream_.native_handle(), listener_->tls->mode(), verify_);
    }
    do_read();
  }

  // The request's deadlines: its head within header_timeout, all of it within read_timeout.
  void start_deadlines() {
    const SteadyTime now = std::chrono::steady_clock::now();
    request_deadline_ = now + limits().read_timeout;
    head_deadline_ = std::min(request_deadline_, now + limits().header_timeout);
  }

  void do_read() {
    reader_.emplace(limits());
    if (buffer_.size() > 0) {  // pipelined: the next request has begun
      core_.set_idle(*this, false);
      start_deadlines();
      return parse();
    }
    // Waiting for the first byte of a request: idle, so the connection caps may shed it.
    core_.set_idle(*this, true);
    if (served_ == 0) {
      start_deadlines();  // a new connection's first request runs from now
      tcp().expires_at(head_deadline_);
    } else {
      tcp().expires_after(limits().idle_timeout);
    }
    stream_.async_read_some(buffer_.prepare(kReadChunk), bind(&Session::on_first_bytes));
  }

  void on_first_bytes(error_code ec, size_t n) {
    // end_of_stream / stream_truncated: the client closed between requests (normal);
    // beast::error::timeout: the deadline closed the socket already.
    if (ec) return close();
    buffer_.commit(n);
    core_.set_idle(*this, false);
    if (served_ > 0) start_deadlines();
    parse();
  }

  void parse() {
    for (;;) {
      switch (reader_->parse(buffer_)) {
        case Step::kNeedMore:
          tcp().expires_at(reader_->head_done() ? request_deadline_ : head_deadline_);
          stream_.async_read_some(buffer_.prepare(kReadChunk), bind(&Session::on_more));
          return;
        case Step::kHead: {
          const auto& msg = reader_->message();
          auto expect = msg.find(bhttp::field::expect);
          if (msg.version() >= 11 && expect != msg.end() &&
              iequals(expect->value(), "100-continue")) {
            tcp().expires_after(limits().write_timeout);
            asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                              bind(&Session::on_continue_written));
            return;
          }
          continue;
        }
        case Step::kDone:
          return process();
        case Step::kError:
          return refuse(reader_->error_status());
      }
    }
  }

  void on_more(error_code ec, size_t n) {
    // A close or a deadline mid-request: there is nobody left to answer.
    if (ec) return close();
    buffer_.commit(n);
    parse();
  }

  void on_continue_written(error_code ec, size_t) {
    if (ec) return close();
    request_deadline_ = std::chrono::steady_clock::now() + limits().read_timeout;
    parse();
  }

  // A request RequestParser refused: answered, journaled, and the connection closes.
  void refuse(int status) {
    start_request(/*parsed=*/false);
    respond(refusal_response(status));
  }

  // Fills req_ from the parser; for a refused request, with whatever the parser got so far.
  void start_request(bool parsed) {
    received_ = core_.deps.clock.now();
    req_ = Request();
    fault_id_.clear();
    auto& msg = reader_->message();
    version_ = reader_->answer_version();
    keep_alive_ = parsed && msg.keep_alive();
    head_ = parsed && msg.method() == bhttp::verb::head;
    if (parsed || reader_->head_done()) {
      to_request(std::move(msg), req_);
    } else {
      req_.method.assign(msg.method_string().data(), msg.method_string().size());
      req_.target.assign(msg.target().data(), msg.target().size());
    }
    req_.listener = listener_->config.name;
    req_.tls = kTls;
    req_.sni = sni_;
    if (client_cert_.presented) req_.client_cert = client_cert_;
    req_.request_id = core_.deps.ids.guid();
  }

  void process() {
    start_request(/*parsed=*/true);
    PipelineStep step = run_pipeline(core_.deps, *listener_->config.router, req_);
    fault_id_ = std::move(step.fault_id);
    switch (step.kind) {
      case PipelineStep::Kind::kRespond:
        return respond(std::move(step.response));
      case PipelineStep::Kind::kReset:
        return reset();
      case PipelineStep::Kind::kDelay:
        delay_timer_.expires_after(step.delay);
        delay_timer_.async_wait(bind(&Session::on_delay));
        return;
    }
  }

  void on_delay(error_code ec) {
    if (ec || core_.stopping) return close();
    respond(route(*listener_->config.router, req_));
  }

  void respond(Response resp) {
    if (resp.reset_connection) return reset();
    const bool keep = keep_alive_ && !resp.close && !core_.stopping;
    res_.emplace();
    to_beast_response(resp, version_, keep, head_, core_.http_date(), *res_);
    close_after_write_ = !keep;
    // Recorded before the write so a client that has its answer also finds it in the journal.
    record(res_->result_int(), std::move(resp.headers), res_->body().size());
    tcp().expires_after(limits().write_timeout);
    bhttp::async_write(stream_, *res_, bind(&Session::on_write));
  }

  void record(int status, Headers response_headers, size_t response_bytes) {
    record_exchange(core_.deps.journal, received_, req_, status, std::move(response_headers),
                    response_bytes, fault_id_);
  }

  // A reset fault (or a handler's reset_connection): RST the connection without answering.
  void reset() {
    record(0, Headers(), 0);
    error_code ignored;
    tcp().socket().set_option(asio::socket_base::linger(true, 0), ignored);
    close();
  }

  void on_write(error_code ec, size_t) {
    res_.reset();
    if (ec) return close();
    ++served_;
    if (close_after_write_ || core_.stopping) return do_shutdown();
    do_read();
  }

  // Graceful close after a "Connection: close" answer. Reading until the peer closes (bounded)
  // keeps unread request bytes from turning our FIN into an RST that could eat the answer.
  void do_shutdown() {
    core_.set_idle(*this, true);  // nothing more to serve: sheddable
    tcp().expires_after(std::min<std::chrono::milliseconds>(limits().write_timeout, kMaxLinger));
    if constexpr (kTls) {
      stream_.async_shutdown(bind(&Session::on_shutdown));  // discards data until close_notify
    } else {
      error_code ignored;
      tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      drain();
    }
  }

  void on_shutdown(error_code) { close(); }

  void drain() {
    buffer_.consume(buffer_.size());
    tcp().async_read_some(buffer_.prepare(kReadChunk), bind(&Session::on_drain));
  }

  void on_drain(error_code ec, size_t) {
    if (ec) return close();
    drain();
  }

  ServerCore& core_;
  std::shared_ptr<const ListenerContext> listener_;
  Stream stream_;
  asio::steady_timer delay_timer_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> reader_;
  std::optional<BeastResponse> res_;
  std::list<std::weak_ptr<Connection>>::iterator registry_it_;
  bool registered_ = false;
  // Connection facts.
  ClientVerifyRecord verify_;
  std::string sni_;
  ClientCertInfo client_cert_;
  uint64_t served_ = 0;
  // The request in progress.
  SteadyTime head_deadline_{};
  SteadyTime request_deadline_{};
  Request req_;
  TimePoint received_{};
  std::string fault_id_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  bool close_after_write_ = false;
};

}  // namespace

void start_connection(ServerCore& core, std::shared_ptr<const ListenerContext> listener,
                      tcp::socket socket) {
  if (listener->tls) {
    std::make_shared<Session<TlsStream>>(core, std::move(listener), std::move(socket))->run();
  } else {
    std::make_shared<Session<PlainStream>>(core, std::move(listener), std::move(socket))->run();
  }
}

}  // namespace emu::http::internal
