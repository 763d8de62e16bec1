// The Lab's Intranet (core/service.h): delivers a site system's request to the party that
// serves an internal host name, in-process, through that listener's fault plan, router and
// journal (http::dispatch_in_process). Internal to emulator/app.
#pragma once

#include "emulator/core/http/server.h"
#include "emulator/core/service.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace emu::app {

// send() fills the request as the Server would for a connection to that listener: listener,
// host (lower case), the Host header (= host), tls, sni (= host when tls), path and query from
// req.target ("" = "/"), a fresh request_id from the lab's IdSource; req.client_cert is what
// the sender presents and is passed as given. A listener's TLS setting is not checked against
// `tls` (the sender's view of the URL is what the handler sees). A delay fault is not waited
// for (see http::dispatch_in_process). Errors: Unavailable("<host>: no such host") when no
// listener serves it, Unavailable("<host>: connection refused") when that listener is not
// open (a closed dynamic listener), Unavailable("<host>: connection reset") for a reset fault.
class LabIntranet final : public Intranet {
 public:
  // `router_of(listener)` is the router of an open listener, or nullptr.
  LabIntranet(http::ServerDeps deps,
              std::function<const http::Router*(const std::string&)> router_of);

  void serve(const std::string& host, const std::string& listener) override;
  void forget(const std::string& host) override;
  Result<http::Response> send(const std::string& host, bool tls, http::Request& req) override;

  // Forgets every host (Lab::reset).
  void clear();
  // host -> listener, for tests and the admin view.
  std::map<std::string, std::string> hosts() const;

 private:
  http::ServerDeps deps_;
  std::function<const http::Router*(const std::string&)> router_of_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> hosts_;  // normalized host -> listener; guarded by mu_
};

}  // namespace emu::app
