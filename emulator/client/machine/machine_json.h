// A machine's saved form (JSON), so a lab in a state folder keeps its clients across runs of
// `cmgemu` (certificate stores, registry, the agent's identity and tokens). Logs are files of
// their own and not part of it.
#pragma once

#include "emulator/client/machine/machine.h"
#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

namespace emu::client {

nlohmann::json machine_to_json(const Machine& m);
// Fills everything but `logs` and `ids`. InvalidArgument naming the bad member.
Status machine_from_json(const nlohmann::json& j, Machine* m);

}  // namespace emu::client
