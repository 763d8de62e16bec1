#include "certs/issue.h"

#include <openssl/err.h>

#include <arpa/inet.h>

namespace emu::pki {
namespace {

using crypto::Asn1EnumeratedPtr;
using crypto::Asn1IntegerPtr;
using crypto::Asn1TimePtr;
using crypto::CertExtension;
using crypto::CertificateSpec;
using crypto::GeneralNamesPtr;
using crypto::openssl_error;
using crypto::OpenSslPtr;
using crypto::Signer;
using crypto::to_time_t;
using crypto::X509CrlPtr;
using crypto::X509ExtensionPtr;
using crypto::X509Ptr;
using crypto::X509RevokedPtr;

bool is_dns_name(const std::string& name) {
  if (name.size() > 1 && name[0] == '*' && name[1] != '.') return false;
  if (name.empty() || name.size() > 253 || name.front() == '.' || name.back() == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '*' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Result<Asn1TimePtr> asn1_time(TimePoint t) {
  Asn1TimePtr out(ASN1_TIME_set(nullptr, static_cast<time_t>(to_time_t(t))));
  if (!out) return openssl_error("ASN1_TIME_set");
  return out;
}

// The role's extensions in the order the lab has always written them.
std::vector<CertExtension> extensions_for(const CertSpec& spec) {
  std::vector<CertExtension> out;
  if (spec.role == CertRole::kRootCa) {
    out.push_back({NID_basic_constraints, "critical,CA:TRUE", {}});
    out.push_back({NID_key_usage, "critical,keyCertSign,cRLSign", {}});
  } else {
    out.push_back({NID_basic_constraints, "critical,CA:FALSE", {}});
    out.push_back({NID_key_usage, "critical,digitalSignature,keyEncipherment", {}});
    out.push_back(
        {NID_ext_key_usage, spec.role == CertRole::kServer ? "serverAuth" : "clientAuth", {}});
  }
  out.push_back({NID_subject_key_identifier, "hash", {}});
  out.push_back({NID_authority_key_identifier, "keyid:always", {}});
  if (!spec.names.empty()) out.push_back({NID_subject_alt_name, "", spec.names});
  if (!spec.crl_url.empty())
    out.push_back({NID_crl_distribution_points, "URI:" + spec.crl_url, {}});
  return out;
}

}  // namespace

bool is_valid_san_name(const std::string& name) {
  return crypto::is_ip_literal(name) || is_dns_name(name);
}

Result<X509Ptr> issue_cert(const CertSpec& spec, EVP_PKEY* subject_key, const Signer* issuer) {
  for (const std::string& n : spec.names) {
    if (!is_valid_san_name(n)) return InvalidArgument("not a DNS name or IP address: '" + n + "'");
  }
  if (spec.crl_url.find_first_of(", \t\r\n") != std::string::npos) {
    return InvalidArgument("bad CRL URL: '" + spec.crl_url + "'");
  }
  CertificateSpec build;
  build.organization = spec.organization;
  build.common_name = spec.common_name;
  build.not_before = spec.not_before;
  build.not_after = spec.not_after;
  build.extensions = extensions_for(spec);
  return build_cert(build, subject_key, issuer);
}

Result<X509CrlPtr> issue_crl(const CrlSpec& spec, const Signer& issuer) {
  ERR_clear_error();
  X509CrlPtr crl(X509_CRL_new());
  if (!crl) return openssl_error("X509_CRL_new");
  EMU_ASSIGN_OR_RETURN(Asn1TimePtr last, asn1_time(spec.last_update));
  EMU_ASSIGN_OR_RETURN(Asn1TimePtr next, asn1_time(spec.next_update));
  if (X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.cert)) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return openssl_error("building CRL");
  }
  Asn1EnumeratedPtr reason(ASN1_ENUMERATED_new());
  if (!reason || ASN1_ENUMERATED_set(reason.get(), CRL_REASON_KEY_COMPROMISE) != 1) {
    return openssl_error("ASN1_ENUMERATED_set");
  }
  for (const ASN1_INTEGER* serial : spec.revoked) {
    X509RevokedPtr rev(X509_REVOKED_new());
    // X509_REVOKED_set_serialNumber copies its argument; it only lacks the const.
    if (!rev || X509_REVOKED_set_serialNumber(rev.get(), const_cast<ASN1_INTEGER*>(serial)) != 1 ||
        X509_REVOKED_set_revocationDate(rev.get(), last.get()) != 1 ||
        X509_REVOKED_add1_ext_i2d(rev.get(), NID_crl_reason, reason.get(), 0, 0) != 1 ||
        X509_CRL_add0_revoked(crl.get(), rev.get()) != 1) {
      return openssl_error("adding revoked entry");
    }
    rev.release();  // now owned by crl
  }
  Asn1IntegerPtr number(ASN1_INTEGER_new());
  if (!number || ASN1_INTEGER_set(number.get(), spec.number) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1) {
    return openssl_error("adding cRLNumber");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer.cert, nullptr, nullptr, crl.get(), 0);
  X509ExtensionPtr aki(
      X509V3_EXT_nconf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  if (!aki || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1) {
    return openssl_error("adding CRL authorityKeyIdentifier");
  }
  if (X509_CRL_sort(crl.get()) != 1 || X509_CRL_sign(crl.get(), issuer.key, EVP_sha256()) <= 0) {
    return openssl_error("X509_CRL_sign");
  }
  return crl;
}

std::vector<std::string> san_names(X509* cert) {
  std::vector<std::string> out;
  GeneralNamesPtr gens(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!gens) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(gens.get()); ++i) {
    const GENERAL_NAME* gen = sk_GENERAL_NAME_value(gens.get(), i);
    if (gen->type == GEN_DNS) {
      const ASN1_IA5STRING* s = gen->d.dNSName;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<size_t>(ASN1_STRING_length(s)));
    } else if (gen->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = gen->d.iPAddress;
      char text[INET6_ADDRSTRLEN];
      int family = ip->length == 4 ? AF_INET : ip->length == 16 ? AF_INET6 : AF_UNSPEC;
      if (family != AF_UNSPEC && inet_ntop(family, ip->data, text, sizeof text) != nullptr) {
        out.emplace_back(text);
      }
    }
  }
  return out;
}

