// Certificate, CRL and PKCS#12 construction for the lab PKI, plus the inspections the
// reuse logic needs (validity window, names, issuer, CRL contents). Internal to emu::pki
// (and its tests). Pure functions of their arguments apart from random serials and keys;
// safe to call from several threads on distinct objects.
#pragma once

#include "emulator/core/crypto/openssl.h"
#include "emulator/core/clock.h"
#include "emulator/core/status.h"

#include <string>
#include <vector>

namespace emu::pki {

enum class CertRole {
  kRootCa,  // basicConstraints critical CA:TRUE, keyUsage keyCertSign+cRLSign
  kServer,  // EKU serverAuth, keyUsage digitalSignature+keyEncipherment
  kClient,  // EKU clientAuth, keyUsage digitalSignature+keyEncipherment
};

struct CertSpec {
  CertRole role = CertRole::kServer;
  std::string common_name;
  std::string organization;
  std::vector<std::string> names;  // subjectAltName entries: DNS names or IP literals
  TimePoint not_before;
  TimePoint not_after;
  std::string crl_url;  // CRL distribution point URI; "" = no such extension
};

// The certificate and key that sign a new certificate or CRL (both borrowed).
struct Signer {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
};

// True for an IPv4/IPv6 literal or a DNS name (letters, digits, '-', '.', '_', a leading "*.").
bool is_valid_san_name(const std::string& name);

// A fresh RSA key of `bits` bits. Internal on failure.
Result<EvpPkeyPtr> generate_rsa_key(int bits);

// Builds and signs (SHA-256) an X.509 v3 certificate for `subject_key` with a random
// positive 128-bit serial, SKI, and AKI. `issuer` nullptr = self-signed with subject_key.
// InvalidArgument for a name that is neither a DNS name nor an IP literal; Internal on an
// OpenSSL failure.
Result<X509Ptr> issue_cert(const CertSpec& spec, EVP_PKEY* subject_key, const Signer* issuer);

struct CrlSpec {
  TimePoint last_update;
  TimePoint next_update;
  std::vector<const ASN1_INTEGER*> revoked;  // serials, revoked at last_update (keyCompromise)
  long number = 1;                           // cRLNumber extension
};

// A v2 CRL signed (SHA-256) by `issuer`, with AKI and cRLNumber. Internal on failure.
Result<X509CrlPtr> issue_crl(const CrlSpec& spec, const Signer& issuer);

// PKCS#12 (DER) holding key + cert + `chain`: AES-256-CBC with PBKDF2 for key and
// certificates, SHA-256 MAC, 2048 iterations. Internal on failure.
Result<std::string> make_pfx(X509* cert, EVP_PKEY* key, const std::vector<X509*>& chain,
                             const std::string& password, const std::string& friendly_name);

// True if the PKCS#12 DER parses and its MAC verifies with `password`.
bool pfx_opens_with(const std::string& der, const std::string& password);

// The subjectAltName entries (DNS names and IP addresses in text form), in order.
std::vector<std::string> san_names(X509* cert);
// The first URI of the CRL distribution points extension, or "".
std::string crl_distribution_url(X509* cert);
// The subject's commonName, or "".
std::string common_name(X509* cert);
// True if notBefore <= t <= notAfter.
bool valid_at(X509* cert, TimePoint t);
// True if `cert` names `issuer` as issuer and its signature verifies with issuer's key.
bool issued_by(X509* cert, X509* issuer);
// The cRLNumber extension, or -1.
long crl_number(X509_CRL* crl);
// True if the CRL lists exactly the serials in `serials` (in any order).
bool crl_lists_exactly(X509_CRL* crl, const std::vector<const ASN1_INTEGER*>& serials);

}  // namespace emu::pki
