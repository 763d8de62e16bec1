#include "emulator/app/dynamic_listeners.h"

#include <algorithm>
#include <utility>

namespace emu::app {
namespace {

constexpr std::string_view kCmgPrefix = "cmg-";
constexpr const char* kCmgPin = "cmg";

}  // namespace

DynamicListeners::DynamicListeners(std::string bind_address, std::map<std::string, uint16_t> pinned,
                                   http::Limits limits)
    : bind_address_(std::move(bind_address)), pinned_(std::move(pinned)), limits_(limits) {}

uint16_t DynamicListeners::port_for(const std::string& name) {
  if (auto it = last_port_.find(name); it != last_port_.end()) return it->second;
  if (auto it = pinned_.find(name); it != pinned_.end()) return it->second;
  if (name.rfind(kCmgPrefix, 0) == 0 && (cmg_pin_owner_.empty() || cmg_pin_owner_ == name)) {
    if (auto it = pinned_.find(kCmgPin); it != pinned_.end()) {
      cmg_pin_owner_ = name;
      return it->second;
    }
  }
  return 0;
}

http::ListenerConfig DynamicListeners::config(const Entry& e, uint16_t port) const {
  http::ListenerConfig c;
  c.name = e.spec.name;
  c.bind_address = bind_address_;
  c.port = port;
  c.tls = true;
  http::SniCertificate cert = e.spec.certificate;
  if (cert.host_names.empty()) cert.host_names.push_back(e.spec.host);
  c.certificates.push_back(std::move(cert));
  c.client_cert = e.spec.client_cert;
  c.client_ca_pem = e.spec.client_ca_pem;
  c.client_crl_pem = e.spec.client_crl_pem;
  c.router = e.spec.router;
  c.limits = limits_;
  return c;
}

Status DynamicListeners::bind(Entry& e) {
  EMU_RETURN_IF_ERROR(server_->add_listener(config(e, port_for(e.spec.name))));
  e.port = server_->port(e.spec.name);
  last_port_[e.spec.name] = e.port;
  return Status::Ok();
}

Status DynamicListeners::open(const DynamicListenerSpec& spec) {
  const std::string what = "dynamic listener '" + spec.name + "'";
  if (spec.name.empty()) return InvalidArgument("dynamic listener name is empty");
  if (spec.host.empty()) return InvalidArgument(what + ": host is empty");
  if (spec.router == nullptr) return InvalidArgument(what + ": router is required");
  if (spec.certificate.cert_chain_pem.empty() || spec.certificate.key_pem.empty())
    return InvalidArgument(what + ": certificate chain and key are required");
  if (spec.client_cert == http::ClientCertMode::kRequired && spec.client_ca_pem.empty())
    return InvalidArgument(what + ": required client certificates need a client CA");
  std::lock_guard lock(mu_);
  if (std::any_of(open_.begin(), open_.end(),
                  [&](const Entry& e) { return e.spec.name == spec.name; }))
    return AlreadyExists(what + " is open");
  Entry e{spec, 0};
  if (server_ != nullptr) EMU_RETURN_IF_ERROR(bind(e));
  open_.push_back(std::move(e));
  return Status::Ok();
}

void DynamicListeners::close(const std::string& name) {
  http::Server* server = nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = std::find_if(open_.begin(), open_.end(),
                           [&](const Entry& e) { return e.spec.name == name; });
    if (it == open_.end()) return;
    open_.erase(it);
    server = server_;
  }
  // Outside the lock: from another thread this waits for the I/O thread, which may be asking
  // for the endpoints.
  if (server != nullptr) (void)server->remove_listener(name);
}

bool DynamicListeners::is_open(const std::string& name) const {
  std::lock_guard lock(mu_);
  return std::any_of(open_.begin(), open_.end(),
                     [&](const Entry& e) { return e.spec.name == name; });
}

Status DynamicListeners::attach(http::Server& server) {
  std::lock_guard lock(mu_);
  server_ = &server;
  for (Entry& e : open_) EMU_RETURN_IF_ERROR(bind(e));
  return Status::Ok();
}

void DynamicListeners::detach() {
  std::lock_guard lock(mu_);
  server_ = nullptr;
}

std::vector<Endpoint> DynamicListeners::endpoints() const {
  std::lock_guard lock(mu_);
  std::vector<Endpoint> out;
  for (const Entry& e : open_) {
    if (e.port != 0) out.push_back({e.spec.name, "https", e.spec.host, bind_address_, e.port});
  }
  return out;
}

const http::Router* DynamicListeners::router(const std::string& name) const {
  std::lock_guard lock(mu_);
  for (const Entry& e : open_)
    if (e.spec.name == name) return e.spec.router;
  return nullptr;
}

}  // namespace emu::app
