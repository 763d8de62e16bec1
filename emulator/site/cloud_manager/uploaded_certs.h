// The CMG server certificates, with their private keys, that the Create CMG wizard uploaded to
// Azure: what the CMG service presents once Ready. The wizard opens the .pfx with the password
// the admin typed and keeps only the certificate chain and key; neither the password nor the
// key reaches the site database (the record keeps the .pfx path and the thumbprint).
#pragma once

#include "emulator/core/status.h"

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace emu::site {

struct UploadedCertificate {
  std::string chain_pem;  // leaf first, then the .pfx's other certificates
  std::string key_pem;    // unencrypted PKCS#8
};

// Keyed by the lower-case service name. In memory, and for a persistent lab also in
// "<state_dir>/cmg-upload-<name>.crt" and ".key" (0600), so a resumed lab's CMG presents it
// again.
// Thread-safe.
class UploadedCertificates {
 public:
  // `state_dir` = "" keeps certificates in memory only.
  explicit UploadedCertificates(std::string state_dir) : dir_(std::move(state_dir)) {}

  // Internal on a write failure (nothing is kept then).
  Status put(const std::string& service_name, UploadedCertificate cert);
  // The upload for `service_name`, from memory or the state folder; nullopt if none.
  std::optional<UploadedCertificate> get(const std::string& service_name) const;
  // Forgets every upload and removes their files (Lab reset).
  void clear();

 private:
  std::string path_for(const std::string& service_name) const;

  std::string dir_;
  mutable std::mutex mu_;
  mutable std::map<std::string, UploadedCertificate> certs_;  // guarded by mu_
};

}  // namespace emu::site
