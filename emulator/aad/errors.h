// AADSTS errors: the Entra ID security token service's error replies, as data. One factory per
// AADSTS code returns an AadError (code, HTTP status, OAuth `error`, message text); the render
// functions turn it into the real wire shapes: the token endpoint's JSON body (README
// Sources [S3]), the HTML error page of the authorize endpoint, and the redirect
// parameters of an OAuth error sent back to a client's redirect URI.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"
#include "emulator/core/ids.h"
#include "emulator/core/text.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::aad {

struct AadError {
  int code = 0;           // the AADSTS number, e.g. 7000215
  int http_status = 400;  // status of the token-endpoint reply
  std::string error;      // OAuth error code, e.g. "invalid_client"
  std::string message;    // the text after "AADSTS<n>: "
  std::string suberror;   // optional ("consent_required", "basic_action", ...)
  // Extra top-level body fields some errors carry (e.g. "claims" for conditional access).
  std::vector<std::pair<std::string, std::string>> extra;

  // "AADSTS<code>: <message>"
  std::string headline() const;
};

// Value of the x-ms-ests-server header on every reply of the token service (Entra sends its
// build and slice; the emulator names itself).
inline constexpr const char* kEstsServer = "2.1.19000.0 - cmgemu ProdSlices";

// The per-request identifiers every AADSTS reply carries.
struct ErrorContext {
  TimePoint now{};
  std::string trace_id;        // also sent as x-ms-request-id
  std::string correlation_id;  // the client's client-request-id when it sent one
};

// Builds the context of `req`: trace ID = req.request_id when set, else a new GUID from `ids`;
// correlation ID = `client_request_id` if non-empty, else the client-request-id header, else
// the client-request-id query parameter, else a new GUID. Time from `clock`.
ErrorContext make_error_context(const http::Request& req, const Clock& clock, IdSource& ids,
                                std::string_view client_request_id = {});

// "yyyy-mm-dd hh:mm:ssZ", the timestamp format of AADSTS replies.
std::string aad_timestamp(TimePoint t);

// {"error","error_description","error_codes","timestamp","trace_id","correlation_id",
//  "error_uri"[,"suberror"][,extra...]}; error_description is
// "AADSTS<n>: <text>\r\nTrace ID: <id>\r\nCorrelation ID: <id>\r\nTimestamp: <ts>".
nlohmann::json aad_error_body(const AadError& e, const ErrorContext& ctx);
// The JSON reply with e.http_status, Content-Type application/json; charset=utf-8,
// Cache-Control no-store, and x-ms-request-id, x-ms-ests-server, x-ms-clitelem,
// client-request-id headers.
http::Response aad_error_response(const AadError& e, const ErrorContext& ctx);
// The sign-in error page ("Sorry, but we're having trouble signing you in." + the AADSTS line,
// Request Id, Correlation Id, Timestamp), served with status 400 (inferred: the status Entra
// uses for this page is not recorded in a public source).
http::Response aad_error_page(const AadError& e, const ErrorContext& ctx);
// error, error_description (as in the JSON body), error_uri: the parameters of an OAuth error
// redirect (RFC 6749 §4.1.2.1), in that order.
std::vector<std::pair<std::string, std::string>> aad_error_params(const AadError& e,
                                                                  const ErrorContext& ctx);

// Escapes &, <, >, " and ' for HTML text and attribute values (emulator/core/text.h).
using emu::html_escape;

// Factories, one per AADSTS code. Texts follow Entra's wording where a source records it;
// each cites recorded replies (README Sources [S3]), another public source, or says "inferred".
namespace aadsts {

AadError invalid_client_secret(std::string_view app_id);                           // 7000215
AadError expired_client_secret(std::string_view app_id);                           // 7000222
AadError client_credentials_missing();                                             // 7000216
AadError client_auth_missing();                                                    // 7000218
AadError public_client_credentials(std::string_view app_id);                       // 700025
AadError application_not_found(std::string_view app_id, std::string_view tenant);  // 700016
AadError service_principal_missing(std::string_view app_id,
                                   std::string_view tenant);  // 7000229
AadError tenant_not_found(std::string_view tenant,
                          std::string_view oauth_error = "invalid_request");      // 90002
AadError invalid_username_or_password();                                          // 50126
AadError user_not_found(std::string_view user, std::string_view tenant);          // 50034
AadError user_disabled();                                                         // 50057
AadError mfa_required(std::string_view resource_app_id);                          // 50076
AadError login_required();                                                        // 50058
AadError missing_parameter(std::string_view name);                                // 900144
AadError duplicate_parameter(std::string_view name);                              // 9000411
AadError query_string_too_long();                                                 // 90015
AadError malformed_request(std::string_view detail);                              // 90004
AadError invalid_scope(std::string_view scope);                                   // 70011
AadError default_scope_required(std::string_view scope);                          // 1002012
AadError multiple_resources(std::string_view scope);                              // 28000
AadError resource_not_found(std::string_view resource, std::string_view tenant);  // 500011
AadError consent_required(std::string_view app_id, std::string_view app_name);    // 65001
AadError malformed_jwt();                                                         // 50027
// `reason` e.g. "The key was not found."; `thumbprint` is upper-case hex of the client's key.
AadError assertion_invalid_signature(std::string_view reason, std::string_view thumbprint,
                                     std::string_view app_id);                      // 700027
AadError assertion_subject_mismatch();                                              // 700021
AadError assertion_audience_mismatch();                                             // 700023
AadError assertion_time_range(TimePoint now, TimePoint nbf, TimePoint exp);         // 700024
AadError code_redeemed();                                                           // 54005
AadError code_expired();                                                            // 70008
AadError refresh_token_expired();                                                   // 700082
AadError malformed_grant();                                                         // 9002313
AadError grant_invalid(std::string_view detail);                                    // 70000
AadError pkce_mismatch();                                                           // 501481
AadError reply_address_mismatch(std::string_view sent, std::string_view original);  // 500112
AadError redirect_uri_mismatch(std::string_view uri, std::string_view app_id);      // 50011
AadError authorization_pending();                                                   // 70016
AadError device_code_expired();                                                     // 70020
AadError authorization_declined();                                                  // 65004
AadError bad_verification_code();                                                   // 70018
AadError user_code_expired();                                                       // 70019
AadError device_flow_completed();                                                   // 90120
AadError unsupported_grant_type(std::string_view grant_type);                       // 70003
AadError device_not_found(std::string_view tenant);                                 // 700003
AadError device_disabled();                                                         // 135011
AadError device_authentication_failed();                                            // 50155
AadError unsupported_response_type(std::string_view response_type);                 // 70005
AadError unknown_instance();                                                        // 50049
AadError server_error(std::string_view detail);                                     // 50000

}  // namespace aadsts
}  // namespace emu::aad
