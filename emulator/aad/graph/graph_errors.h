// Microsoft Graph error replies, as data: {"error":{"code","message","innerError":{"date",
// "request-id","client-request-id"}}} with the status Graph uses for each code (README
// Sources [S6]). Each factory cites its source or says "inferred".
#pragma once

#include "emulator/aad/public/token_validator.h"
#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"

#include <string>
#include <string_view>

namespace emu::aad::graph {

// Graph error codes.
inline constexpr std::string_view kInvalidAuthenticationToken = "InvalidAuthenticationToken";
inline constexpr std::string_view kResourceNotFound = "Request_ResourceNotFound";
inline constexpr std::string_view kRequestBadRequest = "Request_BadRequest";
inline constexpr std::string_view kUnsupportedQuery = "Request_UnsupportedQuery";
inline constexpr std::string_view kAuthorizationDenied = "Authorization_RequestDenied";
inline constexpr std::string_view kBadRequest = "BadRequest";
inline constexpr std::string_view kMultipleObjectsWithSameKeyValue =
    "Request_MultipleObjectsWithSameKeyValue";

// The Graph error reply: `status`, the body above (innerError.date is "yyyy-mm-ddThh:mm:ss",
// request-id = req.request_id, client-request-id = the request's client-request-id header or,
// without one, the request id), Content-Type application/json, and request-id /
// client-request-id headers.
http::Response error_response(const http::Request& req, TimePoint now, int status,
                              std::string_view code, std::string_view message);

// 401 InvalidAuthenticationToken for a refused bearer token, with Graph's WWW-Authenticate
// challenge. Messages: "Access token is empty." (missing) [C-doc: reported Graph replies],
// "Access token validation failure. Invalid audience." (audience) [C-doc], "Lifetime
// validation failed, the token is expired." (expired) [C-doc]; the others are inferred.
http::Response invalid_token(const http::Request& req, TimePoint now, TokenError error);

// 404 Request_ResourceNotFound "Resource '<id>' does not exist or one of its queried
// reference-property objects are not present." [C-doc: Graph replies quoted in public scripts]
http::Response resource_not_found(const http::Request& req, TimePoint now, std::string_view id);

// 403 Authorization_RequestDenied "Insufficient privileges to complete the operation."
// [C-doc: the reply for a token without the needed permission or role]
http::Response access_denied(const http::Request& req, TimePoint now);

// 400 BadRequest "/me request is only valid with delegated authentication flow."
// [observed: what az 2.45 receives from Graph; README Sources [S7]]
http::Response me_requires_delegated(const http::Request& req, TimePoint now);

// 400 BadRequest "Resource not found for the segment '<segment>'." [inferred: the OData text
// Graph returns for an unknown path segment]
http::Response segment_not_found(const http::Request& req, TimePoint now, std::string_view segment);

// 400 BadRequest "Invalid version." for a path outside /v1.0 [inferred]
http::Response invalid_version(const http::Request& req, TimePoint now);

// 405 Request_BadRequest "Specified HTTP method is not allowed for the request target."
// [inferred]
http::Response method_not_allowed(const http::Request& req, TimePoint now);

// 400 Request_BadRequest with `message` (invalid property values, duplicates, bad bodies).
http::Response bad_request(const http::Request& req, TimePoint now, std::string_view message);

// 400 Request_UnsupportedQuery with `message` (unsupported $filter, $top out of range:
// "Invalid page size specified: '<n>'. Must be between 1 and 999 inclusive." [C-doc: quoted
// in public Graph client code]).
http::Response unsupported_query(const http::Request& req, TimePoint now, std::string_view message);

}  // namespace emu::aad::graph