std::string crl_distribution_url(X509* cert) {
  OpenSslPtr<CRL_DIST_POINTS, CRL_DIST_POINTS_free> points(static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr)));
  if (!points) return "";
  for (int i = 0; i < sk_DIST_POINT_num(points.get()); ++i) {
    const DIST_POINT* dp = sk_DIST_POINT_value(points.get(), i);
    if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;
    GENERAL_NAMES* names = dp->distpoint->name.fullname;
    for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
      const GENERAL_NAME* gen = sk_GENERAL_NAME_value(names, j);
      if (gen->type != GEN_URI) continue;
      const ASN1_IA5STRING* uri = gen->d.uniformResourceIdentifier;
      return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                         static_cast<size_t>(ASN1_STRING_length(uri)));
    }
  }
  return "";
}

bool issued_by(X509* cert, X509* issuer) {
  bool ok = X509_check_issued(issuer, cert) == X509_V_OK &&
            X509_verify(cert, X509_get0_pubkey(issuer)) == 1;
  ERR_clear_error();
  return ok;
}

long crl_number(X509_CRL* crl) {
  Asn1IntegerPtr number(
      static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, nullptr, nullptr)));
  return number ? ASN1_INTEGER_get(number.get()) : -1;
}

bool crl_lists_exactly(X509_CRL* crl, const std::vector<const ASN1_INTEGER*>& serials) {
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl);
  int count = revoked == nullptr ? 0 : sk_X509_REVOKED_num(revoked);
  if (count != static_cast<int>(serials.size())) return false;
  for (const ASN1_INTEGER* serial : serials) {
    bool found = false;
    for (int i = 0; i < count && !found; ++i) {
      const X509_REVOKED* r = sk_X509_REVOKED_value(revoked, i);
      found = ASN1_INTEGER_cmp(X509_REVOKED_get0_serialNumber(r), serial) == 0;
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace emu::pki
