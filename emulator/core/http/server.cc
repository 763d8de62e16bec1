// emu::http::Server: listeners (acceptors) on one io_context run by one I/O thread.
#include "emulator/core/http/server.h"

#include "emulator/core/http/session_impl.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <future>
#include <limits>
#include <mutex>
#include <optional>
#include <sys/resource.h>
#include <thread>

namespace emu::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using internal::ListenerContext;
using internal::ServerCore;

constexpr std::chrono::milliseconds kAcceptRetry{50};

// Accepts connections for one listener and hands them to sessions.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(ServerCore& core, asio::io_context& ioc, std::shared_ptr<const ListenerContext> ctx)
      : core_(core), ctx_(std::move(ctx)), acceptor_(ioc), retry_(ioc) {}

  Status bind() {
    const ListenerConfig& c = ctx_->config;
    beast::error_code ec;
    auto address = asio::ip::make_address(c.bind_address, ec);
    if (ec) {
      return InvalidArgument("listener '" + c.name + "': bad bind_address '" + c.bind_address +
                             "'");
    }
    tcp::endpoint endpoint(address, c.port);
    const std::string where = c.bind_address + ":" + std::to_string(c.port);
    if (acceptor_.open(endpoint.protocol(), ec); !ec) {
      acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
      ec.clear();
      if (acceptor_.bind(endpoint, ec); !ec)
        acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      return Unavailable("listener '" + c.name + "': cannot bind " + where + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint(ec).port();
    return Status::Ok();
  }

  uint16_t port() const { return port_; }
  const std::string& name() const { return ctx_->config.name; }
  bool reserved() const { return ctx_->config.reserved; }
  size_t cap() const { return ctx_->config.limits.max_connections; }

  void run() {
    if (stopped_) return;  // removed before its first accept was posted
    core_.pools.push_back(ctx_->pool.get());
    do_accept();
  }
  void stop() {
    stopped_ = true;
    beast::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
  }
  // Server::remove_listener on the I/O thread (or with none running): stops accepting, drops
  // the pool from the caps and aborts this listener's connections.
  void remove() {
    stop();
    std::erase(core_.pools, ctx_->pool.get());
    // Copy first: aborting may complete handlers that unregister connections.
    std::vector<std::shared_ptr<internal::Connection>> mine;
    for (const auto& weak : core_.connections) {
      if (auto c = weak.lock(); c && c->listener_context() == ctx_.get()) mine.push_back(c);
    }
    for (const auto& c : mine) c->abort();
  }

 private:
  void do_accept() {
    acceptor_.async_accept(beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (stopped_ || !acceptor_.is_open() || core_.stopping) return;
    if (ec) {
      // Out of descriptors: shed an idle connection and retry at once; otherwise (nothing
      // idle, or another error) back off briefly instead of spinning, and keep accepting.
      const int e = ec.value();
      const bool no_fds = ec.category() == boost::system::system_category() &&
                          (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM);
      if (no_fds && core_.shed_any()) return do_accept();
      retry_.expires_after(kAcceptRetry);
      retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec) self->do_accept();
      });
      return;
    }
    if (core_.make_room(*ctx_->pool)) {
      internal::start_connection(core_, ctx_, std::move(socket));
    } else {
      ++core_.shed;  // at the cap with nothing idle: refuse the newcomer
      beast::error_code ignored;
      socket.close(ignored);
    }
    do_accept();
  }

  ServerCore& core_;
  std::shared_ptr<const ListenerContext> ctx_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  uint16_t port_ = 0;
  bool stopped_ = false;  // I/O thread (or before the server runs)
};

Status validate(const ListenerConfig& c) {
  if (c.name.empty()) return InvalidArgument("listener name is empty");
  const std::string prefix = "listener '" + c.name + "': ";
  if (c.router == nullptr) return InvalidArgument(prefix + "router is required");
  if (!c.tls && !c.certificates.empty()) {
    return InvalidArgument(prefix + "certificates given for a plain-HTTP listener");
  }
  if (!c.tls && c.client_cert != ClientCertMode::kNone) {
    return InvalidArgument(prefix + "client certificates need tls");
  }
  const Limits& l = c.limits;
  if (l.header_limit == 0 || l.body_limit == 0 || l.header_count_limit == 0 ||
      l.target_limit == 0 || l.max_connections == 0) {
    return InvalidArgument(prefix + "size and count limits must be positive");
  }
  if (l.handshake_timeout.count() <= 0 || l.header_timeout.count() <= 0 ||
      l.read_timeout.count() <= 0 || l.idle_timeout.count() <= 0 || l.write_timeout.count() <= 0) {
    return InvalidArgument(prefix + "timeouts must be positive");
  }
  return Status::Ok();
}

}  // namespace

