// Lab PKI on OpenSSL 3: a private root CA, server certificates carrying the real-world names,
// client-authentication certificates, a CRL served by the emulator, and deliberately bad
// fixtures. Private keys are generated at run time and kept only in the PKI folder.
// Validity windows are computed from the virtual clock's `now`.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/status.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace emu::pki {

// Names every lab server certificate carries besides the service names.
inline const std::vector<std::string> kLoopbackNames = {"localhost", "127.0.0.1", "::1"};
// Real-world Azure names served by the emulator.
inline const std::vector<std::string> kAzureNames = {
    "management.azure.com", "login.microsoftonline.com", "graph.microsoft.com"};

struct PkiOptions {
  TimePoint now;  // virtual time the validity windows are based on
  // A second instant every good certificate must also be valid at (the expired fixture
  // expired at): the lab passes the real time here, so that real clients (curl, az, openssl)
  // and the emulator's virtual-time checks both accept the same files.
  std::optional<TimePoint> also_valid_at;
  std::vector<std::string> cmg_names;  // CMG service/deployment names to issue for
  // CRL distribution point written into every certificate the lab CA issues. The emulator
  // serves the CRL at this path on its plain-HTTP "crl" listener.
  std::string crl_host = "crl.cmgemu.test";
  std::string crl_path = "/pki/cmgemu-lab-root-ca.crl";
  std::string pfx_password = "cmgemu";  // password of every .pfx written
  int rsa_bits = 2048;
};

// One certificate with its key, in memory and on disk (`<dir>/<name>.pem`, `<name>.key`,
// and `<name>.pfx` for leaf certificates).
struct IssuedCert {
  std::string name;
  std::string cert_pem;
  std::string key_pem;
  std::string cert_path;
  std::string key_path;
  std::string pfx_path;    // "" for CAs
  std::string thumbprint;  // SHA-1 of the DER, upper-case hex (Windows style)
};

struct LabPki {
  std::string dir;
  IssuedCert ca;              // "cmgemu-lab-root-ca": trusted by lab clients
  IssuedCert rogue_ca;        // "rogue-root-ca": an unrelated root that nobody trusts
  IssuedCert server;          // "server-azure": kAzureNames + kLoopbackNames, serverAuth
  IssuedCert client;          // "client": clientAuth, issued by the lab CA
  IssuedCert foreign_client;  // "foreign-client": clientAuth, issued by the rogue CA
  IssuedCert expired;         // "bad-expired": server cert whose notAfter is before now
  IssuedCert wrong_name;      // "bad-wrong-name": SAN only "wrong-name.cmgemu.test"
  IssuedCert untrusted;       // "bad-untrusted": server cert issued by the rogue CA
  IssuedCert revoked;         // "bad-revoked": server cert listed in the lab CRL
  // One per PkiOptions::cmg_names entry (and per ensure_server_cert call), keyed by the
  // certificate name "cmg-<service name>" (== IssuedCert::name), e.g. "cmg-cmg.contoso.com".
  std::map<std::string, IssuedCert> cmg;
  std::string crl_pem;  // lab CA CRL (revokes `revoked`), also at crl_file
  std::string crl_der;
  std::string crl_file;  // "<dir>/cmgemu-lab-root-ca.crl" (PEM)
  std::string crl_url;   // "http://<crl_host><crl_path>"
};

// Loads the PKI from `dir` if it is complete and still valid at options.now, otherwise
// (re)generates what is missing or stale, reusing existing keys. Creates `dir` if needed.
// InvalidArgument for a bad option; Internal with OpenSSL's reason on a crypto failure.
// A certificate is re-issued (with its existing key when `<name>.key` parses) when its file is
// missing or unparsable, it does not match its key or issuer, it is not valid at options.now
// (for "bad-expired": not expired at now), it lacks a required name or the CRL URL, or its
// issuing CA was re-issued. The lab CA is also re-issued when it would expire within 398 days.
// Files are replaced atomically (write + rename); key files have mode 0600. Not safe for
// concurrent calls on the same `dir` (from threads or processes): callers serialize.
Result<LabPki> ensure_lab_pki(const std::string& dir, const PkiOptions& options);

// Issues (or loads, if present and valid) a server certificate for `names` + kLoopbackNames,
// named "cmg-<names[0]>", signed by the lab CA, with a .pfx (password options.pfx_password).
// InvalidArgument if `names` is empty or holds a name that is neither a DNS name nor an IP
// literal. Stores the result in pki.cmg["cmg-" + names[0]] and returns a copy.
Result<IssuedCert> ensure_server_cert(LabPki& pki, const std::vector<std::string>& names,
                                      const PkiOptions& options);

// Issues a server certificate for `names` + kLoopbackNames signed by the lab CA, in memory only
// (nothing is written to pki.dir): a site system's IIS certificate, such as an HTTPS MP's. Valid
// from a day before the earliest of `valid_at` to 397 days after the latest (the lab passes
// virtual and real now, as for the lab's own certificates), with the lab CRL URL. CN = names[0];
// IssuedCert::name = "server-<names[0]>", no files. InvalidArgument for an empty `names` or
// `valid_at`, or a name that is neither a DNS name nor an IP literal.
Result<IssuedCert> issue_server_cert(const LabPki& pki, const std::vector<std::string>& names,
                                     const std::vector<TimePoint>& valid_at);

// Verifies the first certificate of `leaf_pem` (further certificates there are untrusted
// intermediates) against the trust anchors in `ca_pem` with OpenSSL's X509_verify_cert at
// time `at`. When `host` is non-empty it must match (an IP literal is matched against the
// iPAddress SANs, anything else as a DNS name). When `crl_pem` is non-empty it is loaded
// and the leaf's revocation is checked (X509_V_FLAG_CRL_CHECK). Returns OK,
// PermissionDenied("certificate verify failed: <X509_verify_cert_error_string>"), or
// InvalidArgument when an input does not parse. Thread-safe.
Status verify_chain(const std::string& leaf_pem, const std::string& ca_pem, const std::string& host,
                    TimePoint at, const std::string& crl_pem);

}  // namespace emu::pki
