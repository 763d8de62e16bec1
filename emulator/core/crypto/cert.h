// X.509 certificates: fingerprints, the inspections callers share, ASN.1 time conversion,
// and building (self-signed or CA-signed) certificates. Arguments are borrowed; results own
// what they hold. Thread-safe on distinct objects and for const use of shared certificates.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/crypto/openssl.h"
#include "emulator/core/status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace emu::crypto {

// SHA-1 of the certificate's DER as upper-case hex without separators: the Windows thumbprint
// (certlm.msc, Cert:\ drive, ConfigMgr). Internal with OpenSSL's reason on failure.
Result<std::string> thumbprint(const X509* cert);
// base64url(SHA-1(DER)) without padding: the JWS "x5t" header (RFC 7515 §4.1.7).
Result<std::string> x5t(const X509* cert);

// The first commonName of the subject as UTF-8, or "".
std::string common_name(const X509* cert);
// The name in RFC 2253 form ("CN=x,O=y"), or "" on failure.
std::string name_rfc2253(const X509_NAME* name);
// True if notBefore <= t <= notAfter (whole seconds).
bool valid_at(const X509* cert, TimePoint t);

// Whole seconds since the Unix epoch (floor).
int64_t to_time_t(TimePoint t);
// Compares an ASN.1 time with `t` (whole seconds): -1 earlier, 0 equal, 1 later; -2 if
// unparsable or null.
int compare_asn1_time(const ASN1_TIME* asn1, TimePoint t);
// The instant an ASN.1 time names. InvalidArgument for a null or unparsable time.
Result<TimePoint> asn1_to_time(const ASN1_TIME* asn1);

// True for an IPv4/IPv6 literal (it belongs in an iPAddress subjectAltName entry).
bool is_ip_literal(const std::string& name);

// A fresh RSA key of `bits` bits. InvalidArgument below 1024 bits; Internal on failure.
Result<EvpPkeyPtr> generate_rsa_key(int bits);

// One X.509 v3 extension, added in the order given.
struct CertExtension {
  int nid = NID_undef;
  // OpenSSL configuration syntax (man x509v3_config), e.g. "critical,CA:FALSE", "hash",
  // "keyid:always", "URI:http://host/x.crl". Unused for NID_subject_alt_name with `names`.
  std::string value;
  // NID_subject_alt_name only: IP literals become iPAddress entries, anything else a dNSName
  // (not validated here). When non-empty it replaces `value`.
  std::vector<std::string> names;
};

// What build_cert writes into the certificate.
struct CertificateSpec {
  std::string organization;  // subject O, "" = none (written before CN)
  std::string common_name;   // subject CN, "" = none
  TimePoint not_before;      // floored to whole seconds
  TimePoint not_after;
  // false: a random positive 128-bit serial. true: the first 128 bits of SHA-256 of the
  // subject public key (same key, same serial), made positive the same way.
  bool serial_from_key = false;
  std::vector<CertExtension> extensions;
};

// The certificate and key that sign a new certificate or CRL (both borrowed).
struct Signer {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
};

// Builds an X.509 v3 certificate for `subject_key` and signs it with SHA-256: by `issuer`
// (issuer name = issuer's subject; extension contexts such as authorityKeyIdentifier see the
// issuer certificate), or self-signed with `subject_key` when `issuer` is nullptr.
// Internal with OpenSSL's reason on failure (e.g. an extension value OpenSSL rejects).
Result<X509Ptr> build_cert(const CertificateSpec& spec, EVP_PKEY* subject_key,
                           const Signer* issuer);

}  // namespace emu::crypto
