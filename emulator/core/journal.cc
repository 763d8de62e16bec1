#include "emulator/core/journal.h"

#include "emulator/core/faults.h"
#include "emulator/core/json_limits.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>

namespace emu {
namespace {

using nlohmann::json;

constexpr std::string_view kMask = "***";
constexpr std::string_view kTooDeep = "(JSON body nested too deeply to mask; not recorded)";
// A JSON body larger than this is not parsed to mask its secrets (that would cost the I/O
// thread most of a second for a multi-megabyte body): it is not recorded at all.
constexpr size_t kMaxMaskedJsonBytes = 64 * 1024;
constexpr std::string_view kTooLargeToMask = "(JSON body too large to mask; not recorded)";

constexpr std::string_view kSecretFields[] = {
    "client_secret", "client_assertion", "assertion", "password",      "passwd",
    "secret",        "secretText",       "code",      "code_verifier", "access_token",
    "refresh_token", "id_token",         "token",     "regtoken",      "key",
    "sig",           "device_code",      "user_code"};

// Headers whose value keeps its leading auth scheme when masked.
constexpr std::string_view kAuthHeaders[] = {"Authorization", "Proxy-Authorization",
                                             "x-ms-authorization-auxiliary"};
constexpr std::string_view kSecretHeaders[] = {"Cookie", "Set-Cookie", "ClientToken"};

bool in_list(std::string_view name, std::span<const std::string_view> list) {
  return std::any_of(list.begin(), list.end(),
                     [&](std::string_view item) { return http::iequals(item, name); });
}

std::string mask_header_value(std::string_view name, std::string_view value) {
  if (in_list(name, kAuthHeaders)) {
    size_t space = value.find(' ');
    if (space != std::string_view::npos && space > 0) {
      return std::string(value.substr(0, space)) + " " + std::string(kMask);
    }
    return std::string(kMask);
  }
  if (in_list(name, kSecretHeaders) || glob_match("x-ms-*-key", name, true)) {
    return std::string(kMask);
  }
  return std::string(value);
}

// Masks secret values in "a=1&b=2" (query string or form body); other bytes are kept.
std::string mask_pairs(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (true) {
    size_t amp = s.find('&');
    std::string_view part = s.substr(0, amp);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos &&
        is_secret_field(http::url_decode(part.substr(0, eq), true))) {
      out.append(part.substr(0, eq + 1)).append(kMask);
    } else {
      out.append(part);
    }
    if (amp == std::string_view::npos) break;
    out.push_back('&');
    s.remove_prefix(amp + 1);
  }
  return out;
}

// Replaces the value of every secret key (at any depth); true if anything changed. Sets
// `too_deep` (and stops) past kMaxJsonDepth, so hostile nesting cannot exhaust the stack here or
// in dump().
constexpr int kMaxJsonDepth = 64;
bool mask_json(json& j, int depth, bool& too_deep) {
  if (depth > kMaxJsonDepth) {
    too_deep = true;
    return false;
  }
  bool changed = false;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end() && !too_deep; ++it) {
      if (is_secret_field(it.key()) && !it->is_null()) {
        *it = kMask;
        changed = true;
      } else {
        changed |= mask_json(*it, depth + 1, too_deep);
      }
    }
  } else if (j.is_array()) {
    for (auto it = j.begin(); it != j.end() && !too_deep; ++it) {
      changed |= mask_json(*it, depth + 1, too_deep);
    }
  }
  return changed;
}

// "application/json; charset=utf-8" -> "application/json".
std::string media_type(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
  return http::to_lower(media);
}

bool is_json_media(std::string_view media, std::string_view body) {
  if (media.empty()) return !body.empty() && (body.front() == '{' || body.front() == '[');
  return media == "application/json" || media == "text/json" ||
         (media.size() > 5 && media.substr(media.size() - 5) == "+json");
}

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not valid.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // <= U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// `s` with every invalid UTF-8 byte replaced by U+FFFD.
std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out.append("\xEF\xBF\xBD");
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

// Cuts `body` to at most `max` bytes without splitting a UTF-8 sequence; true if it cut.
bool truncate_utf8(std::string& body, size_t max) {
  if (body.size() <= max) return false;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;
  body.resize(cut);
  return true;
}

json headers_json(const http::Headers& headers) {
  json out = json::object();
  for (const auto& [name, value] : headers.items()) {
    const std::string key = valid_utf8(name);
    const std::string text = valid_utf8(value);
    if (auto it = out.find(key); it != out.end()) {
      it->get_ref<std::string&>().append(", ").append(text);  // amortised: no quadratic copy
    } else {
      out[key] = text;
    }
  }
  return out;
}

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

bool matches(const JournalEntry& e, const JournalQuery& q) {
  if (!q.listener.empty() && e.listener != q.listener) return false;
  if (!q.method.empty() && !http::iequals(e.method, q.method)) return false;
  if (q.status != 0 && e.status != q.status) return false;
  return q.path.empty() || glob_match(q.path, target_path(e.target), true);
}

}  // namespace

bool is_secret_field(std::string_view name) { return in_list(name, kSecretFields); }

http::Headers mask_headers(const http::Headers& headers) {
  http::Headers out;
  for (const auto& [name, value] : headers.items()) out.add(name, mask_header_value(name, value));
  return out;
}

std::string mask_target(const std::string& target) {
  size_t question = target.find('?');
  if (question == std::string::npos) return target;
  return target.substr(0, question + 1) + mask_pairs(std::string_view(target).substr(question + 1));
}

