// Application credentials created through Graph: client secrets (addPassword) and
// certificate key credentials (keyCredentials in POST/PATCH bodies).

#include "emulator/aad/graph/graph_internal.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/pem.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace emu::aad::graph {
namespace {

constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-";

std::optional<std::string> base64_decode(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c != '\r' && c != '\n' && c != ' ') clean.push_back(c);
  }
  if (clean.empty() || clean.size() % 4 != 0) return std::nullopt;
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  size_t padding = clean.size() - clean.find_last_not_of('=') - 1;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

Status invalid_key_credentials() {
  // [inferred: Graph's text for a key credential it cannot use]
  return InvalidArgument(
      "Invalid value specified for property 'keyCredentials' of resource "
      "'Application'.");
}

// An optional date property: absent/null leaves `out` unchanged.
Status read_date(const json& obj, const char* key, TimePoint& out, std::string_view property) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  Result<TimePoint> t = it->is_string() ? parse_iso8601(it->get<std::string>())
                                        : Result<TimePoint>(InvalidArgument("not a string"));
  if (!t.ok()) {
    return InvalidArgument("Invalid value specified for property '" + std::string(property) +
                           "' of resource 'PasswordCredential'.");  // inferred
  }
  out = *t;
  return Status::Ok();
}

Result<KeyCredential> new_key_credential(const json& entry, IdSource& ids) {
  auto der = base64_decode(string_field(entry, "key"));
  if (!der) return invalid_key_credentials();
  auto cert = crypto::parse_cert_der(*der);
  if (!cert.ok()) return invalid_key_credentials();
  KeyCredential k;
  k.key_id = string_field(entry, "keyId");
  if (k.key_id.empty()) k.key_id = ids.guid();
  if (auto name = entry.find("displayName"); name != entry.end() && name->is_string()) {
    if (graph_length(name->get_ref<const std::string&>()) > kGraphLimits.credential_display_name)
      return InvalidArgument(
          "Invalid value specified for property 'displayName' of resource "
          "'KeyCredential'.");  // inferred
    k.display_name = name->get<std::string>();
  }
  k.cert_der = *der;
  auto x5t = crypto::x5t_of_der(*der);
  if (!x5t.ok()) return x5t.status();
  k.thumbprint_b64 = std::move(x5t).value();
  auto not_before = crypto::asn1_to_time(X509_get0_notBefore(cert->get()));
  auto not_after = crypto::asn1_to_time(X509_get0_notAfter(cert->get()));
  if (!not_before.ok() || !not_after.ok()) return invalid_key_credentials();
  k.start = *not_before;
  k.end = *not_after;
  EMU_RETURN_IF_ERROR(read_date(entry, "startDateTime", k.start, "startDateTime"));
  EMU_RETURN_IF_ERROR(read_date(entry, "endDateTime", k.end, "endDateTime"));
  return k;
}

// The same calendar date and time two years later (Feb 29 becomes Feb 28).
TimePoint plus_two_years(TimePoint t) {
  using namespace std::chrono;
  sys_days day = floor<days>(t);
  year_month_day ymd = year_month_day(day) + years(2);
  if (!ymd.ok()) ymd = ymd.year() / ymd.month() / last;
  return sys_days(ymd) + (t - day);
}

}  // namespace

std::string generate_secret(IdSource& ids) {
  std::string secret;
  for (int i = 0; i < 37; ++i) {
    if (i == 3) secret += "8Q~";
    secret.push_back(kSecretAlphabet[ids.next_u64() % kSecretAlphabet.size()]);
  }
  return secret;
}

Result<PasswordCredential> new_password_credential(const json& body, TimePoint now, IdSource& ids) {
  json spec = json::object();
  if (!body.is_null()) {
    if (!body.is_object()) return InvalidArgument("Invalid request body.");
    if (auto it = body.find("passwordCredential"); it != body.end() && !it->is_null()) spec = *it;
    if (!spec.is_object()) {
      return InvalidArgument("Invalid value specified for property 'passwordCredential'.");
    }
  }
  PasswordCredential p;
  p.key_id = ids.guid();
  p.secret = generate_secret(ids);
  p.hint = p.secret.substr(0, 3);
  if (auto name = spec.find("displayName"); name != spec.end() && name->is_string()) {
    if (graph_length(name->get_ref<const std::string&>()) > kGraphLimits.credential_display_name)
      return InvalidArgument(
          "Invalid value specified for property 'displayName' of resource "
          "'PasswordCredential'.");  // inferred wording, as endDateTime's
    p.display_name = name->get<std::string>();
  }
  p.start = std::chrono::floor<std::chrono::seconds>(now);
  EMU_RETURN_IF_ERROR(read_date(spec, "startDateTime", p.start, "startDateTime"));
  p.end = plus_two_years(p.start);
  EMU_RETURN_IF_ERROR(read_date(spec, "endDateTime", p.end, "endDateTime"));
  if (p.end <= p.start) {
    return InvalidArgument(
        "Invalid value specified for property 'endDateTime' of resource "
        "'PasswordCredential'.");  // inferred
  }
  return p;
}

Status apply_key_credentials(const json& body, Application& a, IdSource& ids) {
  auto it = body.find("keyCredentials");
  if (it == body.end()) return Status::Ok();
  if (!it->is_array()) return invalid_key_credentials();
  std::vector<KeyCredential> result;
  for (const json& entry : *it) {
    if (!entry.is_object()) return invalid_key_credentials();
    auto key = entry.find("key");
    if (key != entry.end() && key->is_string()) {
      EMU_ASSIGN_OR_RETURN(KeyCredential k, new_key_credential(entry, ids));
      result.push_back(std::move(k));
      continue;
    }
    std::string key_id = string_field(entry, "keyId");
    auto existing = std::find_if(a.key_credentials.begin(), a.key_credentials.end(),
                                 [&](const KeyCredential& k) { return k.key_id == key_id; });
    if (key_id.empty() || existing == a.key_credentials.end()) return invalid_key_credentials();
    result.push_back(*existing);
  }
  a.key_credentials = std::move(result);
  return Status::Ok();
}

}  // namespace emu::aad::graph
