// SigningKeySet: the Entra ID party's token-signing keys, persisted in its database and
// imported at first from the lab PKI folder. Key material and RS256 live in rsa_key.cc.
#include "emulator/aad/keys/signing_keys.h"

#include "emulator/aad/keys/rsa_key.h"
#include "emulator/core/store/database.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace emu::aad {

const char* const kSigningKeysDdl =
    "CREATE TABLE signing_keys ("
    "kid TEXT PRIMARY KEY, "
    "key_pem TEXT NOT NULL, "
    "cert_pem TEXT NOT NULL, "
    "active INTEGER NOT NULL, "
    "created TEXT NOT NULL, "
    "seq INTEGER NOT NULL);";

namespace {

using internal::RsaKey;
using KeyPtr = std::shared_ptr<const RsaKey>;

struct Entry {
  KeyPtr key;
  bool active = false;
  TimePoint created{};
  int64_t seq = 0;
};

std::string file_for(const std::string& dir, int n, const char* ext) {
  return dir + "/aad-signing-" + std::to_string(n) + ext;
}

// NotFound if `path` does not exist; Internal on another I/O error.
Result<std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound(path + " does not exist");
    return Internal("cannot open " + path + ": " + std::strerror(errno));
  }
  std::string data;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Internal("cannot read " + path + ": " + std::strerror(errno));
    }
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
}

// Writes a temporary sibling with `mode` and renames it over `path`.
Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Internal("cannot create " + tmp + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, mode) == 0;
  for (size_t done = 0; ok && done < data.size();) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Internal("cannot write " + path + ": " + std::strerror(errno));
    ::unlink(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

// Holds an exclusive flock() on a file until destroyed.
class FileLock {
 public:
  static Result<std::unique_ptr<FileLock>> acquire(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Unavailable("cannot open " + path + ": " + std::strerror(errno));
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        ::close(fd);
        return Unavailable("cannot lock " + path + ": " + std::strerror(errno));
      }
    }
    return std::unique_ptr<FileLock>(new FileLock(fd));
  }
  ~FileLock() { ::close(fd_); }  // closing releases the flock

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// Key `n` of the PKI folder: reads (or generates and saves, mode 0600) the key, and reuses
// its saved certificate when it matches (so the kid survives a fresh database).
Result<KeyPtr> ensure_file_key(const std::string& dir, int n, TimePoint now) {
  const std::string key_path = file_for(dir, n, ".key");
  const std::string cert_path = file_for(dir, n, ".crt");
  auto key_pem = read_file(key_path);
  if (!key_pem.ok() && key_pem.status().code() != StatusCode::kNotFound) return key_pem.status();
  if (!key_pem.ok()) {
    key_pem = internal::generate_rsa_key_pem();
    if (!key_pem.ok()) return key_pem.status();
    EMU_RETURN_IF_ERROR(write_file_atomic(key_path, *key_pem, 0600));
  }
  if (auto cert_pem = read_file(cert_path); cert_pem.ok()) {
    if (auto key = RsaKey::load(*key_pem, *cert_pem); key.ok()) return key;
  }
  auto cert_pem = internal::make_signing_cert_pem(*key_pem, now);
  if (!cert_pem.ok()) return cert_pem.status().with_context(key_path);
  EMU_RETURN_IF_ERROR(write_file_atomic(cert_path, *cert_pem, 0644));
  return RsaKey::load(*key_pem, *cert_pem);
}

Result<std::vector<KeyPtr>> import_keys(const std::string& dir, int count, TimePoint now) {
  if (dir.empty()) return InvalidArgument("the PKI directory for signing keys is empty");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create " + dir + ": " + ec.message());
  EMU_ASSIGN_OR_RETURN(auto lock, FileLock::acquire(dir + "/.aad-keys.lock"));
  std::vector<KeyPtr> keys;
  for (int n = 1; n <= count; ++n) {
    EMU_ASSIGN_OR_RETURN(KeyPtr key, ensure_file_key(dir, n, now));
    keys.push_back(std::move(key));
  }
  return keys;
}

Status insert_row(store::Database& db, const Entry& e) {
  EMU_ASSIGN_OR_RETURN(store::Statement st,
                       db.prepare("INSERT INTO signing_keys(kid, key_pem, cert_pem, active, "
                                  "created, seq) VALUES (?, ?, ?, ?, ?, ?)"));
  EMU_RETURN_IF_ERROR(st.bind(1, e.key->x5t()));
  EMU_RETURN_IF_ERROR(st.bind(2, e.key->key_pem()));
  EMU_RETURN_IF_ERROR(st.bind(3, e.key->cert_pem()));
  EMU_RETURN_IF_ERROR(st.bind(4, e.active ? 1 : 0));
  EMU_RETURN_IF_ERROR(st.bind(5, format_iso8601(e.created)));
  EMU_RETURN_IF_ERROR(st.bind(6, e.seq));
  return st.run();
}

