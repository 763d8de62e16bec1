// Service: the contract between one emulated party (aad, arm, site, cmg, ...) and the Lab
// (emulator/app), the one place that composes parties. A service owns its routers, its state
// (its own database from the StateDir) and its scenario actions; the Lab binds its listeners
// and routes every request of theirs through the shared pipeline.
#pragma once

#include "emulator/core/actions.h"
#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"
#include "emulator/core/http/router.h"
#include "emulator/core/http/server.h"
#include "emulator/core/ids.h"
#include "emulator/core/status.h"
#include "emulator/core/store/database.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace emu::pki {
struct LabPki;
}

namespace emu {

// A listener a party opens and closes while the lab runs (the CMG's service name answers only
// while the CMG is Ready). TLS always.
struct DynamicListenerSpec {
  std::string name;  // endpoint, journal and fault key, e.g. "cmg-cmg.contoso.com"
  std::string host;  // real-world name clients send as SNI/Host, e.g. "cmg.contoso.com"
  http::SniCertificate certificate;  // what the listener presents (chain and key, PEM)
  http::ClientCertMode client_cert = http::ClientCertMode::kOptional;
  std::string client_ca_pem;   // roots client certificates are verified against
  std::string client_crl_pem;  // "" = no revocation check
  const http::Router* router = nullptr;  // owned by the service; outlives the listener
};

// Opens and closes DynamicListenerSpec listeners. Implemented by the Lab; thread-safe (parties
// call it on the I/O thread). A listener opened before the lab starts opens with the lab.
class ListenerHost {
 public:
  virtual ~ListenerHost() = default;
  // Opens `spec.name` (re-binding the port it had when it was open before, or a port pinned by
  // LabOptions::ports, else a free one) and lists it in the lab's endpoints. AlreadyExists if
  // it is open; InvalidArgument for a bad spec; Unavailable if the port cannot be bound.
  virtual Status open(const DynamicListenerSpec& spec) = 0;
  // Closes `name`: its port refuses connections and its open connections are dropped; it
  // leaves the endpoints. No-op when it is not open.
  virtual void close(const std::string& name) = 0;
  virtual bool is_open(const std::string& name) const = 0;
};

// The site's intranet as a site system sees it: delivers a request to the party that serves an
// internal host name (the MP on "cm01.contoso.com"), in-process, through that listener's fault
// plan, router and journal, as if it had come over its socket. Implemented by the Lab;
// call on the I/O thread.
class Intranet {
 public:
  virtual ~Intranet() = default;
  // `host` (case-insensitive) is now served by listener `listener` (e.g. "mp").
  virtual void serve(const std::string& host, const std::string& listener) = 0;
  virtual void forget(const std::string& host) = 0;
  // Sends `req` (method, target, headers, body; `req.host` is set to `host`, `req.tls` to
  // `tls`, `req.client_cert` is what the sender presents) to the party serving `host`.
  // Unavailable("<host>: no such host") when nobody serves it; a fault that resets the
  // connection is Unavailable("<host>: connection reset").
  virtual Result<http::Response> send(const std::string& host, bool tls, http::Request& req) = 0;
};

// What a service may use; every reference outlives the service.
struct ServiceContext {
  Clock& clock;
  IdSource& ids;
  const store::StateDir& state;
  const pki::LabPki& pki;
  // Folder for the party's own log files (e.g. "<logs_dir>/site/CloudMgr.log"); "" = keep logs
  // in memory only.
  std::string logs_dir;
  // Dynamic listeners and the intranet (null in unit tests that need neither).
  ListenerHost* listeners = nullptr;
  Intranet* intranet = nullptr;
};

// One listener a service asks for. `host` is the real-world name clients use (SNI/Host);
// the Lab picks the lab certificate that carries it.
struct ListenerSpec {
  std::string name;
  std::string host;
  bool tls = true;
  http::ClientCertMode client_cert = http::ClientCertMode::kNone;
  const http::Router* router = nullptr;  // owned by the service
};

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string name() const = 0;
  virtual std::vector<ListenerSpec> listeners() = 0;
  // Adds (or replaces planned) actions. Called once, before any scenario step runs.
  virtual void register_actions(ActionRegistry& registry) = 0;
  // Back to the initial lab state. Runs on the I/O thread.
  virtual Status reset() = 0;
  // Applies the service's parts of a scenario's "lab" section (initial state). Runs on the I/O
  // thread after reset(); InvalidArgument naming the bad key for a malformed section.
  virtual Status seed(const nlohmann::json& lab) {
    (void)lab;
    return Status::Ok();
  }
};

}  // namespace emu
