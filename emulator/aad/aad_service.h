// The Entra ID (Azure AD) party as the Lab sees it: owns the directory database, the signing
// keys, the token service and Graph routers, the token validator other parties use, and the
// aad.* scenario actions.
#pragma once

#include "emulator/aad/public/devices.h"
#include "emulator/aad/public/principals.h"
#include "emulator/aad/public/token_validator.h"
#include "emulator/core/service.h"

#include <nlohmann/json.hpp>

#include <memory>

namespace emu::aad {

class AadService : public Service {
 public:
  // Opens the "aad" database from ctx.state, the signing keys (first ones from the PKI folder),
  // and builds the routers.
  static Result<std::unique_ptr<AadService>> create(const ServiceContext& ctx);
  ~AadService() override;

  // The validator for other parties (ARM, CMG, MP). Lives as long as the service.
  const TokenValidator& validator() const;
  // Directory lookups by name for other parties' seeding (I/O thread). Lives as long as the
  // service.
  const PrincipalLookup& principals() const;
  // Registers a device (public/devices.h; tenant "" = the lab's only one): NotFound for an
  // unknown tenant or user, FailedPrecondition for no tenant named among several, AlreadyExists
  // for a certificate another device holds, InvalidArgument for a bad one. I/O thread.
  Result<JoinedDevice> join_device(const DeviceJoinRequest& request);

  // Service
  std::string name() const override { return "aad"; }
  std::vector<ListenerSpec> listeners() override;  // "aad" and "graph"
  void register_actions(ActionRegistry& registry) override;
  Status reset() override;  // Directory::clear(); the signing keys stay
  // Seeds the "tenant"/"tenants" parts of a lab section (see seed.h; other keys are ignored).
  // InvalidArgument naming the JSON path for a malformed section. Runs on the I/O thread.
  Status seed(const nlohmann::json& lab) override;

  // What the last successful seed() created (seed_lab's summary: tenants with their users and
  // applications); {"tenants":[]} before any. Read it on the thread that ran seed() or after.
  const nlohmann::json& last_seed() const;

 private:
  AadService();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Adds every aad.* action with its summary, arguments and load-time argument check but no
// implementation (steps using them would be pending), skipping names `registry` already has.
// For the scenario loader, which checks files before any lab exists.
void declare_aad_actions(ActionRegistry& registry);

}  // namespace emu::aad