namespace internal {

bool ServerCore::make_room(ConnectionPool& pool) {
  auto shed_front = [this](Connection* victim) {
    ++shed;
    victim->abort();  // releases its slot now
  };
  if (pool.open >= pool.cap) {
    if (pool.idle.empty()) return false;
    shed_front(pool.idle.front());
  }
  if (!pool.reserved && shared_open >= budget) {
    Connection* victim = nullptr;
    for (ConnectionPool* p : pools) {
      if (p->reserved || p->idle.empty()) continue;
      // Each idle list is in idle order; compare the heads by their place in time.
      if (victim == nullptr || idle_rank(p->idle.front()) < idle_rank(victim)) {
        victim = p->idle.front();
      }
    }
    if (victim == nullptr) return false;
    shed_front(victim);
  }
  return true;
}

bool ServerCore::shed_any() {
  Connection* victim = nullptr;
  for (bool reserved_too : {false, true}) {
    for (ConnectionPool* p : pools) {
      if ((p->reserved && !reserved_too) || p->idle.empty()) continue;
      if (victim == nullptr || idle_rank(p->idle.front()) < idle_rank(victim)) {
        victim = p->idle.front();
      }
    }
    if (victim != nullptr) break;
  }
  if (victim == nullptr) return false;
  ++shed;
  victim->abort();
  return true;
}

void ServerCore::admit(Connection& c, ConnectionPool& pool) {
  c.pool_ = &pool;
  ++pool.open;
  if (!pool.reserved) ++shared_open;
  ++open;
  set_idle(c, true);
}

void ServerCore::set_idle(Connection& c, bool idle) {
  if (c.pool_ == nullptr) return;
  if (c.idle_) c.pool_->idle.erase(c.idle_it_);
  c.idle_ = idle;
  if (idle) {
    c.idle_it_ = c.pool_->idle.insert(c.pool_->idle.end(), &c);
    c.idle_rank_ = ++idle_clock;
  }
}

void ServerCore::release(Connection& c) {
  if (c.pool_ == nullptr) return;
  set_idle(c, false);
  --c.pool_->open;
  if (!c.pool_->reserved) --shared_open;
  --open;
  c.pool_ = nullptr;
}

}  // namespace internal

size_t connection_budget(uint64_t fd_limit, size_t reserved_caps) {
  constexpr size_t kMinimum = 16;
  const uint64_t taken = uint64_t{kFdReserve} + reserved_caps;
  if (fd_limit <= taken + kMinimum) return kMinimum;
  const uint64_t budget = fd_limit - taken;
  return budget > std::numeric_limits<size_t>::max() ? std::numeric_limits<size_t>::max()
                                                     : static_cast<size_t>(budget);
}

struct Server::Impl {
  Impl(ServerDeps deps, ServerOptions opts) : core(deps), options(opts) {}