Result<std::vector<Entry>> load_rows(store::Database& db) {
  EMU_ASSIGN_OR_RETURN(store::Statement st,
                       db.prepare("SELECT kid, key_pem, cert_pem, active, created, seq "
                                  "FROM signing_keys ORDER BY seq"));
  std::vector<Entry> out;
  while (true) {
    EMU_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    const std::string kid = st.column_text(0);
    auto key = RsaKey::load(st.column_text(1), st.column_text(2));
    if (!key.ok()) return key.status().with_context("signing key " + kid);
    if (key.value()->x5t() != kid) {
      return FailedPrecondition("signing key row " + kid + " does not match its certificate");
    }
    auto created = parse_iso8601(st.column_text(4));
    if (!created.ok()) return created.status().with_context("signing key " + kid);
    out.push_back({std::move(key).value(), st.column_int64(3) != 0, *created, st.column_int64(5)});
  }
  return out;
}

// Inserts `keys` as seq 1..n (key 1 active) unless another writer filled the table first.
Status store_initial(store::Database& db, const std::vector<KeyPtr>& keys, TimePoint now) {
  store::Transaction tx(db);
  EMU_RETURN_IF_ERROR(tx.begin_status());
  EMU_ASSIGN_OR_RETURN(store::Statement count, db.prepare("SELECT COUNT(*) FROM signing_keys"));
  EMU_ASSIGN_OR_RETURN(bool row, count.step());
  if (row && count.column_int64(0) > 0) return Status::Ok();
  for (size_t i = 0; i < keys.size(); ++i) {
    EMU_RETURN_IF_ERROR(insert_row(db, {keys[i], i == 0, now, static_cast<int64_t>(i + 1)}));
  }
  return tx.commit();
}

}  // namespace

struct SigningKeySet::Impl {
  store::Database* db = nullptr;
  const Clock* clock = nullptr;
  std::string pki_dir;  // rolled keys reuse <pki_dir>/aad-signing-<seq>.key when present
  mutable std::mutex mu;
  std::vector<Entry> entries;  // ordered by seq; exactly one active. Guarded by mu.

  KeyPtr active() const {
    std::lock_guard lock(mu);
    for (const Entry& e : entries) {
      if (e.active) return e.key;
    }
    return nullptr;
  }
  KeyPtr find(std::string_view kid) const {
    std::lock_guard lock(mu);
    for (const Entry& e : entries) {
      if (e.key->x5t() == kid) return e.key;
    }
    return nullptr;
  }
};

SigningKeySet::SigningKeySet() : impl_(std::make_unique<Impl>()) {}
SigningKeySet::~SigningKeySet() = default;

Result<std::unique_ptr<SigningKeySet>> SigningKeySet::open(store::Database& db,
                                                           const std::string& pki_dir, int count,
                                                           const Clock& clock) {
  if (count < 1) return InvalidArgument("signing key count must be at least 1");
  EMU_ASSIGN_OR_RETURN(std::vector<Entry> entries, load_rows(db));
  if (entries.empty()) {
    EMU_ASSIGN_OR_RETURN(std::vector<KeyPtr> keys, import_keys(pki_dir, count, clock.now()));
    EMU_RETURN_IF_ERROR(store_initial(db, keys, clock.now()));
    EMU_ASSIGN_OR_RETURN(entries, load_rows(db));
  }
  // Exactly one active key: the newest row marked active.
  auto last_active =
      std::find_if(entries.rbegin(), entries.rend(), [](const Entry& e) { return e.active; });
  if (last_active == entries.rend()) return FailedPrecondition("no active signing key in the db");
  for (Entry& e : entries) e.active = &e == &*last_active;
  std::unique_ptr<SigningKeySet> set(new SigningKeySet());
  set->impl_->db = &db;
  set->impl_->clock = &clock;
  set->impl_->pki_dir = pki_dir;
  set->impl_->entries = std::move(entries);
  return set;
}

