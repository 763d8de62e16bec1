// Seeding the Entra ID directory: a scenario's "lab" section ("tenant" or "tenants") and the
// tenant / user / application specs the aad.* scenario actions reuse. Specs are JSON objects
// checked strictly (unknown keys and wrong types are InvalidArgument naming their JSON path)
// before anything is written. Not thread-safe: runs on the lab's I/O thread, like Directory.
#pragma once

#include "emulator/aad/directory/directory.h"
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace emu::aad {

// Everything a seed writes with; every reference outlives the call.
struct SeedDeps {
  Directory& directory;
  const Clock& clock;
  IdSource& ids;
};

// Seeded users that name no password get kDefaultUserPassword (public/well_known.h).

// Structural checks, no state touched. `path` prefixes every message ("lab.tenant",
// "lab.tenants[0].users[2]", or "" for a scenario action's args); messages read
// "<path>.<key>: unknown key; did you mean 'upn'?", "<path>.<key>: must be a string",
// "<path>.<key>: required". All return OK or InvalidArgument.
Status validate_tenant_spec(const nlohmann::json& spec, const std::string& path);
Status validate_user_spec(const nlohmann::json& spec, const std::string& path);
Status validate_app_spec(const nlohmann::json& spec, const std::string& path);
// The "tenant" (object) / "tenants" (array) parts of a lab section, under the path "lab".
// Other top-level keys belong to other parties and are ignored; giving both is an error.
Status validate_lab(const nlohmann::json& lab);

// Applies the lab section (validated first; nothing is written when it is malformed).
// Returns what it created: {"tenants":[{"id","domain","users":[{"upn","id"}],
// "applications":[{"display_name","app_id","id","service_principal_id"?}]}]}.
// InvalidArgument naming the path for a malformed section or a conflict (duplicate UPN or
// domain, unknown permission); other directory errors keep their code, with the path as
// context. A failure part-way leaves what was written before it.
Result<nlohmann::json> seed_lab(const nlohmann::json& lab, SeedDeps deps);

// One tenant spec (validated first), its users and applications. Returns its summary entry.
Result<nlohmann::json> seed_tenant(const nlohmann::json& spec, const std::string& path,
                                   SeedDeps deps);

// One user spec (validated first) in `tenant`; the UPN's domain must be the tenant's.
Result<User> seed_user(const nlohmann::json& spec, const Tenant& tenant, const std::string& path,
                       SeedDeps deps);

// One application spec (validated first) in `tenant`: the application, its credentials, its
// service principal (unless "service_principal": false) and its admin-consented permissions
// (the resources must exist). Returns {"display_name","app_id","id","service_principal_id"?}.
Result<nlohmann::json> seed_application(const nlohmann::json& spec, const Tenant& tenant,
                                        const std::string& path, SeedDeps deps);

// A client secret as Entra ID issues them: 40 characters, the 4th-6th being "8Q~" (the shape
// of current secrets; inferred from observed secrets), drawn from `ids`.
std::string generate_client_secret(IdSource& ids);

// A password credential for `secret`, key ID from `ids`, valid [start, end).
PasswordCredential make_password_credential(std::string secret, std::string display_name,
                                            TimePoint start, TimePoint end, IdSource& ids);

// A key credential for the first certificate in `pem`: DER, base64url SHA-1 thumbprint (x5t),
// validity from the certificate, display name = RFC 2253 subject, key ID from `ids`.
// InvalidArgument when `pem` holds no parsable certificate.
Result<KeyCredential> key_credential_from_pem(std::string_view pem, IdSource& ids);

// Default lifetime of a password credential that names no end (Graph addPassword's default
// of two years; documented for passwordCredential.endDateTime).
inline constexpr Duration kDefaultSecretLifetime = std::chrono::hours(24 * 365 * 2);

}  // namespace emu::aad
