#include "certs/pki.h"

#include "certs/issue.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/openssl.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/files.h"

#include <openssl/err.h>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace emu::pki {
namespace {

using crypto::cert_to_pem;
using crypto::common_name;
using crypto::compare_asn1_time;
using crypto::crl_to_der;
using crypto::crl_to_pem;
using crypto::EvpPkeyPtr;
using crypto::generate_rsa_key;
using crypto::key_to_pem;
using crypto::make_pfx;
using crypto::parse_cert_pem;
using crypto::parse_crl_pem;
using crypto::parse_key_pem;
using crypto::pfx_opens_with;
using crypto::Signer;
using crypto::thumbprint;
using crypto::valid_at;
using crypto::X509CrlPtr;
using crypto::X509Ptr;

using std::chrono::hours;
constexpr hours kDay{24};
constexpr unsigned kKeyMode = 0600;
constexpr unsigned kPublicMode = 0644;
constexpr char kLabOrg[] = "cmgemu lab";
constexpr char kRogueOrg[] = "cmgemu rogue";
constexpr char kWrongName[] = "wrong-name.cmgemu.test";

// A certificate with its parsed objects, as loaded or issued by this call.
struct Material {
  IssuedCert info;
  X509Ptr cert;
  EvpPkeyPtr key;
  bool reissued = false;  // the certificate was (re)issued by this call
};

// What a certificate must look like; `issuer` nullptr = self-signed root.
struct Plan {
  std::string name;
  CertSpec spec;
  const Material* issuer = nullptr;
  bool force_reissue = false;
};

Status validate_names(const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    if (!is_valid_san_name(n)) return InvalidArgument("not a DNS name or IP address: '" + n + "'");
  }
  return Status::Ok();
}

Status validate_options(const PkiOptions& o) {
  using namespace std::chrono;
  if (o.now < sys_days{year{2000} / 1 / 1} || o.now > sys_days{year{9000} / 1 / 1}) {
    return InvalidArgument("PkiOptions::now is unset or out of range: " + format_iso8601(o.now));
  }
  if (o.rsa_bits < 2048 || o.rsa_bits > 8192) {
    return InvalidArgument("PkiOptions::rsa_bits must be in [2048, 8192], got " +
                           std::to_string(o.rsa_bits));
  }
  if (o.crl_host.empty() || o.crl_path.empty() || o.crl_path.front() != '/') {
    return InvalidArgument("PkiOptions::crl_host must be set and crl_path start with '/'");
  }
  return validate_names(o.cmg_names);
}

std::string file_in(const std::string& dir, const std::string& name, const char* ext) {
  return dir + "/" + name + ext;
}

std::vector<std::string> with_loopback(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto* list : {&names, &kLoopbackNames}) {
    for (const std::string& n : *list) {
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    }
  }
  return out;
}

// Loads `path` if it holds a private key, else generates one and writes it (mode 0600).
Status load_or_create_key(Material& m, const std::string& path, int bits) {
  if (auto text = read_file(path); text.ok()) {
    if (auto key = parse_key_pem(*text); key.ok()) {
      m.key = std::move(key).value();
      m.info.key_pem = std::move(text).value();
      return Status::Ok();
    }
  }
  EMU_ASSIGN_OR_RETURN(m.key, generate_rsa_key(bits));
  EMU_ASSIGN_OR_RETURN(m.info.key_pem, key_to_pem(m.key.get()));
  m.reissued = true;  // a new key always needs a new certificate
  return write_file_atomic(path, m.info.key_pem, kKeyMode);
}

bool has_names(X509* cert, const std::vector<std::string>& required) {
  std::vector<std::string> present = san_names(cert);
  return std::all_of(required.begin(), required.end(), [&](const std::string& n) {
    return std::find(present.begin(), present.end(), n) != present.end();
  });
}

// The span every good certificate must cover: from the earlier to the later of
// PkiOptions::now and PkiOptions::also_valid_at.
TimePoint window_lo(const PkiOptions& o) {
  return o.also_valid_at ? std::min(o.now, *o.also_valid_at) : o.now;
}
TimePoint window_hi(const PkiOptions& o) {
  return o.also_valid_at ? std::max(o.now, *o.also_valid_at) : o.now;
}

bool validity_ok_at(X509* cert, const Plan& plan, TimePoint now) {
  if (plan.spec.not_after < now) {  // a deliberately expired fixture must still be expired
    return compare_asn1_time(X509_get0_notAfter(cert), now) == -1 &&
           compare_asn1_time(X509_get0_notBefore(cert), now) == -1;
  }
  if (plan.spec.role == CertRole::kRootCa && !valid_at(cert, now + 398 * kDay)) return false;
  return valid_at(cert, now);
}

