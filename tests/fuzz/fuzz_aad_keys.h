// Fixed Entra ID signing material for the fuzz targets: a 2048-bit RSA key generated once for
// fuzzing only (it signs nothing outside tests/fuzz) and its self-signed certificate, loaded
// into an in-memory signing_keys table so no file is read or written. Seed tokens in the
// corpora are signed with it (kid kFuzzKid), at kFuzzNow, for tenant kFuzzTenant.
#pragma once

#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/clock.h"
#include "emulator/core/store/database.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace emu::fuzz {

inline constexpr const char* kFuzzKid = "NwVTjtCK4nI18JNKr131v-5ZXKE";
inline constexpr const char* kFuzzTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
inline constexpr const char* kFuzzNow = "2026-03-01T12:00:00Z";  // seed tokens: iat = nbf

inline constexpr const char* kFuzzKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDUoPqy3MMsPir8
9W/dNfCbq7CA0wsm8mLFup0bj2ME5/+3Xk8tPbOoRtnbcNh78+fuqg9qb9VWooQE
bIDJ0iKmg0qfJhk0Hx5IaQOmP65NiNCfbWYv1uxkptIIovjXRiOlpXYJD6V2WlRd
Cu2hDsAWFZvCzT6+caxH9ca150ek9lF/1XDFtjHqYsc8mIUloU5Y4m/1LD/zo/bz
+elRtM/MYFkgpefIwu1CTDayKpWpUjz2gImpG9qUUUNWBlJgc7OhcxNtdLRNjUiz
lSWvq/4hmhi6pOO7/UjuPWaoGy+yhc8rl/r/a9vuJ6LV5j6ZK8wcc82qPvgf+wf5
eAOQrGUhAgMBAAECggEAAWU/k/gxMzuCuHeLaQgjOMBVF5la/cHSPmI5yP4lTBlS
MzPEIQPCR7jUUfWBBDo+89DrqjsK60dEhstoAnsVtWJP9XCwcmhAYIEI8DjDhfh/
hwZWqPp4AXabUwlvyOjpz7rg5hETWM4htt0dH2Ubg2GXrL0AXAtesje1msjGbnmY
0fmD1q8t+VTrOjX7vFbkAkW9fExhtW1gSFxJhAhu7X76H/og2bhpZ5K0Iqhug+FP
P1WnCfMdUf+spMzExgFltVPoXYqd+4JZqvpKaNtyLtb0i21ltQeHJKOY6eFrUkpd
MJXMuvB4fMT3HNpvYnxMPyJhYafbn0uQJo/nRPu1oQKBgQDtSdfsARBebhUum0ww
2kKbc5yDX5x6KBy2GBTSiEn1HVoV6EjZKEb5ZE/euRF+IUr3TQxWWWjTIr1Yj6u/
KXm87/P+F/7YaCLwk9ydJgHbHR7PY7YDQxm92tYnBU4OZYu07QOdiL2cqnf19f4A
PhgZmJZ1un5fyhZNOTmz19Yh8QKBgQDlZVSZjhqcDZb9qIm9E5JFlXIceRJ74j5L
NUdK0qxFyHNUuxO63x6CkdAtM+f2Fx+sPnTL6cIxtUg+tb2z3FVrScracRJzSxEc
fEub3grUNbl6EKmbjMMA5UhquZeEuBKXQvmnpNYEy1cQc46HKcq5eXKmGzTcZF1v
A8OCAehGMQKBgQDQnrKiwNC2ZQxkfI8BCHO1HnEFo8L8N1X+1q8/5ik3wsWYKzAZ
FGtKCmKaS5XQkc7KHEhzhoo9zvYv7aivGfT5IvIefNRHSU8muqkk1OyeyzxyU5UL
yyvPmp3bkrNsvuSUfilGkJk8Kzfq3IqjhfREVL475WoEJ7Vx0ZUkw+d00QKBgQC2
oest6d4zmfo5b4Jh34AYGDhmhNn7eY+g7wUYhAwV7tYrglnd8J9o0tBL/MRTv+s+
hecVJcGvM6YWDzm+RdBX/8MaEOXglsZDyI2lxa0XcMJ/dV6jcfka8HCsT6BbUPW0
KeV73Bdsb7ucZHP4FoTJD/EAYC7AvMNKjFOOYRhdMQKBgDoOieLeDM22tKjZRvFv
2OBhlb5iKogfAWn8Kc0v66i0ZTyR1IHdAGGzIakxPK+wHWUPA4hj1ERLu7e1Qu+X
Nn/AFVS3ZnCcx+UdECDLdvCgfH5ESEIhGcDhQSYoD8LaTP82tILe826bG8JQeL/r
AUl0ALF7vB2vPYG4ijdkhh8s
-----END PRIVATE KEY-----
)";
inline constexpr const char* kFuzzCertPem = R"(-----BEGIN CERTIFICATE-----
MIIDJzCCAg+gAwIBAgIUMCB6YpbMkvstTv4E3QuckMNBBCowDQYJKoZIhvcNAQEL
BQAwIjEgMB4GA1UEAwwXY21nZW11IGZ1enogc2lnbmluZyBrZXkwIBcNMjYxMjAy
MTE1NzU1WhgPMjEyNjExMDgxMTU3NTVaMCIxIDAeBgNVBAMMF2NtZ2VtdSBmdXp6
IHNpZ25pbmcga2V5MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1KD6
stzDLD4q/PVv3TXwm6uwgNMLJvJixbqdG49jBOf/t15PLT2zqEbZ23DYe/Pn7qoP
am/VVqKEBGyAydIipoNKnyYZNB8eSGkDpj+uTYjQn21mL9bsZKbSCKL410YjpaV2
CQ+ldlpUXQrtoQ7AFhWbws0+vnGsR/XGtedHpPZRf9VwxbYx6mLHPJiFJaFOWOJv
9Sw/86P28/npUbTPzGBZIKXnyMLtQkw2siqVqVI89oCJqRvalFFDVgZSYHOzoXMT
bXS0TY1Is5Ulr6v+IZoYuqTju/1I7j1mqBsvsoXPK5f6/2vb7iei1eY+mSvMHHPN
qj74H/sH+XgDkKxlIQIDAQABo1MwUTAdBgNVHQ4EFgQUeSP4sNuFpBEJ7F1RBvd1
cMsNuD0wHwYDVR0jBBgwFoAUeSP4sNuFpBEJ7F1RBvd1cMsNuD0wDwYDVR0TAQH/
BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAHgo7fgdxPltCtvVbFRx2+jTDnh9s
8R8nquN2bxbhpbv2V1xkJPfzYFyqxMXBBxgWHOPUmURLs2mzLS18fLcY0hnELwLK
gU2UhOjetTai+C/s4AkledIdIA3ZVFDXP0Dx6+1grD1eKyuIKcdGe2ihhaUFzPEg
jSSly65LEFmTcEMdHtHME1zAMojDvR+guAb0v0U2pbllicw05HAPPq5igKSyx9nA
LVATZDe7jJ1SUc9yZHOxpOZ6mNmv3yDGKBet0cm1LwvuuncsQiTxc9mvLd/SRpyZ
kQszG9fDwwnh+PpgA4vB76bC3QQQgASzWiOQO1XfLlNDkAM3nTpdfl0+ew==
-----END CERTIFICATE-----
)";