Result<std::string> SigningKeySet::sign(const nlohmann::json& payload,
                                        const nlohmann::json& extra_header) const {
  if (!payload.is_object()) return InvalidArgument("a JWT payload must be a JSON object");
  if (!extra_header.is_object()) return InvalidArgument("a JWS header must be a JSON object");
  KeyPtr key = impl_->active();
  if (!key) return FailedPrecondition("no active signing key");
  std::string input;
  try {
    if (extra_header.empty()) {
      input = key->default_header_b64();
    } else {
      nlohmann::ordered_json header = {
          {"typ", "JWT"}, {"alg", "RS256"}, {"x5t", key->x5t()}, {"kid", key->x5t()}};
      for (const auto& [name, value] : extra_header.items()) {
        if (name != "alg" && name != "kid" && name != "x5t") header[name] = value;
      }
      input = base64url_encode(header.dump());
    }
    input += '.';
    input += base64url_encode(payload.dump());
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(std::string("cannot serialise the JWT: ") + e.what());
  }
  EMU_ASSIGN_OR_RETURN(std::string signature, key->sign(input));
  input += '.';
  input += base64url_encode(signature);
  return input;
}

Status SigningKeySet::verify(std::string_view kid, std::string_view signing_input,
                             std::string_view signature) const {
  KeyPtr key = impl_->find(kid);
  if (!key) return NotFound("no signing key with kid '" + std::string(kid) + "'");
  if (!key->verify(signing_input, signature)) {
    return PermissionDenied("the RS256 signature does not verify with key '" + std::string(kid) +
                            "'");
  }
  return Status::Ok();
}

nlohmann::json SigningKeySet::jwks() const {
  nlohmann::json keys = nlohmann::json::array();
  std::lock_guard lock(impl_->mu);
  for (const Entry& e : impl_->entries) keys.push_back(e.key->jwk());
  return {{"keys", std::move(keys)}};
}

std::vector<SigningKeyInfo> SigningKeySet::keys() const {
  std::vector<SigningKeyInfo> out;
  std::lock_guard lock(impl_->mu);
  for (const Entry& e : impl_->entries) {
    out.push_back({e.key->x5t(), e.key->x5t(), e.key->cert_der_b64(), e.active, e.created});
  }
  return out;
}

std::string SigningKeySet::active_kid() const {
  KeyPtr key = impl_->active();
  return key ? key->x5t() : std::string();
}

Result<std::string> SigningKeySet::roll() {
  // The key for sequence number n is <pki_dir>/aad-signing-<n>.key, generated there once and
  // reused afterwards: a scenario that rolls keys stays byte-for-byte reproducible and a
  // roll costs no key generation after the first run.
  const TimePoint now = impl_->clock->now();
  int64_t next_seq;
  {
    std::lock_guard lock(impl_->mu);
    next_seq = impl_->entries.empty() ? 1 : impl_->entries.back().seq + 1;
  }
  KeyPtr key;
  {
    EMU_ASSIGN_OR_RETURN(auto file_lock, FileLock::acquire(impl_->pki_dir + "/.aad-keys.lock"));
    EMU_ASSIGN_OR_RETURN(key, ensure_file_key(impl_->pki_dir, static_cast<int>(next_seq), now));
  }

  std::lock_guard lock(impl_->mu);
  const int64_t seq = impl_->entries.empty() ? 1 : impl_->entries.back().seq + 1;
  if (seq != next_seq) return Aborted("signing keys changed during roll(); retry");
  Entry entry{key, true, now, seq};
  store::Transaction tx(*impl_->db);
  EMU_RETURN_IF_ERROR(tx.begin_status());
  EMU_RETURN_IF_ERROR(impl_->db->exec("UPDATE signing_keys SET active = 0 WHERE active <> 0"));
  EMU_RETURN_IF_ERROR(insert_row(*impl_->db, entry));
  EMU_RETURN_IF_ERROR(tx.commit());
  for (Entry& e : impl_->entries) e.active = false;
  impl_->entries.push_back(std::move(entry));
  return key->x5t();
}

Status SigningKeySet::remove(const std::string& kid) {
  std::lock_guard lock(impl_->mu);
  auto it = std::find_if(impl_->entries.begin(), impl_->entries.end(),
                         [&](const Entry& e) { return e.key->x5t() == kid; });
  if (it == impl_->entries.end()) return NotFound("no signing key with kid '" + kid + "'");
  if (it->active) {
    return FailedPrecondition("signing key '" + kid +
                              "' is the active key; roll to a new key before removing it");
  }
  EMU_ASSIGN_OR_RETURN(store::Statement st,
                       impl_->db->prepare("DELETE FROM signing_keys WHERE kid = ?"));
  EMU_RETURN_IF_ERROR(st.bind(1, kid));
  EMU_RETURN_IF_ERROR(st.run());
  impl_->entries.erase(it);
  return Status::Ok();
}

}  // namespace emu::aad
