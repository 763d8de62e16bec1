// Well-known Entra ID names other parties use: first-party application IDs, the lab's default
// user password, and the issuers of a tenant's access tokens. Values only; nothing here reads
// the directory.
#pragma once

#include <string>
#include <string_view>

namespace emu::aad {

// First-party application IDs the directory seeds (as service principals) in every tenant.
// Sources: Microsoft's published first-party app IDs (ARM, Graph, Azure CLI).
inline constexpr const char* kAzureCliAppId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
inline constexpr const char* kArmAppId = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
inline constexpr const char* kGraphAppId = "00000003-0000-0000-c000-000000000000";

// Password of seeded users that name none.
inline constexpr const char* kDefaultUserPassword = "P@ssw0rd!";

// The issuers of tenant `tid`'s tokens, also the `issuer` of its discovery documents:
// "https://sts.windows.net/<tid>/" (v1) and "https://login.microsoftonline.com/<tid>/v2.0" (v2).
std::string v1_issuer(std::string_view tid);
std::string v2_issuer(std::string_view tid);

}  // namespace emu::aad
