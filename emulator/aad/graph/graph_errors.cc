#include "emulator/aad/graph/graph_errors.h"

#include <nlohmann/json.hpp>

namespace emu::aad::graph {
namespace {

// "2026-01-01T00:00:00": Graph's innerError.date carries no zone designator [C-doc: Graph
// error bodies quoted in public issues].
std::string graph_date(TimePoint now) {
  std::string iso = format_iso8601(std::chrono::floor<std::chrono::seconds>(now));
  if (!iso.empty() && iso.back() == 'Z') iso.pop_back();
  return iso;
}

std::string_view token_message(TokenError error) {
  switch (error) {
    case TokenError::kMissing:
      return "Access token is empty.";
    case TokenError::kBadAudience:
      return "Access token validation failure. Invalid audience.";
    case TokenError::kExpired:
      return "Lifetime validation failed, the token is expired.";
    case TokenError::kNotYetValid:  // inferred
      return "Lifetime validation failed, the token is not yet valid.";
    case TokenError::kMalformed:  // inferred
      return "IDX14100: JWT is not well formed.";
    case TokenError::kBadSignature:  // inferred
    case TokenError::kUnknownKey:
      return "Access token validation failure. Invalid signature.";
    case TokenError::kBadIssuer:  // inferred
    case TokenError::kWrongTenant:
      return "Access token validation failure. Invalid issuer.";
    default:  // inferred
      return "Access token validation failure.";
  }
}

}  // namespace

http::Response error_response(const http::Request& req, TimePoint now, int status,
                              std::string_view code, std::string_view message) {
  std::string client_request_id = req.headers.get_or("client-request-id", req.request_id);
  nlohmann::json body = {{"error",
                          {{"code", code},
                           {"message", message},
                           {"innerError",
                            {{"date", graph_date(now)},
                             {"request-id", req.request_id},
                             {"client-request-id", client_request_id}}}}}};
  http::Response resp = http::json_response(status, body);
  resp.headers.set("request-id", req.request_id);
  resp.headers.set("client-request-id", client_request_id);
  return resp;
}

http::Response invalid_token(const http::Request& req, TimePoint now, TokenError error) {
  http::Response resp =
      error_response(req, now, 401, kInvalidAuthenticationToken, token_message(error));
  // The challenge Graph sends with a 401 [inferred from observed Graph replies].
  resp.headers.set("WWW-Authenticate",
                   "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/"
                   "common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-"
                   "000000000000\"");
  return resp;
}

http::Response resource_not_found(const http::Request& req, TimePoint now, std::string_view id) {
  return error_response(req, now, 404, kResourceNotFound,
                        "Resource '" + std::string(id) +
                            "' does not exist or one of its queried reference-property objects "
                            "are not present.");
}

http::Response access_denied(const http::Request& req, TimePoint now) {
  return error_response(req, now, 403, kAuthorizationDenied,
                        "Insufficient privileges to complete the operation.");
}

http::Response me_requires_delegated(const http::Request& req, TimePoint now) {
  return error_response(req, now, 400, kBadRequest,
                        "/me request is only valid with delegated authentication flow.");
}

http::Response segment_not_found(const http::Request& req, TimePoint now,
                                 std::string_view segment) {
  return error_response(req, now, 400, kBadRequest,
                        "Resource not found for the segment '" + std::string(segment) + "'.");
}

http::Response invalid_version(const http::Request& req, TimePoint now) {
  return error_response(req, now, 400, kBadRequest, "Invalid version.");
}

http::Response method_not_allowed(const http::Request& req, TimePoint now) {
  return error_response(req, now, 405, kRequestBadRequest,
                        "Specified HTTP method is not allowed for the request target.");
}

http::Response bad_request(const http::Request& req, TimePoint now, std::string_view message) {
  return error_response(req, now, 400, kRequestBadRequest, message);
}

http::Response unsupported_query(const http::Request& req, TimePoint now,
                                 std::string_view message) {
  return error_response(req, now, 400, kUnsupportedQuery, message);
}

}  // namespace emu::aad::graph
