// What a site operation (a console wizard, the cloud service manager, the token tool) works
// with: the scenario action's context (HTTP to the lab's endpoints, virtual clock), the site
// database, the site-server logs and the lab DNS. Operations run on the action's thread; the
// database may only be touched inside io().
#pragma once

#include "emulator/core/actions.h"
#include "emulator/core/dns_zone.h"
#include "emulator/core/trace_log.h"
#include "emulator/site/cloud_manager/uploaded_certs.h"
#include "emulator/sitedb/site_db.h"

#include <optional>
#include <string>
#include <type_traits>

namespace emu::site {

// Tunables of the emulated site (values no public source gives are inferred here).
struct SiteConfig {
  // Public client the console signs in with (authorization code + PKCE on a loopback redirect).
  // Inferred: the real console's client ID is not documented; the Azure CLI's first-party
  // public client is pre-authorised in every lab tenant for ARM and Graph.
  std::string console_client_id = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
  std::string console_redirect_uri = "http://localhost";
  // Deployment Maintenance retry interval (README Sources [S5]: about every 20 minutes).
  Duration maintenance_retry = std::chrono::minutes(20);
  // How long `wait_for` may advance virtual time before the operation gives up.
  Duration max_wait = std::chrono::hours(4);
  int bias_minutes = 0;  // site-server log time zone (Windows bias); UTC by default
};

// The password of lab users whose step names none (the Entra ID seed's default), and of the lab
// PKI's .pfx files: what an admin types into the console's sign-in and certificate pages.
inline constexpr const char* kLabUserPassword = "P@ssw0rd!";
inline constexpr const char* kLabPfxPassword = "cmgemu";

// Site-server log files (README Sources [S5], [S9], [S10]; format: top-level README [S1]).
inline constexpr const char* kCloudMgrLog = "CloudMgr.log";
inline constexpr const char* kCloudMgrComponent = "SMS_CLOUD_SERVICES_MANAGER";
inline constexpr const char* kDiscoveryLog = "SMS_AZUREAD_DISCOVERY_AGENT.log";
inline constexpr const char* kDiscoveryComponent = "SMS_AZUREAD_DISCOVERY_AGENT";
inline constexpr const char* kProxyConnectorLog = "SMS_CLOUD_PROXYCONNECTOR.log";
inline constexpr const char* kProxyConnectorComponent = "SMS_CLOUD_PROXYCONNECTOR";
inline constexpr const char* kAdminUiLog = "SMSAdminUI.log";  // the console's log
inline constexpr const char* kAdminUiComponent = "SMSAdminUI";

struct SiteEnv {
  ActionContext& ctx;
  sitedb::SiteDb& db;  // only inside io()
  TraceLogs& logs;     // thread-safe
  DnsZone& dns;        // thread-safe
  const SiteConfig& config;
  std::string pki_dir;            // lab PKI folder (the wizard's .pfx files are looked up here)
  UploadedCertificates& uploads;  // CMG certificates the wizard uploaded (thread-safe)

  // Runs `fn` (which may use `db`) on the lab's I/O thread and returns its result.
  template <class F>
  auto io(F&& fn) -> std::invoke_result_t<F&> {
    return on_io(ctx, std::forward<F>(fn));
  }

  // Appends to a site-server log in SMS format; `thread` is the component's thread id.
  void log(const char* log_name, const char* component, const std::string& message,
           TraceSeverity severity = TraceSeverity::kInfo, int thread = 4242) {
    (void)logs.write(log_name, TraceRecord{component, message, severity, thread, ""});
  }
};

}  // namespace emu::site
