// JWS signatures with RSA keys (RFC 7518 §3.3 and §3.5): RS256 = RSASSA-PKCS1-v1_5 with SHA-256,
// PS256 = RSASSA-PSS with SHA-256 (MGF1 SHA-256, salt length 32). Signatures are raw bytes
// (base64url them with emu::base64url_encode). The key is borrowed; one EVP_PKEY may be used
// from several threads at once.
#pragma once

#include "emulator/core/crypto/openssl.h"
#include "emulator/core/status.h"

#include <string>
#include <string_view>

namespace emu::crypto {

// The RS256 signature of `input` (deterministic). InvalidArgument if `key` is not an RSA key;
// Internal("RS256 signing: <reasons>") on failure, e.g. a key without its private half.
Result<std::string> rs256_sign(EVP_PKEY* key, std::string_view input);
// True iff `key` is an RSA key and `signature` is its RS256 signature of `input`.
bool rs256_verify(EVP_PKEY* key, std::string_view input, std::string_view signature);
// True iff `key` is an RSA key and `signature` is its PS256 signature of `input`.
bool ps256_verify(EVP_PKEY* key, std::string_view input, std::string_view signature);

}  // namespace emu::crypto
