// The emulator's TokenValidator: RS256 compact JWS checked against the Entra ID party's
// SigningKeySet, the canonical issuers of the token's tenant, the caller's audiences and
// tenant, and nbf/exp on the virtual clock.
#pragma once

#include "emulator/aad/keys/signing_keys.h"
#include "emulator/aad/public/token_validator.h"
#include "emulator/aad/public/well_known.h"  // v1_issuer, v2_issuer
#include "emulator/core/clock.h"

#include <memory>
#include <string>
#include <string_view>

namespace emu::aad {

// A validator reading `keys` and `clock` on every call; both must outlive it. Thread-safe.
// Checks, in this order, stopping at the first failure: parse (kMalformed), alg == "RS256"
// (kBadAlgorithm, before any key is touched), kid (or x5t when kid is absent) published
// (kUnknownKey), signature (kBadSignature), claim types (kMalformed: kid/x5t/typ and the
// string claims iss, sub, tid, oid, appid, azp, ver, idtyp, upn, scp, unique_name,
// preferred_username must be strings when present; aud a string or an array of strings; roles
// an array of strings), iss is v1_issuer(tid) or v2_issuer(tid) of the
// token's own tid (kBadIssuer), tid == policy.tenant_id when set, case-insensitively
// (kWrongTenant), aud in policy.audiences when non-empty (kBadAudience), exp present and
// numeric, nbf and iat valid NumericDates when present (else kMalformed), now <= exp + skew
// (kExpired), now >= nbf - skew (kNotYetValid). A malformed token of any shape is refused with
// a reason; nothing throws (except std::bad_alloc).
std::unique_ptr<TokenValidator> make_token_validator(const SigningKeySet& keys, const Clock& clock);

// Tokens longer than this are refused as kMalformed without being decoded.
inline constexpr size_t kMaxTokenBytes = 64 * 1024;

}  // namespace emu::aad