  ServerCore core;  // declared first: outlives the io_context and every session
  asio::io_context ioc{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  ServerOptions options;
  std::atomic<size_t> budget{0};
  mutable std::mutex mu;  // guards listeners, started, running
  std::vector<std::shared_ptr<Listener>> listeners;
  bool started = false;
  bool running = false;
  std::thread thread;
  std::atomic<std::thread::id> io_thread_id{};
};

Server::Server(ServerDeps deps, ServerOptions options)
    : impl_(std::make_unique<Impl>(deps, options)) {}

Server::~Server() {
  stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  // Sessions still referenced by queued handlers are destroyed with the io_context, before
  // `core` (member order), so their destructors can unregister safely.
}

Status Server::add_listener(ListenerConfig config) {
  EMU_RETURN_IF_ERROR(validate(config));
  auto ctx = std::make_shared<ListenerContext>();
  ctx->pool->cap = config.limits.max_connections;
  ctx->pool->reserved = config.reserved;
  if (config.tls) {
    EMU_ASSIGN_OR_RETURN(ctx->tls, internal::TlsContexts::create(config));
  }
  ctx->config = std::move(config);
  std::lock_guard lock(impl_->mu);
  for (const auto& l : impl_->listeners) {
    if (l->name() == ctx->config.name) {
      return AlreadyExists("listener '" + ctx->config.name + "' already exists");
    }
  }
  if (impl_->started && !impl_->running) {
    return FailedPrecondition("server is stopped");
  }
  auto listener = std::make_shared<Listener>(impl_->core, impl_->ioc, std::move(ctx));
  EMU_RETURN_IF_ERROR(listener->bind());
  impl_->listeners.push_back(listener);
  if (impl_->running) asio::post(impl_->ioc, [listener] { listener->run(); });
  return Status::Ok();
}

Status Server::remove_listener(const std::string& name) {
  std::shared_ptr<Listener> victim;
  std::promise<void> done;
  std::future<void> removed;
  {
    std::lock_guard lock(impl_->mu);
    auto it = std::find_if(impl_->listeners.begin(), impl_->listeners.end(),
                           [&](const auto& l) { return l->name() == name; });
    if (it == impl_->listeners.end()) return NotFound("no listener '" + name + "'");
    victim = *it;
    impl_->listeners.erase(it);
    if (impl_->running && std::this_thread::get_id() != impl_->io_thread_id.load()) {
      // Posted under the lock, as in run_on_io: the I/O thread runs it before it exits.
      removed = done.get_future();
      asio::post(impl_->ioc, [victim, &done] {
        try {
          victim->remove();
          done.set_value();
        } catch (...) {
          done.set_exception(std::current_exception());
        }
      });
    }
  }
  if (removed.valid()) {
    removed.get();
  } else {
    victim->remove();  // on the I/O thread, or no I/O thread runs
  }
  return Status::Ok();
}

uint16_t Server::port(const std::string& name) const {
  std::lock_guard lock(impl_->mu);
  for (const auto& l : impl_->listeners) {
    if (l->name() == name) return l->port();
  }
  return 0;
}

Status Server::start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->started) return FailedPrecondition("server already started");
  impl_->started = true;
  impl_->running = true;
  size_t budget = impl_->options.max_connections;
  if (budget == 0) {
    size_t reserved_caps = 0;
    for (const auto& l : impl_->listeners) {
      if (l->reserved()) reserved_caps += l->cap();
    }
    rlimit fds{};
    const uint64_t limit = getrlimit(RLIMIT_NOFILE, &fds) == 0 && fds.rlim_cur != RLIM_INFINITY
                               ? static_cast<uint64_t>(fds.rlim_cur)
                               : uint64_t{1} << 20;
    budget = ::emu::http::connection_budget(limit, reserved_caps);
  }
  impl_->core.budget = budget;  // before the I/O thread starts
  impl_->budget = budget;
  impl_->work.emplace(impl_->ioc.get_executor());
  for (const auto& l : impl_->listeners) asio::post(impl_->ioc, [l] { l->run(); });
  try {
    impl_->thread = std::thread([impl = impl_.get()] {
      impl->io_thread_id = std::this_thread::get_id();
      for (;;) {
        try {
          impl->ioc.run();
          break;
        } catch (...) {
          // A handler threw (it should not): keep serving the other connections.
        }
      }
    });
  } catch (const std::system_error& e) {
    impl_->running = false;
    impl_->work.reset();
    return Internal(std::string("cannot start the I/O thread: ") + e.what());
  }
  return Status::Ok();
}

void Server::stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->running) return;
    impl_->running = false;
  }
  asio::post(impl_->ioc, [impl = impl_.get()] {
    impl->core.stopping = true;
    for (const auto& l : impl->listeners) l->stop();
    // Copy first: aborting may complete handlers that unregister connections.
    std::vector<std::shared_ptr<internal::Connection>> live;
    for (const auto& weak : impl->core.connections) {
      if (auto c = weak.lock()) live.push_back(std::move(c));
    }
    for (const auto& c : live) c->abort();
  });
  impl_->work.reset();
  // From a handler (the I/O thread itself) the thread cannot join itself; it ends once the
  // closures above have run, and ~Server joins it.
  if (std::this_thread::get_id() == impl_->io_thread_id.load()) return;
  if (impl_->thread.joinable()) impl_->thread.join();
}

void Server::run_on_io(const std::function<void()>& fn) {
  std::promise<void> done;
  std::future<void> result = done.get_future();
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->running && std::this_thread::get_id() != impl_->io_thread_id.load()) {
      // Posted under the lock: stop() cannot drop the work guard before this is queued, and
      // the I/O thread runs every queued handler before it exits.
      asio::post(impl_->ioc, [&fn, &done] {
        try {
          fn();
          done.set_value();
        } catch (...) {
          done.set_exception(std::current_exception());
        }
      });
    } else {
      result = {};
    }
  }
  if (!result.valid()) return fn();
  result.get();  // rethrows what `fn` threw, on the caller's thread
}

size_t Server::open_connections() const { return impl_->core.open.load(); }
size_t Server::shed_connections() const { return impl_->core.shed.load(); }
size_t Server::connection_budget() const { return impl_->budget.load(); }

}  // namespace emu::http
