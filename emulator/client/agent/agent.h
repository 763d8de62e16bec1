// What the emulated client does on its machine: ccmsetup.exe (bootstrap, download, install)
// and the client agent after it (registration, CCM tokens, location, CcmMessaging, machine
// policy and its download through DTS), all through the machine's WinHTTP-like stack to the
// CMG, writing the client's real logs. Each call runs to completion on the calling thread (one
// machine at a time; ClientService serializes).
#pragma once

#include "emulator/client/machine/machine.h"
#include "emulator/client/net/winhttp.h"
#include "emulator/core/clock.h"

#include <openssl/types.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace emu::client {

struct AgentEnv {
  const Clock& clock;
  Resolver resolve;
  // Folder where each machine's SMS signing key is kept (the lab PKI folder), so a scenario's
  // runs sign with the same key; "" = a new key per registration.
  std::string key_dir;
  // 0: one key per machine. N: machines share N keys (each still has its own certificate, so
  // the MP tells them apart): for labs of thousands of clients, where RSA key generation would
  // dominate.
  size_t signing_key_pool = 0;
  // Loads (or makes) the RSA key kept in a file; the service caches parsed keys so machines
  // sharing a pool key parse it once. Unset: crypto::load_or_create_rsa_key each time.
  std::function<Result<std::shared_ptr<EVP_PKEY>>(const std::string& path)> load_key;
};

// ccmsetup's return codes (memdocs about-client-installation-properties.md, "ccmsetup.exe
// return codes").
inline constexpr int kCcmsetupSuccess = 0;
inline constexpr int kCcmsetupError = 6;
inline constexpr int kCcmsetupRebootRequired = 7;
inline constexpr int kCcmsetupAlreadyRunning = 8;
inline constexpr int kCcmsetupPrereqFailure = 9;
inline constexpr int kCcmsetupManifestHashFailure = 10;

struct CcmsetupOutcome {
  int exit_code = kCcmsetupSuccess;
  std::string error;  // one line for the report when exit_code != 0 (or the agent failed)
  uint32_t hresult = 0;
};

// Runs ccmsetup.exe with `command_line` (as typed, program first) on `m`; on success the client
// agent starts (run_client_startup). Writes ccmsetup.log and the agent's logs.
CcmsetupOutcome run_ccmsetup(Machine& m, const AgentEnv& env, std::string_view command_line);

// The agent's start after an install: registration (ClientIDManagerStartup.log), the device's
// CCM token, the internet MP (ClientLocation.log, LocationServices.log) and a machine policy
// cycle. FailedPrecondition when the client is not installed; other errors name the failed
// step (the logs hold the client's own lines).
Status run_client_startup(Machine& m, const AgentEnv& env);

// A machine policy retrieval cycle (PolicyAgent.log, CcmMessaging.log,
// DataTransferService.log): the CCM token is renewed first when it expires within an hour
// (or has expired), then assignments are requested and new policy bodies downloaded.
Status run_policy_cycle(Machine& m, const AgentEnv& env);

}  // namespace emu::client
