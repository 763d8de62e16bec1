#include "emulator/core/dns_zone.h"

#include <set>

namespace emu {
namespace {

constexpr int kMaxCnameHops = 8;

bool is_label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// RFC 1123 host name (already normalized): 1-63 character labels of letters, digits and
// hyphens, not starting or ending with a hyphen; at most 253 characters in all.
bool is_valid_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('.', start);
    if (end == std::string::npos) end = name.size();
    std::string_view label(name.data() + start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!is_label_char(c)) return false;
    }
    start = end + 1;
  }
  return true;
}

// Dotted-quad IPv4: four decimal parts 0-255, no leading zeros, nothing else.
bool is_ipv4(const std::string& text) {
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    size_t start = i;
    int value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 3) {
      value = value * 10 + (text[i] - '0');
      ++i;
    }
    size_t digits = i - start;
    if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return false;
    ++parts;
    if (parts < 4) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
  }
  return i == text.size();
}

Status check_name(const std::string& raw, const std::string& normalized) {
  if (!is_valid_name(normalized)) return InvalidArgument("not a valid DNS name: '" + raw + "'");
  return Status::Ok();
}

}  // namespace

std::string dns_normalize(const std::string& name) {
  std::string out = name;
  if (!out.empty() && out.back() == '.') out.pop_back();
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Status DnsZone::set_cname(const std::string& name, const std::string& target) {
  std::string key = dns_normalize(name);
  std::string value = dns_normalize(target);
  EMU_RETURN_IF_ERROR(check_name(name, key));
  EMU_RETURN_IF_ERROR(check_name(target, value));
  if (key == value) return InvalidArgument("CNAME '" + key + "' points to itself");
  {
    std::lock_guard lock(mu_);
    records_[key] = DnsRecord{key, "CNAME", value};
  }
  changed();
  return Status::Ok();
}

Status DnsZone::set_a(const std::string& name, const std::string& address) {
  std::string key = dns_normalize(name);
  EMU_RETURN_IF_ERROR(check_name(name, key));
  if (!is_ipv4(address)) return InvalidArgument("not an IPv4 address: '" + address + "'");
  {
    std::lock_guard lock(mu_);
    records_[key] = DnsRecord{key, "A", address};
  }
  changed();
  return Status::Ok();
}

Status DnsZone::remove(const std::string& name) {
  std::string key = dns_normalize(name);
  {
    std::lock_guard lock(mu_);
    if (records_.erase(key) == 0) return NotFound("no DNS record for '" + key + "'");
  }
  changed();
  return Status::Ok();
}

Result<DnsAnswer> DnsZone::resolve(const std::string& name) const {
  const std::string query = dns_normalize(name);
  std::lock_guard lock(mu_);
  DnsAnswer answer;
  std::set<std::string> seen;
  std::string current = query;
  for (int cnames = 0;;) {
    auto it = records_.find(current);
    if (it == records_.end()) return NotFound(query + ": no such host");
    const DnsRecord& record = it->second;
    answer.chain.push_back(record);
    if (record.type == "A") {
      answer.address = record.value;
      return answer;
    }
    seen.insert(current);
    if (seen.count(record.value) != 0) {
      return FailedPrecondition(query + ": CNAME loop at '" + record.value + "'");
    }
    if (++cnames > kMaxCnameHops) {
      return FailedPrecondition(query + ": more than " + std::to_string(kMaxCnameHops) +
                                " CNAMEs in the chain");
    }
    current = record.value;
  }
}

std::vector<DnsRecord> DnsZone::records() const {
  std::lock_guard lock(mu_);
  std::vector<DnsRecord> out;
  out.reserve(records_.size());
  for (const auto& entry : records_) out.push_back(entry.second);
  return out;
}

void DnsZone::clear() {
  {
    std::lock_guard lock(mu_);
    records_.clear();
  }
  changed();
}

void DnsZone::set_observer(std::function<void(const std::vector<DnsRecord>&)> observer) {
  observer_ = std::move(observer);
}

void DnsZone::changed() {
  if (observer_) observer_(records());
}

}  // namespace emu
