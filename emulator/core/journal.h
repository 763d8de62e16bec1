// Request journal: a bounded ring of every request/response the emulator served, with secrets
// masked. Memory stays flat: the ring is bounded by entry count and by bytes (oldest dropped
// first), and each stored request body is cut to a cap with a note of its original size.
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
  std::string request_body;             // masked, cut to the body cap (on a UTF-8 boundary)
  bool request_body_truncated = false;  // set by Journal::record when it cut the body
  size_t request_body_bytes = 0;        // set by Journal::record: the body's size as received
  http::Headers response_headers;       // masked
  size_t response_bytes = 0;            // response body size
  std::string fault_id;                 // the fault rule that answered or delayed it, if any
};

struct JournalQuery {
  std::string listener;    // "" = any; exact match
  std::string method;      // "" = any, case-insensitive
  std::string path;        // "" = any; case-insensitive glob ('*', '?') over the target's path
  int status = 0;          // 0 = any
  uint64_t after_seq = 0;  // only entries with seq > after_seq
  uint64_t until_seq = 0;  // 0 = no upper bound; else only entries with seq <= until_seq
  size_t limit = 0;        // 0 = no limit; otherwise the newest `limit` matches
};

struct JournalLimits {
  size_t max_entries = 10000;           // the most entries held; 0 keeps none
  size_t max_bytes = 64 * 1024 * 1024;  // journal_entry_bytes() of all entries held
  size_t max_body_bytes = 4096;         // request body bytes kept per entry
};

// One page of a query: the oldest matches of the query's selection that fit the page bounds.
struct JournalPage {
  std::vector<JournalEntry> entries;  // oldest first
  bool more = false;                  // matches of the selection were left for a later page
  uint64_t last_seq = 0;              // the newest seq issued when the page was taken
};

// Thread-safe.
class Journal {
 public:
  static constexpr size_t kMaxBodyBytes = JournalLimits{}.max_body_bytes;
  // `capacity` = the most entries held; 0 keeps none (record() still numbers them). The other
  // limits are JournalLimits' defaults.
  explicit Journal(size_t capacity);
  explicit Journal(const JournalLimits& limits);

  // Masks the target, both header lists and the request body (by the request's Content-Type),
  // notes the body's size and cuts it to limits.max_body_bytes, assigns the next seq and stores
  // `entry`, then drops the oldest entries while more than max_entries are held or their
  // journal_entry_bytes() sum exceeds max_bytes (an entry larger than max_bytes alone is not
  // kept). Returns the seq.
  uint64_t record(JournalEntry entry);
  // Matching entries, oldest first.
  std::vector<JournalEntry> query(const JournalQuery& q) const;
  // The selection of `q` (as query() would return it), paged: its oldest entries after
  // q.after_seq, at most `max_entries` (>= 1) and, past the first entry, at most `max_bytes` of
  // journal_entry_bytes(). Copies only the page. The rest of a `limit` selection is exactly the
  // matches in (last entry's seq, last_seq]; without `limit`, those after the last entry.
  JournalPage page(const JournalQuery& q, size_t max_entries, size_t max_bytes) const;
  size_t size() const;
  size_t capacity() const { return limits_.max_entries; }
  const JournalLimits& limits() const { return limits_; }
  // journal_entry_bytes() summed over the entries held (<= limits().max_bytes).
  size_t bytes() const;
  // Entries ever recorded (the last seq issued), including dropped and cleared ones.
  uint64_t total_recorded() const;
  // Drops every entry; seq numbers continue (they are never reused).
  void clear();

 private:
  const JournalLimits limits_;
  mutable std::mutex mu_;
  std::deque<JournalEntry> entries_;  // guarded by mu_; seqs increase front to back
  size_t bytes_ = 0;                  // guarded by mu_
  uint64_t next_seq_ = 1;             // guarded by mu_
};

// What an entry is charged against JournalLimits::max_bytes: its strings' bytes plus the
// fixed size of the entry and of each string and header (an upper estimate of its heap use
// for short strings, close for long ones).
size_t journal_entry_bytes(const JournalEntry& entry);

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
// fault_id (null when empty); a cut body adds request_body_bytes (its size as received). Invalid
// UTF-8 in any string becomes U+FFFD, so dump() never throws on the result.
nlohmann::json to_json(const JournalEntry& entry);

}  // namespace emu
