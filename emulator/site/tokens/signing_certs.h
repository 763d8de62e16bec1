// The site's own certificates (README Sources [S3]): the SMS Token Signing Certificate, which signs
// bulk registration tokens and site-issued client tokens, and the site signing certificate.
// Both are self-signed RSA-2048 (the token signer named "SMS Issuing"), created by the emulated
// Certificate Manager on first use and kept (key and certificate) in the PKI folder so that a
// restarted lab signs with the same key.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/status.h"
#include "emulator/core/text.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace emu::site {

// An RSA signing certificate with its key, parsed once. Immutable; thread-safe.
class SiteSigningCert {
 public:
  // Loads "<dir>/site-<CODE>-<kind>.{crt,key}" ("token-signing" / "site-signing"; the site
  // code upper-cased), or creates them (valid from now - 1 day for 5 years [inferred]; subject
  // CN "SMS Issuing" for kind "token-signing" [C: README Sources [S3] names the root], "Site Server
  // Signing Certificate" otherwise [inferred]; RSA-2048, SHA-256, CA:FALSE, keyUsage
  // digitalSignature). Existing files are reused only when both parse, the key is RSA >= 2048
  // and belongs to the certificate, the CN is the expected one and `now` is inside the
  // validity period; otherwise both are replaced (atomic write + rename; key mode 0600, cert
  // 0644; the folder is created if missing). `dir` = "" keeps them in memory only.
  // InvalidArgument for a site code that is not 3 letters/digits or another kind; Internal on
  // an OpenSSL or file failure. Safe to call concurrently for different (dir, code, kind).
  static Result<std::shared_ptr<const SiteSigningCert>> ensure(const std::string& dir,
                                                               const std::string& site_code,
                                                               const std::string& kind,
                                                               TimePoint now);
  ~SiteSigningCert();

  const std::string& cert_pem() const { return cert_pem_; }
  const std::string& thumbprint() const { return thumbprint_; }  // SHA-1, upper-case hex
  const std::string& x5t() const { return x5t_; }                // base64url SHA-1 of DER
  const std::string& subject() const { return subject_; }        // the CN, e.g. "SMS Issuing"
  TimePoint not_before() const { return not_before_; }
  TimePoint not_after() const { return not_after_; }

  // A compact JWS: header {"typ":"JWT","alg":"RS256","x5t":<x5t>} (in that order), `payload`
  // serialized compactly (nlohmann::json sorts keys; use sign_jwt_ordered to keep an order).
  // InvalidArgument if the payload holds invalid UTF-8; Internal on an OpenSSL failure.
  Result<std::string> sign_jwt(const nlohmann::json& payload) const;
  // The same, keeping the payload's member order (e.g. the bulk token's claim order).
  Result<std::string> sign_jwt_ordered(const nlohmann::ordered_json& payload) const;
  // verify_jwt(token, cert_pem()) with the key already parsed (no certificate parsing).
  Result<nlohmann::json> verify_jwt(std::string_view token) const;

 private:
  SiteSigningCert();
  Result<std::string> sign_payload_text(std::string_view payload_json) const;
  struct Handles;
  std::unique_ptr<Handles> handles_;
  std::string cert_pem_, thumbprint_, x5t_, subject_;
  TimePoint not_before_{}, not_after_{};
};

// "<dir>/site-<CODE>-<kind>": the path ensure() appends ".crt" / ".key" to.
std::string site_signing_cert_base(const std::string& dir, const std::string& site_code,
                                   const std::string& kind);

// Verifies a compact RS256 JWS against the public key of `cert_pem` and returns its payload.
// PermissionDenied for a bad signature or an "alg" other than RS256 (checked before the
// signature); InvalidArgument for a malformed token (not three parts, bad base64url, header or
// payload not a JSON object) or an unparsable `cert_pem`. Does not check times or x5t.
Result<nlohmann::json> verify_jwt(std::string_view token, std::string_view cert_pem);

}  // namespace emu::site
