// Seeding ARM from a scenario's "lab" section ("subscription" or "subscriptions"); the
// format is documented in emulator/arm/README.md. Specs are checked strictly (unknown keys
// and wrong types are InvalidArgument naming their JSON path) before anything is written.
// Runs on the lab's I/O thread.
#pragma once

#include "emulator/arm/store/store.h"
#include "emulator/core/ids.h"

#include <nlohmann/json.hpp>

#include <string>

namespace emu::aad {
class PrincipalLookup;
}

namespace emu::arm {

struct SeedDeps {
  ArmStore& store;
  const aad::PrincipalLookup& principals;
  IdSource& ids;
  TimePoint now{};
};

// Seconds from a number or an ISO 8601 duration ("PT12M"); InvalidArgument naming `path`.
Result<double> seconds_value(const nlohmann::json& v, const std::string& path);
Status validate_subscription_spec(const nlohmann::json& spec, const std::string& path);
// The lab section's "subscription"/"subscriptions" parts, under the path "lab" (other keys
// belong to other parties and are ignored).
Status validate_lab(const nlohmann::json& lab);
// One subscription: its tenant (by domain, default the lab's only tenant), providers,
// settings (regions' SKU offers and quotas, durations, provider delay), groups and role
// assignments ("co_administrators" get Owner at the subscription). Returns {"id","name",
// "tenant_id"}.
Result<nlohmann::json> seed_subscription(const nlohmann::json& spec, const std::string& path,
                                         SeedDeps deps);
// Returns {"subscriptions":[...]}.
Result<nlohmann::json> seed_lab(const nlohmann::json& lab, SeedDeps deps);

}  // namespace emu::arm
