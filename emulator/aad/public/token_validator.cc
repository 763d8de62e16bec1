// TokenValidator::validate_header and token_error_name (token_validator.h).
#include "emulator/aad/public/token_validator.h"

#include "emulator/core/text.h"

namespace emu::aad {
namespace {

TokenCheck failure(TokenError error, std::string message) {
  TokenCheck check;
  check.error = error;
  check.message = std::move(message);
  return check;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view token_error_name(TokenError e) {
  switch (e) {
    case TokenError::kNone:
      return "none";
    case TokenError::kMissing:
      return "missing";
    case TokenError::kMalformed:
      return "malformed";
    case TokenError::kBadAlgorithm:
      return "bad_algorithm";
    case TokenError::kUnknownKey:
      return "unknown_key";
    case TokenError::kBadSignature:
      return "bad_signature";
    case TokenError::kBadIssuer:
      return "bad_issuer";
    case TokenError::kBadAudience:
      return "bad_audience";
    case TokenError::kExpired:
      return "expired";
    case TokenError::kNotYetValid:
      return "not_yet_valid";
    case TokenError::kWrongTenant:
      return "wrong_tenant";
  }
  return "unknown";
}

TokenCheck TokenValidator::validate_header(std::string_view authorization,
                                           const ValidationPolicy& policy) const {
  const std::string_view value = trim(authorization);
  if (value.empty()) {
    return failure(TokenError::kMissing, "The request has no bearer token.");
  }
  const size_t space = value.find_first_of(" \t");
  const std::string_view scheme = value.substr(0, space);
  if (!iequals(scheme, "Bearer")) {
    // Echo the scheme only when it looks like one (never a bare credential).
    if (space == std::string_view::npos || scheme.size() > 32) {
      return failure(TokenError::kMissing,
                     "The Authorization header is not of the form 'Bearer <token>'.");
    }
    return failure(TokenError::kMissing, "The Authorization header uses the '" +
                                             std::string(scheme) +
                                             "' scheme; a Bearer token is required.");
  }
  const std::string_view token =
      space == std::string_view::npos ? std::string_view() : trim(value.substr(space));
  if (token.empty()) {
    return failure(TokenError::kMissing, "The Authorization header has an empty Bearer token.");
  }
  return validate(token, policy);
}

}  // namespace emu::aad
