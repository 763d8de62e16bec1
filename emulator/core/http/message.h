// Plain HTTP request/response values seen by service handlers. No Boost types leak from here:
// the server (server.h) converts Beast messages to and from these.
#pragma once

#include "emulator/core/status.h"
#include "emulator/core/text.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::http {

// Whether a TLS listener asks clients for a certificate.
enum class ClientCertMode {
  kNone,      // no certificate requested
  kOptional,  // requested; the handshake completes either way, the result is in
              // Request::client_cert for the handler to judge
  kRequired,  // the handshake fails unless a certificate that verifies is presented
};

// Ordered header list with case-insensitive lookup (names keep the case they were set with).
class Headers {
 public:
  // First value for `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  std::string get_or(std::string_view name, std::string_view fallback) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  // Replaces every value of `name` with one value.
  void set(std::string name, std::string value);
  // Appends a value (for repeatable headers such as Set-Cookie).
  void add(std::string name, std::string value);
  void erase(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// What the TLS layer learnt about the peer's client certificate.
struct ClientCertInfo {
  bool presented = false;       // the peer sent a certificate
  bool verified = false;        // it chains to the listener's client CA and is valid at virtual now
  std::string verify_error;     // OpenSSL's reason when !verified and presented
  std::string subject;          // RFC 2253 subject, e.g. "CN=client.lab"
  std::string issuer;           // RFC 2253 issuer
  std::string thumbprint_sha1;  // upper-case hex, as Windows shows a thumbprint
  std::string der;              // the certificate, DER
};

struct Request {
  std::string method;        // upper case as received, e.g. "GET", "CCM_POST"
  std::string target;        // raw request-target, e.g. "/a/b?x=1"
  std::string path;          // target before '?', not percent-decoded
  std::string query_string;  // after '?', raw
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;

  // Filled by the server.
  std::string listener;  // name of the listener that accepted the connection
  std::string host;      // Host header without port, lower case
  std::string sni;       // TLS server name the client asked for ("" if none / plain)
  bool tls = false;
  ClientCertInfo client_cert;
  std::string request_id;  // from the IdSource, unique per request
  // In-process only, never from the wire: engaged when a CMG connection point forwards the
  // request, holding the client certificate the CMG verified (presented = false: none).
  // client_cert is then what the connection point itself presented to the role.
  std::optional<ClientCertInfo> cmg_client_cert;

  // Filled by the router: {param} values, percent-decoded.
  std::map<std::string, std::string> params;

  // First query value for `name` (exact, case-sensitive match), or nullopt.
  std::optional<std::string> query_param(std::string_view name) const;
  // Same, ignoring ASCII case of the name (ARM's api-version is matched like this).
  std::optional<std::string> query_param_ci(std::string_view name) const;
  std::string param(const std::string& name) const;
};

struct Response {
  int status = 200;
  // Reason phrase written on the status line ("HTTP/1.1 403 CMGConnector_Forbidden"); "" = the
  // standard one for `status`. Characters a status line cannot carry (CR, LF and other
  // controls but HTAB) are dropped when it is written.
  std::string reason;
  Headers headers;
  std::string body;
  // Set by a fault: drop the connection without answering.
  bool reset_connection = false;
  // Close the connection after writing the response.
  bool close = false;
};

// Responses with Content-Type set. `json_response` serialises with dump() (compact).
Response text_response(int status, std::string body, std::string content_type = "text/plain");
Response json_response(int status, const nlohmann::json& body);

// Percent-decodes `s`; when `plus_as_space`, '+' becomes ' ' (form encoding).
std::string url_decode(std::string_view s, bool plus_as_space = false);
// Percent-encodes everything except unreserved characters (RFC 3986).
std::string url_encode(std::string_view s);
// Parses "a=1&b=two" (application/x-www-form-urlencoded or a query string), in order.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body);
// Parses the request body as JSON with kDefaultJsonLimits (core/json_limits.h; comments not
// allowed). InvalidArgument with the parser's message and byte offset on malformed input or an
// empty body; ResourceExhausted when the body is too large or too deep.
Result<nlohmann::json> parse_json_body(const Request& req);
// Case-insensitive ASCII comparison and lower-casing (emu::iequals, emu::to_lower).
using emu::iequals;
using emu::to_lower;
// Reason phrase for a status code ("Not Found").
std::string_view reason_phrase(int status);
// `reason` without the characters RFC 9112 §4 forbids in a reason-phrase (anything but HTAB,
// SP, visible ASCII and obs-text bytes 0x80-0xFF).
std::string sanitize_reason(std::string_view reason);

}  // namespace emu::http
