// Micro-benchmarks of the Entra ID token path: RS256 signing of a typical access token and
// its full validation. Target (aad brief): <= 0.5 ms CPU per signed token.
#include "emulator/aad/keys/jws_validator.h"
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/store/database.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace {

const emu::TimePoint kNow = emu::parse_iso8601("2026-03-01T12:00:00Z").value();
constexpr char kTid[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";

// Keys from a per-user folder, generated on the first run and reused afterwards.
struct Fixture {
  emu::VirtualClock clock{emu::VirtualClock::Mode::kManual, kNow};
  std::unique_ptr<emu::store::Database> db;
  std::unique_ptr<emu::aad::SigningKeySet> keys;

  Fixture() {
    const char* base = std::getenv("TMPDIR");
    const std::string dir = std::string(base && *base ? base : "/tmp") + "/cmgemu-bench-aad-keys-" +
                            std::to_string(::getuid());
    db = std::move(emu::store::Database::open(":memory:")).value();
    emu::Status s = db->exec(emu::aad::kSigningKeysDdl);
    auto opened = emu::aad::SigningKeySet::open(*db, dir, 2, clock);
    if (!s.ok() || !opened.ok()) {
      std::fprintf(stderr, "aad_bench: %s %s\n", s.to_string().c_str(),
                   opened.status().to_string().c_str());
      std::abort();
    }
    keys = std::move(opened).value();
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

nlohmann::json arm_claims() {
  const int64_t now = emu::unix_seconds(kNow);
  return {{"aud", "https://management.azure.com/"},
          {"iss", emu::aad::v1_issuer(kTid)},
          {"iat", now},
          {"nbf", now},
          {"exp", now + 3599},
          {"aio", "E2ZgYDhQ8b3/ZLvxdV+3dn3TTgAA"},
          {"appid", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"},
          {"appidacr", "1"},
          {"idp", emu::aad::v1_issuer(kTid)},
          {"idtyp", "app"},
          {"oid", "6f1c2a70-0d1c-4c8e-9f43-2a1b3c4d5e6f"},
          {"rh", "0.AAAA"},
          {"sub", "6f1c2a70-0d1c-4c8e-9f43-2a1b3c4d5e6f"},
          {"tid", kTid},
          {"uti", "q1w2e3r4t5y6u7i8o9p0"},
          {"ver", "1.0"}};
}

void BM_SignAccessToken(benchmark::State& state) {
  Fixture& f = fixture();
  const nlohmann::json claims = arm_claims();
  for (auto _ : state) benchmark::DoNotOptimize(f.keys->sign(claims));
}
BENCHMARK(BM_SignAccessToken);

void BM_ValidateAccessToken(benchmark::State& state) {
  Fixture& f = fixture();
  const std::string token = f.keys->sign(arm_claims()).value();
  auto validator = emu::aad::make_token_validator(*f.keys, f.clock);
  emu::aad::ValidationPolicy policy;
  policy.audiences = {"https://management.azure.com/", "https://management.core.windows.net/"};
  for (auto _ : state) {
    emu::aad::TokenCheck check = validator->validate(token, policy);
    if (!check.ok()) state.SkipWithError(check.message.c_str());
    benchmark::DoNotOptimize(check);
  }
}
BENCHMARK(BM_ValidateAccessToken);

}  // namespace
