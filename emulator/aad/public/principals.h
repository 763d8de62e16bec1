// PrincipalLookup: the read-only view of the directory other parties need to seed their own
// state by name (ARM role assignments "to admin@contoso.com" or "to CMG-ServerApp", a
// subscription's tenant by domain). Like TokenValidator, it is a core interface the Lab hands
// out; callers never see the directory itself.
#pragma once

#include "emulator/core/status.h"

#include <string>
#include <string_view>

namespace emu::aad {

struct PrincipalRef {
  std::string object_id;  // user object ID or service principal object ID
  std::string tenant_id;
  std::string type;  // "User" or "ServicePrincipal"
  std::string display_name;
  std::string app_id;  // service principals only
};

// Not thread-safe: call on the lab's I/O thread (where seeding runs).
class PrincipalLookup {
 public:
  virtual ~PrincipalLookup() = default;
  // The tenant named by GUID or domain; "" = the lab's only tenant (FailedPrecondition when
  // there are several, NotFound when there is none).
  virtual Result<std::string> tenant_id(std::string_view tenant) const = 0;
  // A user by UPN, or a service principal by appId, object ID or its application's display
  // name, in `tenant_id`. NotFound naming `name`.
  virtual Result<PrincipalRef> find_principal(std::string_view tenant_id,
                                              std::string_view name) const = 0;
};

}  // namespace emu::aad
