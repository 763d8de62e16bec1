#include "emulator/core/crypto/openssl.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace emu::pki {
namespace {

// Refuses to prompt for a password: encrypted PEM keys simply fail to parse.
int no_password(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return 0; }

Result<BioPtr> mem_bio(std::string_view data) {
  if (data.size() > static_cast<size_t>(INT32_MAX)) return InvalidArgument("PEM input too large");
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

Status parse_error(std::string_view what) {
  Status s = openssl_error(what);
  return InvalidArgument(s.message());
}

}  // namespace

Status openssl_error(std::string_view what) {
  std::string text;
  char buf[256];
  while (unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  if (text.empty()) text = "unknown OpenSSL error";
  return Internal(std::string(what) + ": " + text);
}

Result<X509Ptr> parse_cert_pem(std::string_view pem) {
  ERR_clear_error();
  EMU_ASSIGN_OR_RETURN(BioPtr bio, mem_bio(pem));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr));
  if (!cert) return parse_error("parsing certificate PEM");
  return cert;
}

Result<std::vector<X509Ptr>> parse_certs_pem(std::string_view pem) {
  ERR_clear_error();
  EMU_ASSIGN_OR_RETURN(BioPtr bio, mem_bio(pem));
  std::vector<X509Ptr> certs;
  while (X509* raw = PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr)) {
    certs.emplace_back(raw);
  }
  if (certs.empty()) return parse_error("parsing certificate PEM");
  ERR_clear_error();  // the end-of-input "no start line" is expected
  return certs;
}

Result<EvpPkeyPtr> parse_key_pem(std::string_view pem) {
  ERR_clear_error();
  EMU_ASSIGN_OR_RETURN(BioPtr bio, mem_bio(pem));
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
  if (!key) return parse_error("parsing private key PEM");
  return key;
}

Result<X509CrlPtr> parse_crl_pem(std::string_view pem) {
  ERR_clear_error();
  EMU_ASSIGN_OR_RETURN(BioPtr bio, mem_bio(pem));
  X509CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, no_password, nullptr));
  if (!crl) return parse_error("parsing CRL PEM");
  return crl;
}

Result<std::string> cert_to_pem(X509* cert) {
  return write_to_string("PEM_write_bio_X509",
                         [&](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
}

Result<std::string> key_to_pem(EVP_PKEY* key) {
  return write_to_string("PEM_write_bio_PrivateKey", [&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

Result<std::string> crl_to_pem(X509_CRL* crl) {
  return write_to_string("PEM_write_bio_X509_CRL",
                         [&](BIO* bio) { return PEM_write_bio_X509_CRL(bio, crl); });
}

Result<std::string> crl_to_der(X509_CRL* crl) {
  return write_to_string("i2d_X509_CRL_bio", [&](BIO* bio) { return i2d_X509_CRL_bio(bio, crl); });
}

Result<std::string> pkcs12_to_der(PKCS12* p12) {
  return write_to_string("i2d_PKCS12_bio", [&](BIO* bio) { return i2d_PKCS12_bio(bio, p12); });
}

Result<std::string> thumbprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha1(), md, &len) != 1) return openssl_error("X509_digest");
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xF];
  }
  return out;
}

int64_t to_time_t(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

int compare_asn1_time(const ASN1_TIME* asn1, TimePoint t) {
  if (asn1 == nullptr) return -2;
  return ASN1_TIME_cmp_time_t(asn1, static_cast<time_t>(to_time_t(t)));
}

bool is_ip_literal(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFound("no such file: " + path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Internal("cannot open " + path);
  std::ostringstream data;
  data << in.rdbuf();
  if (in.bad()) return Internal("cannot read " + path);
  return data.str();
}

Status write_file_atomic(const std::string& path, std::string_view data, unsigned mode) {
  static std::atomic<uint64_t> counter{0};
  std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(++counter);
  auto fail = [&](const char* what) {
    Status s = Internal(std::string(what) + " " + tmp + ": " + std::strerror(errno));
    unlink(tmp.c_str());
    return s;
  };
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Internal("cannot create " + tmp + ": " + std::strerror(errno));
  if (fchmod(fd, mode) != 0) {
    close(fd);
    return fail("fchmod");
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fd);
      return fail("write");
    }
    done += static_cast<size_t>(n);
  }
  if (close(fd) != 0) return fail("close");
  if (rename(tmp.c_str(), path.c_str()) != 0) return fail("rename");
  return Status::Ok();
}

}  // namespace emu::pki
