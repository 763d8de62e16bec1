#include "emulator/core/crypto/cert.h"

#include "emulator/core/crypto/digest.h"
#include "emulator/core/text.h"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <arpa/inet.h>
#include <array>
#include <ctime>

namespace emu::crypto {
namespace {

Result<Asn1TimePtr> asn1_time(TimePoint t) {
  Asn1TimePtr out(ASN1_TIME_set(nullptr, static_cast<time_t>(to_time_t(t))));
  if (!out) return openssl_error("ASN1_TIME_set");
  return out;
}

// 16 serial bytes: random, or the start of SHA-256(SubjectPublicKeyInfo).
Result<std::string> serial_bytes(EVP_PKEY* key, bool from_key) {
  if (!from_key) {
    std::string bytes(16, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), 16) != 1) {
      return openssl_error("RAND_bytes");
    }
    return bytes;
  }
  unsigned char* spki = nullptr;
  int len = i2d_PUBKEY(key, &spki);
  if (len <= 0) return openssl_error("i2d_PUBKEY");
  auto hash = sha256(std::string_view(reinterpret_cast<char*>(spki), static_cast<size_t>(len)));
  OPENSSL_free(spki);
  if (!hash.ok()) return hash.status();
  return hash->substr(0, 16);
}

Status set_serial(X509* cert, EVP_PKEY* key, bool from_key) {
  EMU_ASSIGN_OR_RETURN(std::string bytes, serial_bytes(key, from_key));
  bytes[0] = static_cast<char>((bytes[0] & 0x7F) | 0x40);  // positive, full 128 bits
  BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr));
  if (!bn) return openssl_error("BN_bin2bn");
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial || X509_set_serialNumber(cert, serial.get()) != 1) {
    return openssl_error("setting serial");
  }
  return Status::Ok();
}

Status set_subject(X509* cert, const CertificateSpec& spec) {
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

Result<GeneralNamesPtr> general_names(const std::vector<std::string>& names) {
  GeneralNamesPtr gens(GENERAL_NAMES_new());
  if (!gens) return openssl_error("GENERAL_NAMES_new");
  for (const std::string& n : names) {
    GeneralNamePtr gen(GENERAL_NAME_new());
    if (!gen) return openssl_error("GENERAL_NAME_new");
    if (is_ip_literal(n)) {
      Asn1OctetStringPtr ip(a2i_IPADDRESS(n.c_str()));
      if (!ip) return openssl_error("a2i_IPADDRESS " + n);
      GENERAL_NAME_set0_value(gen.get(), GEN_IPADD, ip.release());
    } else {
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (dns == nullptr || ASN1_STRING_set(dns, n.data(), static_cast<int>(n.size())) != 1) {
        ASN1_IA5STRING_free(dns);
        return openssl_error("ASN1_STRING_set");
      }
      GENERAL_NAME_set0_value(gen.get(), GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(gens.get(), gen.get()) == 0) return openssl_error("sk_push");
    gen.release();  // now owned by gens
  }
  return gens;
}

Status add_extension(X509* cert, X509V3_CTX* ctx, const CertExtension& ext) {
  if (ext.nid == NID_subject_alt_name && !ext.names.empty()) {
    EMU_ASSIGN_OR_RETURN(GeneralNamesPtr san, general_names(ext.names));
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name, san.get(), 0, X509V3_ADD_DEFAULT) != 1) {
      return openssl_error("adding subjectAltName");
    }
    return Status::Ok();
  }
  X509ExtensionPtr x(X509V3_EXT_nconf_nid(nullptr, ctx, ext.nid, ext.value.c_str()));
  if (!x || X509_add_ext(cert, x.get(), -1) != 1) {
    return openssl_error(std::string("adding extension ") + OBJ_nid2sn(ext.nid) + "=" + ext.value);
  }
  return Status::Ok();
}

// SHA-1 of the certificate's DER encoding (raw bytes).
Result<std::string> sha1_of_der(const X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha1(), md, &len) != 1) return openssl_error("X509_digest");
  return std::string(reinterpret_cast<const char*>(md), len);
}

}  // namespace

Result<std::string> thumbprint(const X509* cert) {
  EMU_ASSIGN_OR_RETURN(std::string md, sha1_of_der(cert));
  return upper_hex(md);
}

Result<std::string> x5t(const X509* cert) {
  EMU_ASSIGN_OR_RETURN(std::string md, sha1_of_der(cert));
  return base64url_encode(md);
}

std::string common_name(const X509* cert) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (i < 0) return "";
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) {
    ERR_clear_error();
    return "";
  }
  std::string cn(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return cn;
}

std::string name_rfc2253(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

bool valid_at(const X509* cert, TimePoint t) {
  int before = compare_asn1_time(X509_get0_notBefore(cert), t);
  int after = compare_asn1_time(X509_get0_notAfter(cert), t);
  return (before == -1 || before == 0) && (after == 0 || after == 1);
}

int64_t to_time_t(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

int compare_asn1_time(const ASN1_TIME* asn1, TimePoint t) {
  if (asn1 == nullptr) return -2;
  return ASN1_TIME_cmp_time_t(asn1, static_cast<time_t>(to_time_t(t)));
}

Result<TimePoint> asn1_to_time(const ASN1_TIME* asn1) {
  std::tm tm{};
  if (asn1 == nullptr || ASN1_TIME_to_tm(asn1, &tm) != 1) {
    ERR_clear_error();
    return InvalidArgument("not an ASN.1 time");
  }
  using namespace std::chrono;
  year_month_day ymd{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                     day{static_cast<unsigned>(tm.tm_mday)}};
  return TimePoint(sys_days(ymd)) + hours(tm.tm_hour) + minutes(tm.tm_min) + seconds(tm.tm_sec);
}

bool is_ip_literal(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

Result<EvpPkeyPtr> generate_rsa_key(int bits) {
  if (bits < 1024) return InvalidArgument("RSA key size too small: " + std::to_string(bits));
  ERR_clear_error();
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (!key) return openssl_error("EVP_PKEY_Q_keygen RSA");
  return key;
}

Result<X509Ptr> build_cert(const CertificateSpec& spec, EVP_PKEY* subject_key,
                           const Signer* issuer) {
  ERR_clear_error();
  X509Ptr cert(X509_new());
  if (!cert) return openssl_error("X509_new");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) return openssl_error("X509_set_version");
  EMU_RETURN_IF_ERROR(set_serial(cert.get(), subject_key, spec.serial_from_key));
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
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_cert, cert.get(), nullptr, nullptr, 0);
  for (const CertExtension& ext : spec.extensions) {
    EMU_RETURN_IF_ERROR(add_extension(cert.get(), &ctx, ext));
  }
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) <= 0) return openssl_error("X509_sign");
  return cert;
}

}  // namespace emu::crypto
