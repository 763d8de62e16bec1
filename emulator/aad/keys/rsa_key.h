// One token-signing key of the Entra ID party: an RSA key with its self-signed certificate,
// parsed once and kept in memory, that signs and verifies RS256 (SHA-256, PKCS#1 v1.5).
// Internal to emu::aad (signing_keys.cc and its tests); OpenSSL 3.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace emu::aad::internal {

// Subject and issuer CN of the self-signed certificates, as on Entra ID's real signing
// certificates (inferred from the public JWKS x5c of login.microsoftonline.com).
inline constexpr std::string_view kSigningCertCommonName = "accounts.accesscontrol.windows.net";
// Minimum RSA modulus size accepted for a signing key.
inline constexpr int kMinRsaBits = 2048;

// A fresh RSA-2048 key as unencrypted PKCS#8 PEM. Internal on an OpenSSL failure.
Result<std::string> generate_rsa_key_pem();
// A self-signed X.509 v3 certificate (PEM) for `key_pem`: CN kSigningCertCommonName, SHA-256
// signature, valid from now - 1 day for 5 years, serial derived from the public key (so the
// same key and time give the same certificate). InvalidArgument for a key that is not RSA
// >= kMinRsaBits; Internal on an OpenSSL failure.
Result<std::string> make_signing_cert_pem(std::string_view key_pem, TimePoint now);

// Immutable after load(); sign() and verify() may be called from any thread concurrently.
class RsaKey {
 public:
  // Parses `key_pem` (PKCS#8 or traditional, unencrypted) and `cert_pem`. InvalidArgument if
  // either does not parse, the key is not RSA >= kMinRsaBits, or the certificate's public key
  // is not the key's.
  static Result<std::shared_ptr<const RsaKey>> load(std::string_view key_pem,
                                                    std::string_view cert_pem);
  ~RsaKey();
  RsaKey(const RsaKey&) = delete;
  RsaKey& operator=(const RsaKey&) = delete;

  // base64url(SHA-1(certificate DER)); also the kid.
  const std::string& x5t() const { return x5t_; }
  const std::string& cert_der_b64() const { return cert_der_b64_; }  // standard base64
  const std::string& key_pem() const { return key_pem_; }
  const std::string& cert_pem() const { return cert_pem_; }
  // {"kty":"RSA","use":"sig","kid","x5t","n","e","x5c":[cert_der_b64]}
  const nlohmann::json& jwk() const { return jwk_; }
  // base64url of the default JWS header {"typ":"JWT","alg":"RS256","x5t","kid"}.
  const std::string& default_header_b64() const { return default_header_b64_; }

  // RS256 signature (raw bytes) of `input`. Internal on an OpenSSL failure.
  Result<std::string> sign(std::string_view input) const;
  // True iff `signature` is this key's RS256 signature of `input`.
  bool verify(std::string_view input, std::string_view signature) const;

 private:
  struct Handles;
  RsaKey();
  std::unique_ptr<Handles> handles_;
  std::string x5t_;
  std::string cert_der_b64_;
  std::string key_pem_;
  std::string cert_pem_;
  nlohmann::json jwk_;
  std::string default_header_b64_;
};

// Standard base64 with padding and no line breaks.
std::string base64_encode(std::string_view bytes);

}  // namespace emu::aad::internal
