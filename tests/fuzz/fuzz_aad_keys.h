// Entra ID signing material for the fuzz targets: a 2048-bit RSA key generated at the start of
// each fuzz process and its self-signed certificate, loaded into an in-memory signing_keys table
// (kid: its x5t) so no file is read or written. Seed tokens in the corpora are unsigned
// "header.payload" texts (at kFuzzNow, for tenant kFuzzTenant) that the target signs with it.
#pragma once

#include "emulator/aad/keys/signing_keys.h"
#include "emulator/core/clock.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"
#include "emulator/core/store/database.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace emu::fuzz {

// Seed token headers name the signing key "FUZZKID" (kid and x5t); fuzz_sign() puts the real
// kid (the generated certificate's x5t) in its place.
inline constexpr std::string_view kFuzzKidPlaceholder = "FUZZKID";
inline constexpr const char* kFuzzTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
inline constexpr const char* kFuzzNow = "2026-03-01T12:00:00Z";  // seed tokens: iat = nbf

// The fuzz signing key and its self-signed certificate, generated once per process (never
// stored: no private key is committed). Aborts (the fuzz run is misconfigured) on failure.
struct FuzzSigningMaterial {
  crypto::EvpPkeyPtr key;
  std::string key_pem;
  std::string cert_pem;
  std::string kid;  // x5t of the certificate
};
inline const FuzzSigningMaterial& fuzz_signing_material() {
  static const FuzzSigningMaterial* material = [] {
    auto die = [](const Status& s) {
      std::fprintf(stderr, "fuzz_signing_material: %s\n", s.to_string().c_str());
      std::abort();
    };
    auto key = crypto::generate_rsa_key(2048);
    if (!key.ok()) die(key.status());
    crypto::CertificateSpec spec;
    spec.common_name = "cmgemu fuzz signing key";
    spec.not_before = parse_iso8601("2026-01-01T00:00:00Z").value();
    spec.not_after = parse_iso8601("2126-01-01T00:00:00Z").value();
    auto cert = crypto::build_cert(spec, key->get(), nullptr);
    if (!cert.ok()) die(cert.status());
    auto key_pem = crypto::key_to_pem(key->get());
    if (!key_pem.ok()) die(key_pem.status());
    auto cert_pem = crypto::cert_to_pem(cert->get());
    if (!cert_pem.ok()) die(cert_pem.status());
    auto kid = crypto::x5t(cert->get());
    if (!kid.ok()) die(kid.status());
    return new FuzzSigningMaterial{std::move(key).value(), std::move(key_pem).value(),
                                   std::move(cert_pem).value(), std::move(kid).value()};
  }();
  return *material;
}

// "<header>.<payload>.<signature>" signed with the fuzz key (RS256), after replacing
// kFuzzKidPlaceholder in the decoded header (when it decodes) by the real kid. Aborts when
// signing fails.
inline std::string fuzz_sign(std::string_view header_dot_payload) {
  std::string input(header_dot_payload);
  const size_t dot = input.find('.');
  if (auto header = base64url_decode(input.substr(0, dot)); header.ok()) {
    std::string h = std::move(header).value();
    for (size_t at = h.find(kFuzzKidPlaceholder); at != std::string::npos;
         at = h.find(kFuzzKidPlaceholder, at + 1))
      h.replace(at, kFuzzKidPlaceholder.size(), fuzz_signing_material().kid);
    input = base64url_encode(h) + (dot == std::string::npos ? "" : input.substr(dot));
  }
  auto sig = crypto::rs256_sign(fuzz_signing_material().key.get(), input);
  if (!sig.ok()) std::abort();
  return input + "." + base64url_encode(*sig);
}

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
    Status s = st->bind(1, fuzz_signing_material().kid);
    if (s.ok()) s = st->bind(2, fuzz_signing_material().key_pem);
    if (s.ok()) s = st->bind(3, fuzz_signing_material().cert_pem);
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
