// CMG tooling under test: the client install command line for a site's CMG.
#pragma once

#include <string>

namespace cmg_tooling {

// The MutualAuthPath of the management point that serves the CMG (vProxy_Roles, RoleTypeID 6)
// in the site database file `site_db` (the SQLite file the site keeps, schema "dbo").
// Throws std::runtime_error when there is none.
std::string mutual_auth_path(const std::string& site_db);

// ccmsetup.exe for an internet client that registers with a bulk token:
// ccmsetup.exe /NoCRLCheck /source:C:\ClientInstall SMSSITECODE=<site> CCMHOSTNAME="<path>"
//   SMSMP="<mp>" /regtoken:<token> CCMALWAYSINF=1
std::string ccmsetup_command_line(const std::string& site_code, const std::string& mutual_auth,
                                  const std::string& mp, const std::string& bulk_token);

}  // namespace cmg_tooling