// The fuzz key as the only (active) signing key in `db`, which must outlive the set. Creates
// the signing_keys table unless it exists (Directory's schema creates it too). Aborts (the
// fuzz run is misconfigured) on failure.
inline std::unique_ptr<aad::SigningKeySet> open_fuzz_keys(store::Database& db, const Clock& clock) {
  auto die = [](const Status& s) {
    std::fprintf(stderr, "open_fuzz_keys: %s\n", s.to_string().c_str());
    std::abort();
  };
  if (Status s =
          db.exec(std::string(aad::kSigningKeysDdl).replace(0, 12, "CREATE TABLE IF NOT EXISTS"));
      !s.ok())
    die(s);
  {
    auto st = db.prepare(
        "INSERT INTO signing_keys(kid, key_pem, cert_pem, active, created, seq) "
        "VALUES (?, ?, ?, 1, ?, 1)");
    if (!st.ok()) die(st.status());
    Status s = st->bind(1, kFuzzKid);
    if (s.ok()) s = st->bind(2, kFuzzKeyPem);
    if (s.ok()) s = st->bind(3, kFuzzCertPem);
    if (s.ok()) s = st->bind(4, kFuzzNow);
    if (s.ok()) s = st->run();
    if (!s.ok()) die(s);
  }
  auto keys = aad::SigningKeySet::open(db, "/nonexistent-fuzz-pki", 1, clock);
  if (!keys.ok()) die(keys.status());
  return std::move(keys).value();
}

// A fresh in-memory database; aborts on failure.
inline std::unique_ptr<store::Database> open_fuzz_db() {
  auto db = store::Database::open(":memory:");
  if (!db.ok()) std::abort();
  return std::move(db).value();
}

}  // namespace emu::fuzz
