// The console's CMG connection analyzer (Administration > Cloud Services > Cloud Management
// Gateway > Connection analyzer, added in 1806; README Sources [S13], [S18]): signs in as an Azure
// AD user or takes a PKI client certificate, then runs its checks, each a real request through the
// CMG's endpoint (TLS, SNI = the service name) or a read of the site's state, and writes the
// results to SMSAdminUI.log. The real list of checks is not public (only a screenshot shows it):
// the six below are the reference's best guess, inferred, and their names are configurable.
#pragma once

#include "emulator/core/actions.h"
#include "emulator/site/env.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace emu::site {

// The channel state of one CMG connection point, as the site knows it.
struct ConnectionPointState {
  std::string server;      // site system, e.g. "cm01.contoso.com"
  bool connected = false;  // its channel to the CMG is up
  std::string state;       // console wording, e.g. "Connected", "Disconnected"
  std::string detail;      // last error or note ("" when none)
};

// The connection points bound to a CMG (by service name). Called on the lab's I/O thread.
using ConnectionPointLookup =
    std::function<std::vector<ConnectionPointState>(const std::string& cmg)>;

// One check: a stable id (used by check_names and the logs) and its names in both modes.
struct AnalyzerCheck {
  std::string id;
  std::string name_azure_ad;     // auth = "azure_ad_user"
  std::string name_certificate;  // auth = "client_certificate"
};

// The six checks in order (inferred from the documented behaviour, README Sources [S13]: the
// service's status and the channel through the connection point to every MP that allows CMG
// traffic):
//   service        CMG service status: Ready in the site DB and the CMG answers over TLS
//   connection_point  a CMG connection point of the site is connected
//   identity       Azure AD user sign-in and token | the client certificate is usable
//   authentication ConfigMgr token from CCM_STS through the CMG | the CMG accepts the certificate
//                  (MutualAuth .sms_aut?MPKEYINFORMATION)
//   mp_channel     CMG channel for management point: .sms_aut?MPLIST through CMG -> CP -> MP
//   location       location request through the CMG: .sms_aut?SITESIGNCERT, compared with the
//                  site signing certificate in the site DB
const std::vector<AnalyzerCheck>& default_analyzer_checks();

// Action "site.cmg.connection_analyzer". Args: cmg (service name), auth ("azure_ad_user" |
// "client_certificate"), signed_in_as and password (Azure AD user; default the lab password),
// certificate (client certificate: name or path of a PEM in the lab PKI folder with its .key
// beside it; default "client"), check_names (array of six names replacing the defaults),
// expect {checks: N, all: "pass"}. Checks 1-3 always run; check 4 is "skipped" when check 3
// failed, checks 5-6 when check 4 did not pass (they need its token or accepted certificate).
// Output: cmg, auth, checks [{id, name, result: "pass"|"fail"|"skipped", description}], passed,
// failed, skipped. The action fails only when `expect` is not met.
ActionOutcome run_connection_analyzer(SiteEnv& env, const nlohmann::json& args,
                                      const ConnectionPointLookup& connection_points);
Status validate_connection_analyzer_args(const nlohmann::json& args);

}  // namespace emu::site
