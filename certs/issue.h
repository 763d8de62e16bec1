// The lab PKI's issuance policy (what a root CA, server and client certificate and the CRL
// carry) on top of emu::crypto, plus the inspections the reuse logic needs (names, issuer,
// CRL contents). Internal to emu::pki (and its tests). Pure functions of their arguments apart
// from random serials; safe to call from several threads on distinct objects.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/openssl.h"
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

// True for an IPv4/IPv6 literal or a DNS name (letters, digits, '-', '.', '_', a leading "*.").
bool is_valid_san_name(const std::string& name);

// Builds and signs (SHA-256) an X.509 v3 certificate for `subject_key` with a random
// positive 128-bit serial, SKI, and AKI. `issuer` nullptr = self-signed with subject_key.
// InvalidArgument for a name that is neither a DNS name nor an IP literal; Internal on an
// OpenSSL failure.
Result<crypto::X509Ptr> issue_cert(const CertSpec& spec, EVP_PKEY* subject_key,
                                   const crypto::Signer* issuer);

struct CrlSpec {
  TimePoint last_update;
  TimePoint next_update;
  std::vector<const ASN1_INTEGER*> revoked;  // serials, revoked at last_update (keyCompromise)
  long number = 1;                           // cRLNumber extension
};

// A v2 CRL signed (SHA-256) by `issuer`, with AKI and cRLNumber. Internal on failure.
Result<crypto::X509CrlPtr> issue_crl(const CrlSpec& spec, const crypto::Signer& issuer);

// The subjectAltName entries (DNS names and IP addresses in text form), in order.
std::vector<std::string> san_names(X509* cert);
// The first URI of the CRL distribution points extension, or "".
std::string crl_distribution_url(X509* cert);
// True if `cert` names `issuer` as issuer and its signature verifies with issuer's key.
bool issued_by(X509* cert, X509* issuer);
// The cRLNumber extension, or -1.
long crl_number(X509_CRL* crl);
// True if the CRL lists exactly the serials in `serials` (in any order).
bool crl_lists_exactly(X509_CRL* crl, const std::vector<const ASN1_INTEGER*>& serials);

}  // namespace emu::pki
