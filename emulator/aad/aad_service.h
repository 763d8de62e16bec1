// The Entra ID (Azure AD) party as the Lab sees it: owns the directory database, the signing
// keys, the token service and Graph routers, the token validator other parties use, and the
// aad.* scenario actions.
#pragma once

#include <memory>

#include "emulator/aad/token_validator.h"
#include "emulator/app/service.h"

namespace emu::aad {

class AadService : public app::Service {
 public:
  // Opens the "aad" database from ctx.state, the signing keys (first ones from the PKI folder),
  // and builds the routers.
  static Result<std::unique_ptr<AadService>> create(const app::ServiceContext& ctx);
  ~AadService() override;

  // The validator for other parties (ARM, CMG, MP). Lives as long as the service.
  const TokenValidator& validator() const;

  // app::Service
  std::string name() const override { return "aad"; }
  std::vector<app::ListenerSpec> listeners() override;  // "aad" and "graph"
  void register_actions(ActionRegistry& registry) override;
  Status reset() override;

 private:
  AadService();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace emu::aad