bool validity_ok(X509* cert, const Plan& plan, const PkiOptions& o) {
  return validity_ok_at(cert, plan, window_lo(o)) && validity_ok_at(cert, plan, window_hi(o));
}

bool reusable(X509* cert, EVP_PKEY* key, const Plan& plan, const PkiOptions& o) {
  X509* issuer = plan.issuer != nullptr ? plan.issuer->cert.get() : cert;
  return EVP_PKEY_eq(X509_get0_pubkey(cert), key) == 1 && issued_by(cert, issuer) &&
         validity_ok(cert, plan, o) && common_name(cert) == plan.spec.common_name &&
         has_names(cert, plan.spec.names) && crl_distribution_url(cert) == plan.spec.crl_url;
}

std::optional<std::string> load_reusable_cert(Material& m, const Plan& plan, const PkiOptions& o) {
  auto text = read_file(m.info.cert_path);
  if (!text.ok()) return std::nullopt;
  auto cert = parse_cert_pem(*text);
  bool ok = cert.ok() && reusable(cert->get(), m.key.get(), plan, o);
  ERR_clear_error();  // a failed check may leave reasons on the queue
  if (!ok) return std::nullopt;
  m.cert = std::move(cert).value();
  return std::move(text).value();
}

// The PFX is written before its certificate, so a current certificate file implies a current
// PFX; a kept PFX is only re-checked against the password.
Status ensure_pfx(const Material& m, const Material& issuer, const PkiOptions& o) {
  if (!m.reissued) {
    auto pfx = read_file(m.info.pfx_path);
    if (pfx.ok() && pfx_opens_with(*pfx, o.pfx_password)) {
      // A PFX kept from an older build may be 0644; it holds the private key.
      if (::chmod(m.info.pfx_path.c_str(), kKeyMode) != 0)
        return Internal("cannot set mode 0600 on " + m.info.pfx_path);
      return Status::Ok();
    }
  }
  EMU_ASSIGN_OR_RETURN(std::string der, make_pfx(m.cert.get(), m.key.get(), {issuer.cert.get()},
                                                 o.pfx_password, m.info.name));
  return write_file_atomic(m.info.pfx_path, der, kKeyMode);  // holds the private key
}

Result<Material> ensure_cert(const std::string& dir, const Plan& plan, const PkiOptions& o) {
  Material m;
  m.info.name = plan.name;
  m.info.cert_path = file_in(dir, plan.name, ".pem");
  m.info.key_path = file_in(dir, plan.name, ".key");
  const bool leaf = plan.issuer != nullptr;
  if (leaf) m.info.pfx_path = file_in(dir, plan.name, ".pfx");
  EMU_RETURN_IF_ERROR(load_or_create_key(m, m.info.key_path, o.rsa_bits));
  std::optional<std::string> cert_pem;
  if (!m.reissued && !plan.force_reissue) cert_pem = load_reusable_cert(m, plan, o);
  if (cert_pem) {
    m.info.cert_pem = std::move(*cert_pem);
  } else {
    Signer signer;
    if (leaf) signer = {plan.issuer->cert.get(), plan.issuer->key.get()};
    EMU_ASSIGN_OR_RETURN(m.cert, issue_cert(plan.spec, m.key.get(), leaf ? &signer : nullptr));
    EMU_ASSIGN_OR_RETURN(m.info.cert_pem, cert_to_pem(m.cert.get()));
    m.reissued = true;
  }
  if (leaf) EMU_RETURN_IF_ERROR(ensure_pfx(m, *plan.issuer, o));
  if (m.reissued)
    EMU_RETURN_IF_ERROR(write_file_atomic(m.info.cert_path, m.info.cert_pem, kPublicMode));
  EMU_ASSIGN_OR_RETURN(m.info.thumbprint, thumbprint(m.cert.get()));
  return m;
}

Plan root_plan(const std::string& name, const std::string& cn, const std::string& org,
               const PkiOptions& o) {
  Plan p{name, {}, nullptr, false};
  p.spec.role = CertRole::kRootCa;
  p.spec.common_name = cn;
  p.spec.organization = org;
  p.spec.not_before = window_lo(o) - kDay;
  p.spec.not_after = p.spec.not_before + 3652 * kDay;  // 10 years
  return p;
}

