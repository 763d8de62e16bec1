// The Azure Resource Manager party as the Lab sees it: the "arm" listener
// (management.azure.com), its database, and the arm.* scenario actions. Requests are checked
// as ARM does (api-version, bearer token from the Entra ID emulator, RBAC, provider
// registration) before the handlers for subscriptions, providers, resource groups, resources,
// deployments, role assignments and long-running operations run.
#pragma once

#include "emulator/core/service.h"

#include <functional>
#include <memory>
#include <string>

namespace emu::aad {
class TokenValidator;
class PrincipalLookup;
}  // namespace emu::aad

namespace emu::arm {

// What ARM uses of the other parties (core interfaces only). References outlive the service.
struct ArmDeps {
  const aad::TokenValidator& validator;
  const aad::PrincipalLookup& principals;
  // Base URL ("https://127.0.0.1:41234") of a lab listener ("aad", "graph"), or "" when it is
  // not listening (yet): the metadata endpoints point clients at the lab's own parties.
  std::function<std::string(const std::string& listener)> endpoint_url;
};

class ArmService : public Service {
 public:
  // Opens the "arm" database from ctx.state and builds the router.
  static Result<std::unique_ptr<ArmService>> create(const ServiceContext& ctx, ArmDeps deps);
  ~ArmService() override;

  std::string name() const override { return "arm"; }
  std::vector<ListenerSpec> listeners() override;  // "arm" (management.azure.com)
  void register_actions(ActionRegistry& registry) override;
  Status reset() override;
  // Seeds "subscription"/"subscriptions" of a lab section (see emulator/arm/README.md).
  Status seed(const nlohmann::json& lab) override;
  // What the last seed created: {"subscriptions":[{"id","name","tenant_id"}]}.
  const nlohmann::json& last_seed() const;

 private:
  ArmService();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Adds every arm.* action with summary and argument checks but no implementation (pending),
// skipping names `registry` already has. For the scenario loader, which checks files before
// any lab exists.
void declare_arm_actions(ActionRegistry& registry);

}  // namespace emu::arm
