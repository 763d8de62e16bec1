#include "certs/issue.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <arpa/inet.h>
#include <array>

namespace emu::pki {
namespace {

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

Status set_random_serial(X509* cert) {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return openssl_error("RAND_bytes");
  }
  bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7F) | 0x40);  // positive, full 128 bits
  BignumPtr bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!bn) return openssl_error("BN_bin2bn");
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial || X509_set_serialNumber(cert, serial.get()) != 1) {
    return openssl_error("setting serial");
  }
  return Status::Ok();
}

Status set_subject(X509* cert, const CertSpec& spec) {
  X509_NAME* name = X509_get_subject_name(cert);
  auto add = [&](const char* field, const std::string& value) {
    return value.empty() || X509_NAME_add_entry_by_txt(
                                name, field, MBSTRING_UTF8,
                                reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
  };
  if (!add("O", spec.organization) || !add("CN", spec.common_name)) {
    return openssl_error("building subject name");
  }
  return Status::Ok();
}

Status add_conf_ext(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return openssl_error(std::string("adding extension ") + OBJ_nid2sn(nid) + "=" + value);
  }
  return Status::Ok();
}

Result<GeneralNamesPtr> build_san(const std::vector<std::string>& names) {
  GeneralNamesPtr gens(GENERAL_NAMES_new());
  if (!gens) return openssl_error("GENERAL_NAMES_new");
  for (const std::string& n : names) {
    GeneralNamePtr gen(GENERAL_NAME_new());
    if (!gen) return openssl_error("GENERAL_NAME_new");
    if (is_ip_literal(n)) {
      Asn1OctetStringPtr ip(a2i_IPADDRESS(n.c_str()));
      if (!ip) return openssl_error("a2i_IPADDRESS " + n);
      GENERAL_NAME_set0_value(gen.get(), GEN_IPADD, ip.release());
    } else if (is_valid_san_name(n)) {
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (dns == nullptr || ASN1_STRING_set(dns, n.data(), static_cast<int>(n.size())) != 1) {
        ASN1_IA5STRING_free(dns);
        return openssl_error("ASN1_STRING_set");
      }
      GENERAL_NAME_set0_value(gen.get(), GEN_DNS, dns);
    } else {
      return InvalidArgument("not a DNS name or IP address: '" + n + "'");
    }
    if (sk_GENERAL_NAME_push(gens.get(), gen.get()) == 0) return openssl_error("sk_push");
    gen.release();  // now owned by gens
  }
  return gens;
}

Status add_extensions(X509* cert, const CertSpec& spec, X509* issuer_cert) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_cert, cert, nullptr, nullptr, 0);
  if (spec.role == CertRole::kRootCa) {
    EMU_RETURN_IF_ERROR(add_conf_ext(cert, &ctx, NID_basic_constraints, "critical,CA:TRUE"));
    EMU_RETURN_IF_ERROR(add_conf_ext(cert, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign"));
  } else {
    EMU_RETURN_IF_ERROR(add_conf_ext(cert, &ctx, NID_basic_constraints, "critical,CA:FALSE"));
    EMU_RETURN_IF_ERROR(
        add_conf_ext(cert, &ctx, NID_key_usage, "critical,digitalSignature,keyEncipherment"));
    EMU_RETURN_IF_ERROR(add_conf_ext(cert, &ctx, NID_ext_key_usage,
                                     spec.role == CertRole::kServer ? "serverAuth" : "clientAuth"));
  }
  EMU_RETURN_IF_ERROR(add_conf_ext(cert, &ctx, NID_subject_key_identifier, "hash"));
  EMU_RETURN_IF_ERROR(add_conf_ext(cert, &ctx, NID_authority_key_identifier, "keyid:always"));
  if (!spec.names.empty()) {
    EMU_ASSIGN_OR_RETURN(GeneralNamesPtr san, build_san(spec.names));
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name, san.get(), 0, X509V3_ADD_DEFAULT) != 1) {
      return openssl_error("adding subjectAltName");
    }
  }
  if (!spec.crl_url.empty()) {
    if (spec.crl_url.find_first_of(", \t\r\n") != std::string::npos) {
      return InvalidArgument("bad CRL URL: '" + spec.crl_url + "'");
    }
    EMU_RETURN_IF_ERROR(
        add_conf_ext(cert, &ctx, NID_crl_distribution_points, "URI:" + spec.crl_url));
  }
  return Status::Ok();
}

}  // namespace

bool is_valid_san_name(const std::string& name) { return is_ip_literal(name) || is_dns_name(name); }

Result<EvpPkeyPtr> generate_rsa_key(int bits) {
  if (bits < 1024) return InvalidArgument("RSA key size too small: " + std::to_string(bits));
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (!key) return openssl_error("EVP_PKEY_Q_keygen RSA");
  return key;
}

Result<X509Ptr> issue_cert(const CertSpec& spec, EVP_PKEY* subject_key, const Signer* issuer) {
  ERR_clear_error();
  X509Ptr cert(X509_new());
  if (!cert) return openssl_error("X509_new");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) return openssl_error("X509_set_version");
  EMU_RETURN_IF_ERROR(set_random_serial(cert.get()));
  EMU_RETURN_IF_ERROR(set_subject(cert.get(), spec));
  X509* issuer_cert = issuer != nullptr ? issuer->cert : cert.get();
  EVP_PKEY* signing_key = issuer != nullptr ? issuer->key : subject_key;
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert)) != 1) {
    return openssl_error("X509_set_issuer_name");
  }
  EMU_ASSIGN_OR_RETURN(Asn1TimePtr not_before, asn1_time(spec.not_before));
  EMU_ASSIGN_OR_RETURN(Asn1TimePtr not_after, asn1_time(spec.not_after));
  if (X509_set1_notBefore(cert.get(), not_before.get()) != 1 ||
      X509_set1_notAfter(cert.get(), not_after.get()) != 1) {
    return openssl_error("setting validity");
  }
  if (X509_set_pubkey(cert.get(), subject_key) != 1) return openssl_error("X509_set_pubkey");
  EMU_RETURN_IF_ERROR(add_extensions(cert.get(), spec, issuer_cert));
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) <= 0) return openssl_error("X509_sign");
  return cert;
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

Result<std::string> make_pfx(X509* cert, EVP_PKEY* key, const std::vector<X509*>& chain,
                             const std::string& password, const std::string& friendly_name) {
  ERR_clear_error();
  X509StackPtr ca(sk_X509_new_null());
  if (!ca) return openssl_error("sk_X509_new_null");
  for (X509* c : chain) {
    if (sk_X509_push(ca.get(), c) == 0) return openssl_error("sk_X509_push");
  }
  Pkcs12Ptr p12(PKCS12_create(password.c_str(), friendly_name.c_str(), key, cert, ca.get(),
                              NID_aes_256_cbc, NID_aes_256_cbc, PKCS12_DEFAULT_ITER,
                              PKCS12_DEFAULT_ITER, 0));
  if (!p12) return openssl_error("PKCS12_create");
  return pkcs12_to_der(p12.get());
}

bool pfx_opens_with(const std::string& der, const std::string& password) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
  bool ok =
      p12 && PKCS12_verify_mac(p12.get(), password.c_str(), static_cast<int>(password.size())) == 1;
  ERR_clear_error();
  return ok;
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

std::string common_name(X509* cert) {
  char buf[256];
  int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
}

bool valid_at(X509* cert, TimePoint t) {
  int before = compare_asn1_time(X509_get0_notBefore(cert), t);
  int after = compare_asn1_time(X509_get0_notAfter(cert), t);
  return (before == -1 || before == 0) && (after == 0 || after == 1);
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
