// The emulator's token-signing keys: RSA keys with self-signed certificates, published as a
// JWKS, one of them active for signing. Keys persist in the Entra ID party's own database;
// the first keys come from the lab PKI folder so that a lab starts without key generation.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/status.h"
#include "emulator/core/text.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace emu::store {
class Database;
}

namespace emu::aad {

// The CREATE TABLE statement for the `signing_keys` table that SigningKeySet::open() expects:
// signing_keys(kid TEXT PRIMARY KEY, key_pem TEXT NOT NULL, cert_pem TEXT NOT NULL,
// active INTEGER NOT NULL, created TEXT NOT NULL, seq INTEGER NOT NULL). For a migration list.
extern const char* const kSigningKeysDdl;

struct SigningKeyInfo {
  std::string kid;           // == x5t, as Entra ID v2 keys have it
  std::string x5t;           // base64url SHA-1 of the certificate DER
  std::string cert_der_b64;  // standard base64 of the certificate (JWKS x5c[0])
  bool active = false;
  TimePoint created{};
};

// Thread-safe (internal mutex). Owned by the Entra ID service; the validator reads it.
class SigningKeySet {
 public:
  // Loads keys from `db` (table created by the caller's migrations: see signing_keys.cc for the
  // DDL it expects, exported as kSigningKeysDdl). If the table is empty, imports the PEM keys
  // in `<pki_dir>/aad-signing-<n>.key` (n = 1..count), generating and saving any missing one
  // there, and makes key 1 active. `db` must outlive the set.
  // Details: generated keys are written atomically with mode 0600; each key's self-signed
  // certificate is saved beside it as `aad-signing-<n>.crt` and reused while it matches the
  // key, so the kids stay the same for a fresh database. Generation is serialised across
  // processes by an flock() on `<pki_dir>/.aad-keys.lock`. Keys must be RSA >= 2048 bits
  // (InvalidArgument otherwise); InvalidArgument for count < 1 or an empty pki_dir;
  // FailedPrecondition if the table has rows but no active key or a row whose kid does not
  // match its certificate; store errors as the store maps them.
  static Result<std::unique_ptr<SigningKeySet>> open(store::Database& db,
                                                     const std::string& pki_dir, int count,
                                                     const Clock& clock);
  ~SigningKeySet();

  // Signs `payload` as a compact JWS with header {"typ":"JWT","alg":"RS256","kid","x5t"}
  // using the active key. `extra_header` fields are merged into the header (alg, kid and
  // x5t cannot be overridden; typ can). InvalidArgument unless both are JSON objects that
  // serialise (valid UTF-8). Signs with the key active at the call; a concurrent roll()
  // delays it at most by roll()'s database write, never by its key generation.
  Result<std::string> sign(const nlohmann::json& payload,
                           const nlohmann::json& extra_header = nlohmann::json::object()) const;
  // Verifies an RS256 signature over `signing_input` with the key `kid`.
  // NotFound for an unknown kid; PermissionDenied for a bad signature.
  Status verify(std::string_view kid, std::string_view signing_input,
                std::string_view signature) const;
  // {"keys":[{"kty":"RSA","use":"sig","kid","x5t","n","e","x5c":[...],"issuer"?}]}
  nlohmann::json jwks() const;
  std::vector<SigningKeyInfo> keys() const;
  std::string active_kid() const;

  // Key rollover: generates a new key, publishes it, makes it active. Returns its kid.
  // roll() and remove() write to `db`: call them where its owner allows (the I/O thread).
  // On error nothing changes, in memory or in the database.
  Result<std::string> roll();
  // Stops publishing `kid` (tokens signed with it then fail validation). FailedPrecondition
  // for the active key; NotFound for an unknown kid.
  Status remove(const std::string& kid);

 private:
  SigningKeySet();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A compact JWS split into its parts; nothing is verified.
struct ParsedJwt {
  nlohmann::json header;
  nlohmann::json payload;
  std::string signing_input;  // "<b64 header>.<b64 payload>"
  std::string signature;      // raw bytes
};
// InvalidArgument unless `token` is three base64url parts whose first two are JSON objects
// (parsed with parse_json_limited: at most kMaxJwtPartBytes each, nesting depth 16) that name
// no top-level member twice. Never throws except std::bad_alloc.
Result<ParsedJwt> parse_jwt(std::string_view token);
inline constexpr size_t kMaxJwtPartBytes = 64 * 1024;

}  // namespace emu::aad
