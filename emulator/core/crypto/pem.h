// PEM, DER and PKCS#12 (.pfx) encoding and decoding of certificates, private keys and CRLs.
// Parsing never prompts for a password: an encrypted PEM key simply fails to parse.
// Errors: InvalidArgument("<context>: <OpenSSL reasons>") for input that does not parse,
// Internal("<OpenSSL function>: <reasons>") when encoding fails. Results own what they hold;
// arguments are borrowed. Thread-safe (distinct objects, or const use of shared ones).
#pragma once

#include "emulator/core/crypto/openssl.h"
#include "emulator/core/status.h"

#include <string>
#include <string_view>
#include <vector>

namespace emu::crypto {

// The first certificate in `pem`.
Result<X509Ptr> parse_cert_pem(std::string_view pem,
                               std::string_view context = "parsing certificate PEM");
// Every certificate in `pem`, in order (up to the first block that does not parse);
// InvalidArgument if there is none.
Result<std::vector<X509Ptr>> parse_certs_pem(std::string_view pem,
                                             std::string_view context = "parsing certificate PEM");
// An unencrypted private key: PKCS#8 or traditional.
Result<EvpPkeyPtr> parse_key_pem(std::string_view pem,
                                 std::string_view context = "parsing private key PEM");
Result<X509CrlPtr> parse_crl_pem(std::string_view pem,
                                 std::string_view context = "parsing CRL PEM");
// Every CRL in `pem`, in order; InvalidArgument if there is none.
Result<std::vector<X509CrlPtr>> parse_crls_pem(std::string_view pem,
                                               std::string_view context = "parsing CRL PEM");
// A DER certificate; trailing bytes after the certificate are ignored.
Result<X509Ptr> parse_cert_der(std::string_view der,
                               std::string_view context = "parsing certificate DER");

Result<std::string> cert_to_pem(const X509* cert);
Result<std::string> cert_to_der(const X509* cert);
Result<std::string> key_to_pem(const EVP_PKEY* key);  // unencrypted PKCS#8
Result<std::string> crl_to_pem(const X509_CRL* crl);
Result<std::string> crl_to_der(const X509_CRL* crl);

// PKCS#12 (DER) holding `key`, `cert` and `chain` under `friendly_name`: AES-256-CBC with
// PBKDF2 for the key and the certificates, SHA-256 MAC, 2048 iterations.
Result<std::string> make_pfx(X509* cert, EVP_PKEY* key, const std::vector<X509*>& chain,
                             const std::string& password, const std::string& friendly_name);
// Parses PKCS#12 DER without opening it.
Result<Pkcs12Ptr> parse_pfx_der(std::string_view der,
                                std::string_view context = "parsing PKCS #12 DER");
// What a .pfx holds; `key` or `cert` is null when the file has none.
struct PfxContents {
  EvpPkeyPtr key;
  X509Ptr cert;
  std::vector<X509Ptr> chain;  // the other certificates
};
// Verifies the MAC with `password` and decrypts. InvalidArgument("opening PKCS #12: <reasons>")
// for a wrong password (or contents OpenSSL cannot decrypt).
Result<PfxContents> open_pfx(PKCS12* pfx, const std::string& password);
// True if `der` parses as PKCS#12 and its MAC verifies with `password`.
bool pfx_opens_with(std::string_view der, const std::string& password);

}  // namespace emu::crypto
