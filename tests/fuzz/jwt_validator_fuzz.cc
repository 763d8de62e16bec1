// Fuzz target: the production token validator ARM, Graph and the CMG use
// (make_token_validator over a SigningKeySet), fed an Authorization header. Input: a policy
// byte, a mode byte, then text: in mode 's' the text is "header.payload" and the target signs
// it with the fuzz key (so mutations of the header and claims reach every check after the
// signature); otherwise the text is the header value as is (bad signatures, alg none, ...). Any input must give ok() or a refusal with a reason and the
// fields the parties read (token_audiences, expires_at); never an exception, a crash or UB.
#include "emulator/aad/keys/jws_validator.h"
#include "emulator/aad/public/token_validator.h"
#include "tests/fuzz/fuzz_aad_keys.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace {

struct Env {
  emu::VirtualClock clock{emu::VirtualClock::Mode::kManual,
                          emu::parse_iso8601(emu::fuzz::kFuzzNow).value()};
  std::unique_ptr<emu::store::Database> db = emu::fuzz::open_fuzz_db();
  std::unique_ptr<emu::aad::SigningKeySet> keys = emu::fuzz::open_fuzz_keys(*db, clock);
  std::unique_ptr<emu::aad::TokenValidator> validator =
      emu::aad::make_token_validator(*keys, clock);
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Env* env = new Env();  // lives for the process, as in a lab
  if (size < 2) return 0;
  // The first byte picks the caller's policy, the second the mode; the rest is the text.
  emu::aad::ValidationPolicy policy;
  switch (data[0] % 4) {
    case 0:  // ARM
      policy.audiences = {"https://management.core.windows.net/", "https://management.azure.com/",
                          "https://management.azure.com"};
      break;
    case 1:  // any audience, a required tenant
      policy.tenant_id = emu::fuzz::kFuzzTenant;
      break;
    case 2:
      policy.audiences = {"https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"};
      policy.skew = std::chrono::seconds(0);
      break;
    default:
      break;
  }
  const std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  std::string header;
  if (data[1] == 's') {
    header = "Bearer " + emu::fuzz::fuzz_sign(rest);
  } else {
    header = rest.starts_with("Bearer ") || rest.starts_with("bearer ") ? std::string(rest)
                                                                         : "Bearer " + std::string(rest);
  }
  emu::aad::TokenCheck check = env->validator->validate_header(header, policy);
  if (check.ok()) {
    // An accepted token names its tenant and, with a policy, an accepted audience.
    if (check.principal.tenant_id.empty()) __builtin_trap();
    if (!policy.audiences.empty() && check.principal.audience.empty()) __builtin_trap();
  } else if (check.message.empty()) {
    __builtin_trap();
  }
  return 0;
}
