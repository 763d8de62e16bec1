// Microsoft Graph v1.0 subset served on the "graph" listener (graph.microsoft.com):
// applications (+ addPassword/removePassword), servicePrincipals, oauth2PermissionGrants,
// appRoleAssignments, users ($select/$top/$filter, @odata.nextLink paging), me, organization.
// Requests are authorised by Graph access tokens (delegated scopes or app roles) checked by
// the TokenValidator; errors use Graph's {"error":{"code","message","innerError"}} shape.
#pragma once

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/public/token_validator.h"
#include "emulator/core/clock.h"
#include "emulator/core/http/router.h"
#include "emulator/core/ids.h"

namespace emu::aad {

// Every reference must outlive the router.
struct GraphDeps {
  Directory& directory;
  const TokenValidator& validator;
  const Clock& clock;
  IdSource& ids;
  size_t default_page_size = 100;  // Graph's default page for users
};

http::Router make_graph_router(GraphDeps deps);

}  // namespace emu::aad
