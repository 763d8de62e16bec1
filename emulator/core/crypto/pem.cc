#include "emulator/core/crypto/pem.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>

namespace emu::crypto {
namespace {

// Refuses to prompt for a password: encrypted PEM keys simply fail to parse.
int no_password(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return 0; }

Result<BioPtr> mem_bio(std::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX)) return InvalidArgument("PEM input too large");
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) return openssl_error("BIO_new_mem_buf");
  return bio;
}

Result<std::string> bio_contents(BIO* bio) {
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio, &mem);
  if (mem == nullptr) return openssl_error("BIO_get_mem_ptr");
  return std::string(mem->data, mem->length);
}

// Runs `write(bio)` against a fresh memory BIO and returns what it wrote.
template <typename WriteFn>
Result<std::string> write_to_string(const char* what, WriteFn write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return openssl_error("BIO_new");
  if (write(bio.get()) <= 0) return openssl_error(what);
  return bio_contents(bio.get());
}

Status parse_error(std::string_view context) {
  Status s = openssl_error(context);
  return InvalidArgument(s.message());
}

// Reads one object of type T from `pem` with `read`.
template <typename Ptr, typename ReadFn>
Result<Ptr> parse_one(std::string_view pem, std::string_view context, ReadFn read) {
  ERR_clear_error();
  EMU_ASSIGN_OR_RETURN(BioPtr bio, mem_bio(pem));
  Ptr out(read(bio.get(), nullptr, no_password, nullptr));
  if (!out) return parse_error(context);
  return out;
}

// Reads every object of type T from `pem` with `read`; InvalidArgument if there is none.
template <typename Ptr, typename ReadFn>
Result<std::vector<Ptr>> parse_all(std::string_view pem, std::string_view context, ReadFn read) {
  ERR_clear_error();
  EMU_ASSIGN_OR_RETURN(BioPtr bio, mem_bio(pem));
  std::vector<Ptr> out;
  while (auto* raw = read(bio.get(), nullptr, no_password, nullptr)) out.emplace_back(raw);
  if (out.empty()) return parse_error(context);
  ERR_clear_error();  // the end-of-input "no start line" is expected
  return out;
}

}  // namespace

Result<X509Ptr> parse_cert_pem(std::string_view pem, std::string_view context) {
  return parse_one<X509Ptr>(pem, context, PEM_read_bio_X509);
}

Result<std::vector<X509Ptr>> parse_certs_pem(std::string_view pem, std::string_view context) {
  return parse_all<X509Ptr>(pem, context, PEM_read_bio_X509);
}

Result<EvpPkeyPtr> parse_key_pem(std::string_view pem, std::string_view context) {
  return parse_one<EvpPkeyPtr>(pem, context, PEM_read_bio_PrivateKey);
}

Result<X509CrlPtr> parse_crl_pem(std::string_view pem, std::string_view context) {
  return parse_one<X509CrlPtr>(pem, context, PEM_read_bio_X509_CRL);
}

Result<std::vector<X509CrlPtr>> parse_crls_pem(std::string_view pem, std::string_view context) {
  return parse_all<X509CrlPtr>(pem, context, PEM_read_bio_X509_CRL);
}

Result<X509Ptr> parse_cert_der(std::string_view der, std::string_view context) {
  ERR_clear_error();
  if (der.size() > static_cast<size_t>(LONG_MAX)) return InvalidArgument("DER input too large");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return parse_error(context);
  return cert;
}

Result<std::string> cert_to_pem(const X509* cert) {
  return write_to_string("PEM_write_bio_X509",
                         [&](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
}

Result<std::string> cert_to_der(const X509* cert) {
  int len = i2d_X509(cert, nullptr);
  if (len <= 0) return openssl_error("i2d_X509");
  std::string der(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_X509(cert, &p) != len) return openssl_error("i2d_X509");
  return der;
}

Result<std::string> key_to_pem(const EVP_PKEY* key) {
  return write_to_string("PEM_write_bio_PrivateKey", [&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

Result<std::string> crl_to_pem(const X509_CRL* crl) {
  return write_to_string("PEM_write_bio_X509_CRL",
                         [&](BIO* bio) { return PEM_write_bio_X509_CRL(bio, crl); });
}

Result<std::string> crl_to_der(const X509_CRL* crl) {
  return write_to_string("i2d_X509_CRL_bio", [&](BIO* bio) { return i2d_X509_CRL_bio(bio, crl); });
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
  return write_to_string("i2d_PKCS12_bio",
                         [&](BIO* bio) { return i2d_PKCS12_bio(bio, p12.get()); });
}

Result<Pkcs12Ptr> parse_pfx_der(std::string_view der, std::string_view context) {
  ERR_clear_error();
  EMU_ASSIGN_OR_RETURN(BioPtr bio, mem_bio(der));
  Pkcs12Ptr p12(d2i_PKCS12_bio(bio.get(), nullptr));
  if (!p12) return parse_error(context);
  return p12;
}

Result<PfxContents> open_pfx(PKCS12* pfx, const std::string& password) {
  ERR_clear_error();
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;
  if (PKCS12_parse(pfx, password.c_str(), &key, &cert, &chain) != 1) {
    return parse_error("opening PKCS #12");
  }
  PfxContents out;
  out.key.reset(key);
  out.cert.reset(cert);
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
    out.chain.emplace_back(sk_X509_value(chain, i));
  }
  sk_X509_free(chain);  // the elements are owned by out.chain now
  return out;
}

bool pfx_opens_with(std::string_view der, const std::string& password) {
  auto p12 = parse_pfx_der(der);
  bool ok = p12.ok() &&
            PKCS12_verify_mac(p12->get(), password.c_str(), static_cast<int>(password.size())) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace emu::crypto
