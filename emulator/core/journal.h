// Request journal: a bounded ring of every request/response the emulator served, with secrets
// masked. Memory stays flat: once `capacity` entries are held, the oldest is dropped.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"

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
  http::Headers request_headers;   // masked
  std::string request_body;        // masked, truncated to kMaxBodyBytes
  http::Headers response_headers;  // masked
  size_t response_bytes = 0;
  std::string fault_id;  // the fault rule that answered or delayed it, if any
};

struct JournalQuery {
  std::string listener;  // "" = any
  std::string method;    // "" = any, case-insensitive
  std::string path;      // "" = any; glob with '*' over the path part of the target
  int status = 0;        // 0 = any
  uint64_t after_seq = 0;
  size_t limit = 0;      // 0 = no limit; otherwise the newest `limit` matches
};

// Thread-safe.
class Journal {
 public:
  static constexpr size_t kMaxBodyBytes = 4096;
  explicit Journal(size_t capacity);

  // Masks, truncates, assigns seq, and stores `entry`; returns its seq.
  uint64_t record(JournalEntry entry);
  // Matching entries, oldest first.
  std::vector<JournalEntry> query(const JournalQuery& q) const;
  size_t size() const;
  size_t capacity() const { return capacity_; }
  uint64_t total_recorded() const;
  void clear();

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<JournalEntry> entries_;  // guarded by mu_
  uint64_t next_seq_ = 1;             // guarded by mu_
};

// Masking rules, exposed for tests and for other recorders.
// Header values of Authorization, Proxy-Authorization, Cookie, Set-Cookie, x-ms-*-key become
// "***" (an auth scheme such as "Bearer " is kept).
http::Headers mask_headers(const http::Headers& headers);
// In a target, the values of secret query parameters become "***".
std::string mask_target(const std::string& target);
// In a form or JSON body, the values of secret fields (client_secret, password, client_assertion,
// refresh_token, code, code_verifier, assertion, access_token, id_token, secretText, ...) become
// "***". Other bodies are returned as they are.
std::string mask_body(std::string_view content_type, const std::string& body);
// True if a field/parameter name is secret (case-insensitive).
bool is_secret_field(std::string_view name);

nlohmann::json to_json(const JournalEntry& entry);

}  // namespace emu
