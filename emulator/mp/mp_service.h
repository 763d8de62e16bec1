// The management point as a Lab party: its IIS applications on the MP's intranet name
// (SMS_MP/.sms_aut and .sms_pol, CCM_System[_TokenAuth]/request with CcmMessaging,
// CCM_STS, CCM_Client), reachable directly on its own listener and, through the CMG connection
// point, over the Lab's Intranet. Registration writes the client into the site database; the
// MP's logs (CCM format) go to "<logs>/mp/". See emulator/mp/README.md.
#pragma once

#include "emulator/aad/public/token_validator.h"
#include "emulator/core/service.h"
#include "emulator/site/tokens/signing_certs.h"
#include "emulator/sitedb/site_db.h"

#include <functional>
#include <memory>

namespace emu::mp {

struct MpDeps {
  const aad::TokenValidator* aad = nullptr;  // Entra ID device/user tokens at CCM_STS
  // The site database (nullptr until the site is seeded); used on the I/O thread only.
  std::function<sitedb::SiteDb*()> site_db;
  // The site's SMS Token Signing Certificate: signs CCM tokens and verifies bulk tokens.
  std::function<Result<std::shared_ptr<const site::SiteSigningCert>>()> token_signer;
};

class MpService : public Service {
 public:
  static Result<std::unique_ptr<MpService>> create(const ServiceContext& ctx, MpDeps deps);
  ~MpService() override;

  std::string name() const override { return "mp"; }
  // "mp": plain HTTP (Enhanced HTTP site), host = the MP's intranet name.
  std::vector<ListenerSpec> listeners() override;
  void register_actions(ActionRegistry& registry) override;
  Status reset() override;
  // Reads lab.site (server, roles.management_point.server) and serves those names on the
  // Intranet.
  Status seed(const nlohmann::json& lab) override;

 private:
  MpService();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Declares the mp.* actions for the scenario loader.
void declare_mp_actions(ActionRegistry& registry);

}  // namespace emu::mp