// A leaf valid now-1d .. now+397d; lab-issued leaves carry the CRL distribution point.
Plan leaf_plan(const std::string& name, CertRole role, const std::vector<std::string>& names,
               const Material& issuer, bool lab, bool force, const PkiOptions& o) {
  Plan p{name, {}, &issuer, force};
  p.spec.role = role;
  p.spec.common_name = names.empty() ? name : names.front();
  p.spec.organization = lab ? kLabOrg : kRogueOrg;
  p.spec.names = names;
  p.spec.not_before = window_lo(o) - kDay;
  p.spec.not_after = window_hi(o) + 397 * kDay;
  if (lab) p.spec.crl_url = "http://" + o.crl_host + o.crl_path;
  return p;
}

bool crl_reusable_at(X509_CRL* crl, const Material& ca, const Material& revoked, TimePoint now) {
  bool ok = X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca.cert.get())) == 0 &&
            X509_CRL_verify(crl, X509_get0_pubkey(ca.cert.get())) == 1;
  ERR_clear_error();
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl);
  int last_cmp = compare_asn1_time(X509_CRL_get0_lastUpdate(crl), now);
  int next_cmp = compare_asn1_time(next, now);
  return ok && (last_cmp == -1 || last_cmp == 0) && (next_cmp == 0 || next_cmp == 1) &&
         crl_lists_exactly(crl, {X509_get0_serialNumber(revoked.cert.get())});
}

Status ensure_crl(LabPki& pki, const Material& ca, const Material& revoked, bool force,
                  const PkiOptions& o) {
  long previous_number = 0;
  if (auto text = read_file(pki.crl_file); text.ok()) {
    if (auto crl = parse_crl_pem(*text); crl.ok()) {
      previous_number = std::max(crl_number(crl->get()), 0L);
      if (!force && crl_reusable_at(crl->get(), ca, revoked, window_lo(o)) &&
          crl_reusable_at(crl->get(), ca, revoked, window_hi(o))) {
        EMU_ASSIGN_OR_RETURN(pki.crl_der, crl_to_der(crl->get()));
        pki.crl_pem = std::move(text).value();
        return Status::Ok();
      }
    }
  }
  CrlSpec spec;
  spec.last_update = window_lo(o) - hours(1);
  spec.next_update = window_hi(o) + 30 * kDay;
  spec.revoked = {X509_get0_serialNumber(revoked.cert.get())};
  spec.number = previous_number + 1;
  EMU_ASSIGN_OR_RETURN(X509CrlPtr crl, issue_crl(spec, {ca.cert.get(), ca.key.get()}));
  EMU_ASSIGN_OR_RETURN(pki.crl_pem, crl_to_pem(crl.get()));
  EMU_ASSIGN_OR_RETURN(pki.crl_der, crl_to_der(crl.get()));
  return write_file_atomic(pki.crl_file, pki.crl_pem, kPublicMode);
}

Result<IssuedCert> ensure_cmg(LabPki& pki, const Material& ca,
                              const std::vector<std::string>& names, bool force,
                              const PkiOptions& o) {
  if (names.empty() || names.front().empty()) {
    return InvalidArgument("ensure_server_cert needs at least one name");
  }
  EMU_RETURN_IF_ERROR(validate_names(names));
  Plan plan = leaf_plan("cmg-" + names.front(), CertRole::kServer, with_loopback(names), ca,
                        /*lab=*/true, force, o);
  EMU_ASSIGN_OR_RETURN(Material m, ensure_cert(pki.dir, plan, o));
  pki.cmg[m.info.name] = m.info;
  return m.info;
}

Result<Material> material_from(const IssuedCert& info) {
  Material m;
  m.info = info;
  EMU_ASSIGN_OR_RETURN(m.cert, parse_cert_pem(info.cert_pem));
  EMU_ASSIGN_OR_RETURN(m.key, parse_key_pem(info.key_pem));
  return m;
}

}  // namespace

