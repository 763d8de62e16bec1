#include "emulator/app/intranet.h"

#include "emulator/core/dns_zone.h"

#include <utility>

namespace emu::app {

LabIntranet::LabIntranet(http::ServerDeps deps,
                         std::function<const http::Router*(const std::string&)> router_of)
    : deps_(deps), router_of_(std::move(router_of)) {}

void LabIntranet::serve(const std::string& host, const std::string& listener) {
  std::lock_guard lock(mu_);
  hosts_[dns_normalize(host)] = listener;
}

void LabIntranet::forget(const std::string& host) {
  std::lock_guard lock(mu_);
  hosts_.erase(dns_normalize(host));
}

void LabIntranet::clear() {
  std::lock_guard lock(mu_);
  hosts_.clear();
}

std::map<std::string, std::string> LabIntranet::hosts() const {
  std::lock_guard lock(mu_);
  return hosts_;
}

Result<http::Response> LabIntranet::send(const std::string& host, bool tls, http::Request& req) {
  const std::string name = dns_normalize(host);
  std::string listener;
  {
    std::lock_guard lock(mu_);
    auto it = hosts_.find(name);
    if (it == hosts_.end()) return Unavailable(name + ": no such host");
    listener = it->second;
  }
  const http::Router* router = router_of_(listener);
  if (router == nullptr) return Unavailable(name + ": connection refused");
  if (req.target.empty()) req.target = "/";
  const size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  req.query_string = q == std::string::npos ? std::string() : req.target.substr(q + 1);
  req.query = http::parse_form(req.query_string);
  req.params.clear();
  req.headers.set("Host", name);
  req.listener = listener;
  req.host = name;
  req.tls = tls;
  req.sni = tls ? name : std::string();
  req.request_id = deps_.ids.guid();
  auto response = http::dispatch_in_process(deps_, *router, req);
  if (!response.ok()) return Unavailable(name + ": connection reset");
  return response;
}

}  // namespace emu::app
