// Private helpers of the Directory implementation (directory*.cc): cached-statement binding
// and row reading, JSON list columns, time columns, the schema migrations and first-party
// seeding. Not part of the emu_aad interface.
#pragma once

#include "emulator/aad/directory/directory.h"
#include "emulator/core/store/database.h"
#include "emulator/core/store/statements.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace emu::aad::internal {

// The directory schema, in order (see directory_schema.cc).
std::span<const store::Migration> directory_migrations();

using store::bind_all;
using store::Blob;
using store::exec_sql;
using store::in_transaction;
using store::or_empty;
using store::query_one;
using store::query_rows;
using store::StatementScope;

// JSON list columns: ["a","b"] <-> vector. Unparseable text reads as empty.
std::string strings_to_json(const std::vector<std::string>& values);
std::vector<std::string> strings_from_json(std::string_view text);
// A JSON value column (arrays of objects); unparseable text reads as an empty array.
nlohmann::json json_from_column(std::string_view text);

// Time columns (ISO 8601). Unparseable text reads as the epoch.
std::string time_to_column(TimePoint t);
TimePoint time_from_column(std::string_view text);

// Row readers for the column lists the directory selects (see each *_COLUMNS macro user).
User read_user(const store::Statement& s);
Application read_application_row(const store::Statement& s);  // without credentials
ServicePrincipal read_service_principal(const store::Statement& s);
PermissionGrant read_permission_grant(const store::Statement& s);
AppRoleAssignment read_app_role_assignment(const store::Statement& s);

// Column lists matching the readers above.
inline constexpr std::string_view kUserColumns =
    "id, tenant_id, upn, display_name, given_name, surname, mail, password, directory_roles, "
    "mfa_required, enabled, created";
inline constexpr std::string_view kApplicationColumns =
    "id, app_id, tenant_id, first_party, display_name, sign_in_audience, identifier_uris, "
    "web_redirect_uris, spa_redirect_uris, public_client_redirect_uris, "
    "is_fallback_public_client, access_token_version, required_resource_access, app_roles, "
    "oauth2_permission_scopes, created";
inline constexpr std::string_view kServicePrincipalColumns =
    "id, app_id, tenant_id, display_name, service_principal_names, account_enabled, first_party";
inline constexpr std::string_view kPermissionGrantColumns =
    "id, client_id, resource_id, consent_type, principal_id, scope";
inline constexpr std::string_view kAppRoleAssignmentColumns =
    "id, principal_id, resource_id, app_role_id";

// The first-party applications (Azure CLI, ARM, Graph) as seeded, without object IDs.
std::vector<Application> first_party_applications();
// Creates the first-party applications once, then their service principals in `tenant_id`
// and the grants pre-authorising the Azure CLI (see directory_seed.cc).
Status seed_first_party(Directory& dir, const std::string& tenant_id);

}  // namespace emu::aad::internal
