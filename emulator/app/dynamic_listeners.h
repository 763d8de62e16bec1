// The Lab's ListenerHost (core/service.h): listeners parties open and close while the lab runs
// (a Ready CMG's service name), bound on the lab's Server. Internal to emulator/app.
#pragma once

#include "emulator/app/lab.h"
#include "emulator/core/http/server.h"
#include "emulator/core/service.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace emu::app {

// Ports: a listener keeps the port it had across close/open (for the Lab's lifetime); the
// first time, LabOptions::ports[name] pins it, else "cmg" pins the first CMG listener
// (a name starting "cmg-"), else a free port. A listener opened while no Server is attached
// (before Lab::start, after Lab::stop) is remembered and bound at the next attach().
// Thread-safe; close() from a thread other than the I/O thread waits for the I/O thread.
class DynamicListeners final : public ListenerHost {
 public:
  DynamicListeners(std::string bind_address, std::map<std::string, uint16_t> pinned,
                   http::Limits limits);

  Status open(const DynamicListenerSpec& spec) override;
  void close(const std::string& name) override;
  bool is_open(const std::string& name) const override;

  // Binds every open listener on `server` (Lab::start, before server.start()). The first
  // error (a port that cannot be bound, a name a static listener has) stops it.
  Status attach(http::Server& server);
  // The Server stops: open listeners stay open and bind again at the next attach().
  void detach();
  // The open listeners that have a port, in the order they were opened.
  std::vector<Endpoint> endpoints() const;
  // The router of open listener `name`, or nullptr.
  const http::Router* router(const std::string& name) const;

 private:
  struct Entry {
    DynamicListenerSpec spec;
    uint16_t port = 0;  // bound port; 0 until bound
  };
  uint16_t port_for(const std::string& name);  // REQUIRES: mu_ held
  http::ListenerConfig config(const Entry& e, uint16_t port) const;
  Status bind(Entry& e);  // REQUIRES: mu_ held, server_ set

  const std::string bind_address_;
  const std::map<std::string, uint16_t> pinned_;
  const http::Limits limits_;
  mutable std::mutex mu_;
  http::Server* server_ = nullptr;             // guarded by mu_
  std::vector<Entry> open_;                    // guarded by mu_
  std::map<std::string, uint16_t> last_port_;  // guarded by mu_
  std::string cmg_pin_owner_;                  // guarded by mu_: who took ports["cmg"]
};

}  // namespace emu::app
