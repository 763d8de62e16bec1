// Helpers shared by the wizard and the cloud service manager: outcomes, logs, site DB access,
// the server-authentication .pfx loader and the error shape of failed Azure calls.
#include "emulator/core/http/message.h"
#include "emulator/site/cloud_manager/internal.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

namespace emu::site::cloud {

std::string task_name(const std::string& kind, const std::string& service) {
  return kind + " for service " + service;
}

std::string str_arg(const json& args, const char* key, std::string fallback) {
  if (!args.is_object()) return fallback;
  auto it = args.find(key);
  return it != args.end() && it->is_string() ? it->get<std::string>() : fallback;
}

json service_output(const sitedb::CloudService& s) {
  json out = {{"service_name", s.name},
              {"deployment_name", s.deployment_name},
              {"region", s.region},
              {"resource_group", s.resource_group},
              {"subscription_id", s.subscription_id},
              {"vm_size", s.vm_size},
              {"instances", s.instances},
              {"status", sitedb::state_name(s.state)},
              {"status_description", s.status_description},
              {"next_maintenance", s.next_maintenance},
              {"id", s.id}};
  for (const char* fact : {"public_ip", "fqdn", "resources", "last_error"})
    if (s.settings.contains(fact)) out[fact] = s.settings[fact];
  return out;
}

void cloud_log(SiteEnv& env, const std::string& message, TraceSeverity severity) {
  env.log(kCloudMgrLog, kCloudMgrComponent, message, severity);
}

void console_log(SiteEnv& env, const std::string& message, TraceSeverity severity) {
  env.log(kAdminUiLog, kAdminUiComponent, message, severity, 7316);
}

Result<sitedb::CloudService> find_service(SiteEnv& env, const std::string& name) {
  if (name.empty()) return InvalidArgument("cmg: the service name is required");
  return env.io([&]() -> Result<sitedb::CloudService> {
    auto found = env.db.cloud_service(name);
    if (!found.ok()) return NotFound("no cloud management gateway named '" + name + "'");
    return found;
  });
}

Status save_service(SiteEnv& env, const sitedb::CloudService& service) {
  return env.io([&] { return env.db.update_cloud_service(service); });
}

std::string with_api(const std::string& path, const std::string& api_version) {
  return path + (path.find('?') == std::string::npos ? "?" : "&") + "api-version=" + api_version;
}

std::string CloudError::summary() const {
  std::string s = code.empty() ? message : code + ": " + message;
  for (const auto& [c, m] : details)
    if (c != code || m != message) s += "; " + c + ": " + m;  // ARM often repeats the top error
  return s;
}

CloudError cloud_error(const AzureError& error, const json& body) {
  CloudError e;
  e.status = error.status;
  e.code = error.code;
  e.message = error.message;
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const json& err = body["error"];
    if (e.code.empty()) e.code = str_arg(err, "code");
    if (e.message.empty()) e.message = str_arg(err, "message");
    for (const json& d : err.value("details", json::array()))
      if (d.is_object()) e.details.emplace_back(str_arg(d, "code"), str_arg(d, "message"));
    e.content = body.dump();
  }
  if (e.status == 0 && e.code.empty()) e.code = "ServiceUnavailable";  // no answer at all
  return e;
}

// --- .pfx ---

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using P12Ptr = std::unique_ptr<PKCS12, Deleter<PKCS12, PKCS12_free>>;

void free_chain(STACK_OF(X509) * chain) { sk_X509_pop_free(chain, X509_free); }

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

std::string subject_cn(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (i < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return "";
  std::string cn(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return cn;
}

Result<std::string> sha1_thumbprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha1(), md, &n) != 1)
    return Internal("certificate thumbprint: " + openssl_reason());
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < n; ++i) {
    std::snprintf(byte, sizeof byte, "%02X", md[i]);
    hex += byte;
  }
  return hex;
}

}  // namespace

std::string resolve_path(const std::string& dir, const std::string& name) {
  if (name.empty() || name[0] == '/' || dir.empty()) return name;
  return dir + "/" + name;
}

Result<PfxCertificate> load_pfx(const std::string& path, const std::string& password) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("The certificate file " + path + " was not found.");
  std::stringstream data;
  data << in.rdbuf();
  const std::string der = data.str();
  BioPtr bio(BIO_new_mem_buf(der.data(), static_cast<int>(der.size())));
  P12Ptr p12(bio ? d2i_PKCS12_bio(bio.get(), nullptr) : nullptr);
  if (!p12) return InvalidArgument(path + " is not a PKCS #12 (.pfx) file: " + openssl_reason());
  EVP_PKEY* key_raw = nullptr;
  X509* cert_raw = nullptr;
  STACK_OF(X509)* chain = nullptr;
  if (PKCS12_parse(p12.get(), password.c_str(), &key_raw, &cert_raw, &chain) != 1) {
    ERR_clear_error();
    // Inferred wording of the wizard's dialog for a wrong password.
    return InvalidArgument("The certificate password is incorrect for " + path + ".");
  }
  KeyPtr key(key_raw);
  X509Ptr cert(cert_raw);
  if (chain != nullptr) free_chain(chain);
  if (!cert) return InvalidArgument(path + " holds no certificate.");
  if (!key) return InvalidArgument(path + " holds no private key.");
  PfxCertificate out;
  out.common_name = subject_cn(cert.get());
  if (out.common_name.empty()) return InvalidArgument(path + ": the certificate has no CN.");
  EMU_ASSIGN_OR_RETURN(out.thumbprint, sha1_thumbprint(cert.get()));
  BioPtr pem(BIO_new(BIO_s_mem()));
  if (!pem || PEM_write_bio_X509(pem.get(), cert.get()) != 1)
    return Internal("certificate PEM: " + openssl_reason());
  char* text = nullptr;
  long n = BIO_get_mem_data(pem.get(), &text);
  out.cert_pem.assign(text, static_cast<size_t>(n));
  return out;
}

}  // namespace emu::site::cloud
