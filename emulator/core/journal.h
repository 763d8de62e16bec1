// Request journal: a bounded ring of every request/response the emulator served, with secrets
// masked. Memory stays flat: once `capacity` entries are held, the oldest is dropped.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu {

struct JournalEntry {
  uint64_t seq = 0;  // assigned by Journal::record, 1-based, never reused
  TimePoint time{};  // virtual time when the request was received
  std::string listener;
  std::string method;
  std::string target;  // masked (secret query parameters replaced by "***")
  std::string host;
  std::string request_id;
  int status = 0;
  http::Headers request_headers;        // masked
  std::string request_body;             // masked, truncated to kMaxBodyBytes (on a UTF-8 boundary)
  bool request_body_truncated = false;  // set by Journal::record when it cut the body
  http::Headers response_headers;       // masked
  size_t response_bytes = 0;  // response body size
  std::string fault_id;  // the fault rule that answered or delayed it, if any
};

struct JournalQuery {
  std::string listener;  // "" = any; exact match
  std::string method;    // "" = any, case-insensitive
  std::string path;      // "" = any; case-insensitive glob ('*', '?') over the target's path
  int status = 0;        // 0 = any
  uint64_t after_seq = 0;
  size_t limit = 0;  // 0 = no limit; otherwise the newest `limit` matches
};

// Thread-safe.
class Journal {
 public:
  static constexpr size_t kMaxBodyBytes = 4096;
  // `capacity` = the most entries held; 0 keeps none (record() still numbers them).
  explicit Journal(size_t capacity);

  // Masks the target, both header lists and the request body (by the request's Content-Type),
  // truncates the body, assigns the next seq and stores `entry`, dropping the oldest entry
  // beyond capacity. Returns the seq.
  uint64_t record(JournalEntry entry);
  // Matching entries, oldest first.
  std::vector<JournalEntry> query(const JournalQuery& q) const;
  size_t size() const;
  size_t capacity() const { return capacity_; }
  // Entries ever recorded (the last seq issued), including dropped and cleared ones.
  uint64_t total_recorded() const;
  // Drops every entry; seq numbers continue (they are never reused).
  void clear();

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<JournalEntry> entries_;  // guarded by mu_
  uint64_t next_seq_ = 1;             // guarded by mu_
};

// Masking rules, exposed for tests and for other recorders.
// Values of the headers Authorization, Proxy-Authorization, x-ms-authorization-auxiliary,
// Cookie, Set-Cookie, ClientToken (ConfigMgr's CMG token header) and x-ms-*-key become "***";
// for the three authorization headers a leading scheme is kept ("Bearer ***").
// Other headers and the order of all headers are kept.
http::Headers mask_headers(const http::Headers& headers);
// In a target, the values of secret query parameters become "***" ("/t?code=***&state=1");
// everything else is kept byte for byte.
std::string mask_target(const std::string& target);
// For application/x-www-form-urlencoded bodies, the values of secret parameters become "***"
// (other bytes kept). For JSON bodies (application/json, text/json, */*+json, or no content
// type and a body starting with '{' or '['), the value of every secret key at any depth becomes
// "***" and the document is re-serialised compactly; a JSON body with no secret, or that does
// not parse, is returned unchanged, and one nesting deeper than 64 levels is replaced by a
// placeholder. Other bodies are returned as they are.
std::string mask_body(std::string_view content_type, const std::string& body);
// True if a field/parameter name is secret (ASCII case-insensitive, exact name). The list:
// client_secret, client_assertion, assertion, password, passwd, secret, secretText, code,
// code_verifier, access_token, refresh_token, id_token, token, regtoken, key, sig (SAS).
bool is_secret_field(std::string_view name);

// A stable JSON object with the keys seq, time (format_iso8601), listener, method, target,
// host, request_id, status, request_headers and response_headers (objects name -> value,
// repeated names joined with ", "), request_body, request_body_truncated, response_bytes and
// fault_id (null when empty). Invalid UTF-8 in any string becomes U+FFFD, so dump() never
// throws on the result.
nlohmann::json to_json(const JournalEntry& entry);

}  // namespace emu
