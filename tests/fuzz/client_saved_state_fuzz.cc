// Fuzz target: what the emulated client reads that someone else wrote: a machine's saved state
// (emulator/client/machine/machine_json.h, from the state folder) and a server's certificate
// chain and CRL bytes (emulator/client/net/winhttp.h). Nothing may crash; a state that loads
// must save and load back to the same JSON.
#include "emulator/client/machine/machine_json.h"
#include "emulator/client/net/winhttp.h"
#include "emulator/core/json_limits.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace emu;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (auto j = parse_json_limited(bytes); j.ok()) {
    client::Machine m;
    if (client::machine_from_json(*j, &m).ok()) {
      const nlohmann::json saved = client::machine_to_json(m);
      client::Machine again;
      if (!client::machine_from_json(saved, &again).ok() ||
          client::machine_to_json(again) != saved)
        std::abort();
    }
  }
  const size_t half = size / 2;
  (void)client::check_server_chain(bytes.substr(0, half), bytes.substr(half), "cmg.contoso.com",
                                   TimePoint{}, bytes.substr(half), false);
  (void)client::crl_distribution_point(bytes);
  return 0;
}
