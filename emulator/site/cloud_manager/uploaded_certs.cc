#include "emulator/site/cloud_manager/uploaded_certs.h"

#include "emulator/core/files.h"
#include "emulator/core/text.h"

#include <cctype>
#include <filesystem>

namespace emu::site {
namespace {

constexpr const char* kPrefix = "cmg-upload-";
constexpr unsigned kKeyFileMode = 0600;
constexpr const char* kKeyBegin = "-----BEGIN PRIVATE KEY-----";

// A service name as a file name: DNS names only use [a-z0-9.-]; anything else becomes '_'.
std::string file_safe(const std::string& name) {
  std::string out = to_lower(name);
  for (char& c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) c = '_';
  return out;
}

}  // namespace

std::string UploadedCertificates::path_for(const std::string& service_name) const {
  return dir_ + "/" + kPrefix + file_safe(service_name) + ".pem";
}

Status UploadedCertificates::put(const std::string& service_name, UploadedCertificate cert) {
  std::string file = cert.chain_pem + cert.key_pem;
  {
    std::lock_guard lock(mu_);
    certs_[to_lower(service_name)] = std::move(cert);
  }
  if (dir_.empty()) return Status::Ok();
  return write_file_atomic(path_for(service_name), file, kKeyFileMode);
}

std::optional<UploadedCertificate> UploadedCertificates::get(
    const std::string& service_name) const {
  std::lock_guard lock(mu_);
  if (auto it = certs_.find(to_lower(service_name)); it != certs_.end()) return it->second;
  if (dir_.empty()) return std::nullopt;
  auto file = read_file(path_for(service_name));
  if (!file.ok()) return std::nullopt;
  const size_t key = file->find(kKeyBegin);
  if (key == std::string::npos) return std::nullopt;
  UploadedCertificate cert{file->substr(0, key), file->substr(key)};
  certs_[to_lower(service_name)] = cert;
  return cert;
}

void UploadedCertificates::clear() {
  std::lock_guard lock(mu_);
  certs_.clear();
  if (dir_.empty()) return;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec))
    if (entry.path().filename().string().rfind(kPrefix, 0) == 0)
      std::filesystem::remove(entry.path(), ec);
}

}  // namespace emu::site
