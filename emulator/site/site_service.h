// The ConfigMgr site server as the Lab sees it: the site database CM_<SiteCode>, the
// site-server logs, the token-signing certificate and the site.* scenario actions (console
// wizards, role properties, the cloud service manager, BulkRegistrationTokenTool.exe, read-only
// SQL). It has no listener of its own yet: clients reach the MP through the CMG (next party).
// Seeded from the "site" key of a scenario's lab section (emulator/site/README.md).
#pragma once

#include "emulator/core/service.h"
#include "emulator/core/dns_zone.h"

#include <memory>
#include <string>

namespace emu::site {

class SiteService : public Service {
 public:
  // Opens an existing CM_<code> database of a persistent state folder (there is at most one);
  // otherwise the database is created when a lab section seeds the site. `dns` (the lab DNS
  // zone) must outlive the service.
  static Result<std::unique_ptr<SiteService>> create(const ServiceContext& ctx, DnsZone& dns);
  ~SiteService() override;

  std::string name() const override { return "site"; }
  std::vector<ListenerSpec> listeners() override { return {}; }
  void register_actions(ActionRegistry& registry) override;
  Status reset() override;
  // Seeds "site" of a lab section: site code, server, version, roles, communication mode.
  Status seed(const nlohmann::json& lab) override;
  // What the last seed created: {"code","server","roles":[{"role","server","id"}]} or null.
  const nlohmann::json& last_seed() const;

 private:
  SiteService();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Declares the site.* actions (names, arguments, load-time checks; no implementation) for the
// scenario loader, which checks files before any lab exists.
void declare_site_actions(ActionRegistry& registry);

}  // namespace emu::site