std::string mask_body(std::string_view content_type, const std::string& body) {
  const std::string media = media_type(content_type);
  if (media == "application/x-www-form-urlencoded") return mask_pairs(body);
  if (!is_json_media(media, body)) return body;
  if (body.size() > kMaxMaskedJsonBytes) return std::string(kTooLargeToMask);
  auto parsed = parse_json_limited(body, JsonLimits{body.size(), kMaxJsonDepth});
  if (!parsed.ok()) {
    if (parsed.status().code() == StatusCode::kResourceExhausted) return std::string(kTooDeep);
    return body;  // not JSON after all (or a number out of range): nothing to mask
  }
  json& doc = *parsed;
  bool too_deep = false;
  const bool changed = mask_json(doc, 0, too_deep);
  if (too_deep) return std::string(kTooDeep);  // unchecked: may hide a secret
  return changed ? doc.dump() : body;
}

Journal::Journal(size_t capacity)
    : Journal([capacity] {
        JournalLimits limits;
        limits.max_entries = capacity;
        return limits;
      }()) {}

Journal::Journal(const JournalLimits& limits) : limits_(limits) {}

uint64_t Journal::record(JournalEntry entry) {
  const std::string content_type = entry.request_headers.get_or("Content-Type", "");
  entry.request_body_bytes = entry.request_body.size();
  entry.target = mask_target(entry.target);
  entry.request_body = mask_body(content_type, entry.request_body);
  entry.request_body_truncated = truncate_utf8(entry.request_body, limits_.max_body_bytes);
  entry.request_body.shrink_to_fit();
  entry.request_headers = mask_headers(entry.request_headers);
  entry.response_headers = mask_headers(entry.response_headers);
  const size_t bytes = journal_entry_bytes(entry);

  std::lock_guard lock(mu_);
  entry.seq = next_seq_++;
  const uint64_t seq = entry.seq;
  if (limits_.max_entries == 0) return seq;
  entries_.push_back(std::move(entry));
  bytes_ += bytes;
  while (!entries_.empty() &&
         (entries_.size() > limits_.max_entries || bytes_ > limits_.max_bytes)) {
    bytes_ -= journal_entry_bytes(entries_.front());
    entries_.pop_front();
  }
  return seq;
}

std::vector<JournalEntry> Journal::query(const JournalQuery& q) const {
  std::vector<JournalEntry> out;
  std::lock_guard lock(mu_);
  // Walk newest first so `limit` keeps the newest matches, then restore oldest-first order.
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (q.limit != 0 && out.size() >= q.limit) break;
    if (it->seq <= q.after_seq) break;  // seqs only decrease from here
    if (q.until_seq != 0 && it->seq > q.until_seq) continue;
    if (matches(*it, q)) out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

JournalPage Journal::page(const JournalQuery& q, size_t max_entries, size_t max_bytes) const {
  JournalPage page;
  std::lock_guard lock(mu_);
  page.last_seq = next_seq_ - 1;
  const uint64_t until = q.until_seq == 0 ? page.last_seq : std::min(q.until_seq, page.last_seq);
  auto in_range = [&](const JournalEntry& e) {
    return e.seq > q.after_seq && e.seq <= until && matches(e, q);
  };
  // The selection starts at the first entry after after_seq, or (with `limit`) at the oldest of
  // the newest `limit` matches.
  const auto first =
      std::upper_bound(entries_.begin(), entries_.end(), q.after_seq,
                       [](uint64_t seq, const JournalEntry& e) { return seq < e.seq; });
  auto start = first;
  if (q.limit != 0) {
    start = entries_.end();
    size_t found = 0;
    for (auto it = entries_.end(); it != first && found < q.limit;) {
      --it;
      if (in_range(*it)) {
        ++found;
        start = it;
      }
    }
  }
  size_t bytes = 0;
  for (auto it = start; it != entries_.end() && it->seq <= until; ++it) {
    if (!in_range(*it)) continue;
    const size_t size = journal_entry_bytes(*it);
    if (page.entries.size() >= std::max<size_t>(max_entries, 1) ||
        (!page.entries.empty() && bytes + size > max_bytes)) {
      page.more = true;
      break;
    }
    page.entries.push_back(*it);
    bytes += size;
  }
  return page;
}

size_t Journal::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

uint64_t Journal::total_recorded() const {
  std::lock_guard lock(mu_);
  return next_seq_ - 1;
}

size_t Journal::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

void Journal::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
  entries_.shrink_to_fit();
  bytes_ = 0;
}

size_t journal_entry_bytes(const JournalEntry& e) {
  size_t n = sizeof(JournalEntry);
  for (const std::string* s :
       {&e.listener, &e.method, &e.target, &e.host, &e.request_id, &e.request_body, &e.fault_id})
    n += s->size();
  for (const http::Headers* headers : {&e.request_headers, &e.response_headers})
    for (const auto& [name, value] : headers->items())
      n += sizeof(std::pair<std::string, std::string>) + name.size() + value.size();
  return n;
}

json to_json(const JournalEntry& entry) {
  json j{{"seq", entry.seq},
         {"time", format_iso8601(entry.time)},
         {"listener", valid_utf8(entry.listener)},
         {"method", valid_utf8(entry.method)},
         {"target", valid_utf8(entry.target)},
         {"host", valid_utf8(entry.host)},
         {"request_id", valid_utf8(entry.request_id)},
         {"status", entry.status},
         {"request_headers", headers_json(entry.request_headers)},
         {"request_body", valid_utf8(entry.request_body)},
         {"request_body_truncated", entry.request_body_truncated},
         {"response_headers", headers_json(entry.response_headers)},
         {"response_bytes", entry.response_bytes},
         {"fault_id", entry.fault_id.empty() ? json(nullptr) : json(valid_utf8(entry.fault_id))}};
  if (entry.request_body_truncated) j["request_body_bytes"] = entry.request_body_bytes;
  return j;
}

}  // namespace emu
