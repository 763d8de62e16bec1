#include "emulator/cmg/proxy_url.h"

#include "emulator/core/text.h"

#include <charconv>

namespace emu::cmg {
namespace {

// The next '/'-separated segment of `path` starting at `pos` (skipping empty segments), and
// the position after it.
std::string_view next_segment(std::string_view path, size_t& pos) {
  while (pos < path.size() && path[pos] == '/') ++pos;
  const size_t start = pos;
  while (pos < path.size() && path[pos] != '/') ++pos;
  return path.substr(start, pos - start);
}

bool parse_role_id(std::string_view text, int64_t& out) {
  if (text.empty() || text.size() > 19) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && out > 0;
}

}  // namespace

ProxyUrl parse_proxy_url(std::string_view path, std::string_view query) {
  ProxyUrl url;
  size_t pos = 0;
  const std::string_view first = next_segment(path, pos);
  if (iequals(first, "CCM_Proxy_MutualAuth")) {
    url.prefix = ProxyPrefix::kMutualAuth;
  } else if (iequals(first, "CCM_Proxy_ServerAuth")) {
    url.prefix = ProxyPrefix::kServerAuth;
  } else {
    return url;
  }
  const std::string_view second = next_segment(path, pos);
  size_t after_second = pos;
  const bool second_is_last = next_segment(path, after_second).empty();
  if (second_is_last && iequals(second, "ServiceMetadata")) {
    url.target = ProxyTarget::kServiceMetadata;
    return url;
  }
  if (second_is_last && url.prefix == ProxyPrefix::kServerAuth && iequals(second, "AADAuthInfo")) {
    url.target = ProxyTarget::kAadAuthInfo;
    return url;
  }
  if (!parse_role_id(second, url.role_id)) return url;
  url.role_id_text = std::string(second);
  while (pos < path.size() && path[pos] == '/') ++pos;
  const size_t vdir_start = pos;
  const std::string_view vdir = next_segment(path, pos);
  if (vdir.empty()) return url;
  url.vdir = std::string(vdir);
  url.target = ProxyTarget::kRole;
  url.external_prefix = std::string(path.substr(0, pos));
  url.internal_path = "/" + std::string(path.substr(vdir_start));
  if (!query.empty()) url.internal_path += "?" + std::string(query);
  return url;
}

const Mapping* find_mapping(const Publication& publication, const ProxyUrl& url) {
  if (url.target != ProxyTarget::kRole) return nullptr;
  for (const Mapping& m : publication.mappings) {
    if (m.role_id != url.role_id) continue;
    for (const std::string& v : m.vdirs)
      if (iequals(v, url.vdir)) return &m;
  }
  return nullptr;
}

std::string published_vdir(const Mapping& mapping, std::string_view vdir) {
  for (const std::string& v : mapping.vdirs)
    if (iequals(v, vdir)) return v;
  return std::string(vdir);
}

}  // namespace emu::cmg
