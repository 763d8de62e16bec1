// The CMG service (the Azure-side proxy of a cloud management gateway) as a Lab party: one TLS
// listener per Ready CMG on its service name (SNI + Host), pre-authentication of every request
// as the real CMG does (client certificate on CCM_Proxy_MutualAuth, token on
// CCM_Proxy_ServerAuth, published URL mappings, content-length limits), the special paths
// AADAuthInfo and ServiceMetadata, CMGService.log, and forwarding through a connected
// connection point's channel. Driven by the site through cmg_api.h. See emulator/cmg/README.md.
#pragma once

#include "emulator/aad/public/token_validator.h"
#include "emulator/cmg/cmg_api.h"
#include "emulator/core/service.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace emu::cmg {

struct CmgDeps {
  const aad::TokenValidator* aad = nullptr;  // Entra ID tokens (CCM_STS, registration)
};

// Tunables; the values no public source gives are inferred.
struct CmgConfig {
  // Content-length limit of an endpoint whose mapping gives none (inferred).
  size_t max_request_bytes = 4 * 1024 * 1024;
  // Answer to AADAuthInfo for a tenant that is not onboarded or is disabled (inferred: the
  // sources only say it is refused).
  int unknown_tenant_status = 403;
  std::string unknown_tenant_reason = "CMGConnector_Forbidden";
};

class CmgService : public Service, public CmgControl {
 public:
  // ctx.listeners is required (the CMG's listeners open and close with its state).
  static Result<std::unique_ptr<CmgService>> create(const ServiceContext& ctx, CmgDeps deps);
  ~CmgService() override;

  std::string name() const override { return "cmg"; }
  std::vector<ListenerSpec> listeners() override { return {}; }  // dynamic: ListenerHost
  void register_actions(ActionRegistry& registry) override;
  Status reset() override;

  Status deployment_ready(const Deployment& deployment) override;
  void deployment_down(const std::string& service_name) override;
  Status connect(const std::string& service_name, const std::string& cp_server,
                 Channel* channel) override;
  void disconnect(const std::string& service_name, const std::string& cp_server) override;
  Status publish(const std::string& service_name, const Publication& publication) override;

  // Everything below runs on the I/O thread.
  void set_config(const CmgConfig& config);
  // CMGService.log records still in memory (SMS format), oldest first.
  std::vector<std::string> log_lines() const;
  // The cmg.state action's output: ready, open, listener, publication, channels, requests.
  nlohmann::json state(const std::string& service_name) const;
  // Writes the request summary of the current period to CMGService.log now (all CMGs when
  // `service_name` is empty) and returns the lines.
  std::vector<std::string> flush_stats(const std::string& service_name);

 private:
  CmgService();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Declares the cmg.* actions for the scenario loader (names, arguments, load-time checks).
void declare_cmg_actions(ActionRegistry& registry);

}  // namespace emu::cmg
