// Fuzz target: the scenario loader (JSON with comments, position tracking, validation) must
// answer any input with a Scenario or an InvalidArgument, never crash or throw.
#include "harness/lib/generic_actions.h"
#include "harness/lib/scenario.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const emu::ActionRegistry registry = emu::harness::scenario_action_registry();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = emu::harness::load_scenario_text(text, "fuzz.json", registry);
  if (!result.ok() && result.status().code() != emu::StatusCode::kInvalidArgument) __builtin_trap();
  return 0;
}
