// The ConfigMgr site server as the Lab sees it: the site database CM_<SiteCode>, the
// site-server logs, the token-signing certificate and the site.* scenario actions (console
// wizards, role properties, the cloud service manager, BulkRegistrationTokenTool.exe, read-only
// SQL) and the CMG connection point. It has no listener of its own: clients reach the MP party,
// directly or through the CMG, whose channel the connection point holds.
// Seeded from the "site" key of a scenario's lab section (emulator/site/README.md).
#pragma once

#include "emulator/cmg/cmg_api.h"
#include "emulator/core/dns_zone.h"
#include "emulator/core/service.h"
#include "emulator/site/tokens/signing_certs.h"
#include "emulator/sitedb/site_db.h"

#include <memory>
#include <string>

namespace emu::site {

class SiteService : public Service {
 public:
  // Opens an existing CM_<code> database of a persistent state folder (there is at most one);
  // otherwise the database is created when a lab section seeds the site. `dns` (the lab DNS
  // zone) must outlive the service.
  // `cmg` (may be null in tests) is the CMG service the cloud service manager and the CMG
  // connection point drive; it must outlive the site. ctx.intranet carries the connection
  // point's forwarded requests to the internal roles.
  static Result<std::unique_ptr<SiteService>> create(const ServiceContext& ctx, DnsZone& dns,
                                                     cmg::CmgControl* cmg = nullptr);
  ~SiteService() override;

  std::string name() const override { return "site"; }
  std::vector<ListenerSpec> listeners() override { return {}; }
  void register_actions(ActionRegistry& registry) override;
  Status reset() override;
  // Seeds "site" of a lab section: site code, server, version, roles, communication mode.
  Status seed(const nlohmann::json& lab) override;
  // What the last seed created: {"code","server","roles":[{"role","server","id"}]} or null.
  const nlohmann::json& last_seed() const;
  // The site database (nullptr before a seed created it). I/O thread only.
  sitedb::SiteDb* database();
  // The SMS Token Signing Certificate (created on first use). I/O thread only.
  Result<std::shared_ptr<const SiteSigningCert>> token_signer();

 private:
  SiteService();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Declares the site.* actions (names, arguments, load-time checks; no implementation) for the
// scenario loader, which checks files before any lab exists.
void declare_site_actions(ActionRegistry& registry);

}  // namespace emu::site
