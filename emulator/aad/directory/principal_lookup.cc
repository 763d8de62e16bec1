// PrincipalLookup over the directory (see principals.h).
#include "emulator/aad/directory/principal_lookup.h"

#include "emulator/core/text.h"

namespace emu::aad {
namespace {

PrincipalRef from_sp(const ServicePrincipal& sp) {
  return {sp.id, sp.tenant_id, "ServicePrincipal", sp.display_name, sp.app_id};
}

class DirectoryPrincipalLookup final : public PrincipalLookup {
 public:
  explicit DirectoryPrincipalLookup(const Directory& d) : d_(d) {}

  Result<std::string> tenant_id(std::string_view tenant) const override {
    if (!tenant.empty()) {
      auto t = d_.find_tenant(tenant);
      if (!t.ok()) return NotFound("no tenant '" + std::string(tenant) + "'");
      return t->id;
    }
    auto all = d_.tenants();
    if (all.empty()) return NotFound("the lab has no tenant (add a \"tenant\" to the lab section)");
    if (all.size() > 1)
      return FailedPrecondition("the lab has several tenants; name one (\"tenant\")");
    return all.front().id;
  }

  Result<PrincipalRef> find_principal(std::string_view tenant_id,
                                      std::string_view name) const override {
    if (auto u = d_.find_user(tenant_id, name); u.ok())
      return PrincipalRef{u->id, u->tenant_id, "User", u->display_name, ""};
    if (auto sp = d_.find_service_principal(tenant_id, name); sp.ok()) return from_sp(*sp);
    for (const ServicePrincipal& sp : d_.list_service_principals(tenant_id))
      if (iequals(sp.display_name, name)) return from_sp(sp);
    return NotFound("no user or service principal '" + std::string(name) + "' in tenant " +
                    std::string(tenant_id));
  }

 private:
  const Directory& d_;
};

}  // namespace

std::unique_ptr<PrincipalLookup> make_principal_lookup(const Directory& directory) {
  return std::make_unique<DirectoryPrincipalLookup>(directory);
}

}  // namespace emu::aad