Result<LabPki> ensure_lab_pki(const std::string& dir_arg, const PkiOptions& o) {
  EMU_RETURN_IF_ERROR(validate_options(o));
  std::string dir = dir_arg;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dir.empty()) return InvalidArgument("PKI directory is empty");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("cannot create PKI directory " + dir + ": " + ec.message());
  // Serialises processes sharing the folder (a `serve` and a `run`, parallel test binaries).
  std::string lock_path = dir + "/.lock";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) return Unavailable("cannot open " + lock_path);
  while (::flock(lock_fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      ::close(lock_fd);
      return Unavailable("cannot lock " + lock_path);
    }
  }
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }  // closing releases the flock
  } unlock{lock_fd};

  LabPki pki;
  pki.dir = dir;
  pki.crl_file = file_in(dir, "cmgemu-lab-root-ca", ".crl");
  pki.crl_url = "http://" + o.crl_host + o.crl_path;
  EMU_ASSIGN_OR_RETURN(
      Material ca,
      ensure_cert(dir, root_plan("cmgemu-lab-root-ca", "cmgemu Lab Root CA", kLabOrg, o), o));
  EMU_ASSIGN_OR_RETURN(
      Material rogue,
      ensure_cert(dir, root_plan("rogue-root-ca", "Rogue Root CA", kRogueOrg, o), o));

  const std::vector<std::string> azure = with_loopback(kAzureNames);
  auto leaf = [&](IssuedCert& out, const Plan& plan) -> Result<Material> {
    EMU_ASSIGN_OR_RETURN(Material m, ensure_cert(dir, plan, o));
    out = m.info;
    return m;
  };
  auto lab = [&](const char* name, CertRole role, const std::vector<std::string>& names) {
    return leaf_plan(name, role, names, ca, true, ca.reissued, o);
  };
  auto rogue_leaf = [&](const char* name, CertRole role, const std::vector<std::string>& names) {
    return leaf_plan(name, role, names, rogue, false, rogue.reissued, o);
  };
  Plan client = lab("client", CertRole::kClient, {});
  client.spec.common_name = "cmgemu-lab-client";
  Plan foreign = rogue_leaf("foreign-client", CertRole::kClient, {});
  foreign.spec.common_name = "cmgemu-foreign-client";
  Plan expired = lab("bad-expired", CertRole::kServer, azure);
  expired.spec.not_before = window_lo(o) - 400 * kDay;
  expired.spec.not_after = window_lo(o) - kDay;

  EMU_RETURN_IF_ERROR(leaf(pki.server, lab("server-azure", CertRole::kServer, azure)).status());
  EMU_RETURN_IF_ERROR(leaf(pki.client, client).status());
  EMU_RETURN_IF_ERROR(leaf(pki.foreign_client, foreign).status());
  EMU_RETURN_IF_ERROR(leaf(pki.expired, expired).status());
  EMU_RETURN_IF_ERROR(
      leaf(pki.wrong_name, lab("bad-wrong-name", CertRole::kServer, {kWrongName})).status());
  EMU_RETURN_IF_ERROR(
      leaf(pki.untrusted, rogue_leaf("bad-untrusted", CertRole::kServer, azure)).status());
  EMU_ASSIGN_OR_RETURN(Material revoked,
                       leaf(pki.revoked, lab("bad-revoked", CertRole::kServer, azure)));
  EMU_RETURN_IF_ERROR(ensure_crl(pki, ca, revoked, ca.reissued || revoked.reissued, o));

  pki.ca = ca.info;
  pki.rogue_ca = rogue.info;
  for (const std::string& name : o.cmg_names) {
    EMU_RETURN_IF_ERROR(ensure_cmg(pki, ca, {name}, ca.reissued, o).status());
  }
  return pki;
}

Result<IssuedCert> issue_server_cert(const LabPki& pki, const std::vector<std::string>& names,
                                     const std::vector<TimePoint>& valid_at) {
  if (names.empty() || names.front().empty())
    return InvalidArgument("issue_server_cert needs at least one name");
  if (valid_at.empty()) return InvalidArgument("issue_server_cert needs an instant");
  EMU_RETURN_IF_ERROR(validate_names(names));
  EMU_ASSIGN_OR_RETURN(Material ca, material_from(pki.ca));
  CertSpec spec;
  spec.role = CertRole::kServer;
  spec.common_name = names.front();
  spec.organization = kLabOrg;
  spec.names = with_loopback(names);
  spec.not_before = *std::min_element(valid_at.begin(), valid_at.end()) - kDay;
  spec.not_after = *std::max_element(valid_at.begin(), valid_at.end()) + 397 * kDay;
  spec.crl_url = pki.crl_url;
  EMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, generate_rsa_key(2048));
  const Signer signer{ca.cert.get(), ca.key.get()};
  EMU_ASSIGN_OR_RETURN(X509Ptr cert, issue_cert(spec, key.get(), &signer));
  IssuedCert out;
  out.name = "server-" + names.front();
  EMU_ASSIGN_OR_RETURN(out.cert_pem, cert_to_pem(cert.get()));
  EMU_ASSIGN_OR_RETURN(out.key_pem, key_to_pem(key.get()));
  EMU_ASSIGN_OR_RETURN(out.thumbprint, thumbprint(cert.get()));
  return out;
}

Result<IssuedCert> ensure_server_cert(LabPki& pki, const std::vector<std::string>& names,
                                      const PkiOptions& options) {
  EMU_RETURN_IF_ERROR(validate_options(options));
  EMU_ASSIGN_OR_RETURN(Material ca, material_from(pki.ca));
  return ensure_cmg(pki, ca, names, /*force=*/false, options);
}

}  // namespace emu::pki
