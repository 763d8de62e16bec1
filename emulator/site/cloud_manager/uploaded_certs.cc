#include "emulator/site/cloud_manager/uploaded_certs.h"

#include "emulator/core/files.h"
#include "emulator/core/text.h"

#include <cctype>
#include <filesystem>

namespace emu::site {
namespace {

constexpr const char* kPrefix = "cmg-upload-";
constexpr unsigned kKeyFileMode = 0600;
constexpr unsigned kCertFileMode = 0644;

// A service name as a file name: DNS names only use [a-z0-9.-]; anything else becomes '_'.
std::string file_safe(const std::string& name) {
  std::string out = to_lower(name);
  for (char& c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) c = '_';
  return out;
}

}  // namespace

std::string UploadedCertificates::path_for(const std::string& service_name) const {
  return dir_ + "/" + kPrefix + file_safe(service_name);
}

Status UploadedCertificates::put(const std::string& service_name, UploadedCertificate cert) {
  if (!dir_.empty()) {
    const std::string base = path_for(service_name);
    EMU_RETURN_IF_ERROR(write_file_atomic(base + ".key", cert.key_pem, kKeyFileMode));
    EMU_RETURN_IF_ERROR(write_file_atomic(base + ".crt", cert.chain_pem, kCertFileMode));
  }
  std::lock_guard lock(mu_);
  certs_[to_lower(service_name)] = std::move(cert);
  return Status::Ok();
}

std::optional<UploadedCertificate> UploadedCertificates::get(
    const std::string& service_name) const {
  std::lock_guard lock(mu_);
  if (auto it = certs_.find(to_lower(service_name)); it != certs_.end()) return it->second;
  if (dir_.empty()) return std::nullopt;
  const std::string base = path_for(service_name);
  auto chain = read_file(base + ".crt");
  auto key = read_file(base + ".key");
  if (!chain.ok() || !key.ok()) return std::nullopt;
  UploadedCertificate cert{std::move(chain).value(), std::move(key).value()};
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
