// Parsing of the request targets a CMG answers (emulator/cmg/README.md, Behaviour):
//   /CCM_Proxy_MutualAuth/<role id>/<vdir>[/rest][?query]   (PKI clients, mutual TLS)
//   /CCM_Proxy_ServerAuth/<role id>/<vdir>[/rest][?query]   (token clients)
//   /CCM_Proxy_{MutualAuth,ServerAuth}/ServiceMetadata       (answered by the CMG)
//   /CCM_Proxy_ServerAuth/AADAuthInfo?TenantID=<guid>        (answered by the CMG)
// Prefixes and special names compare case-insensitively (clients send CCM_PROXY_MutualAuth,
// ccm_system_tokenauth, ...). Pure functions: thread-safe, never throw except std::bad_alloc.
#pragma once

#include "emulator/cmg/cmg_api.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emu::cmg {

enum class ProxyPrefix { kNone, kMutualAuth, kServerAuth };

enum class ProxyTarget {
  kUnknown,          // not under a proxy prefix, or no role ID / vdir
  kServiceMetadata,  // /<prefix>/ServiceMetadata
  kAadAuthInfo,      // /CCM_Proxy_ServerAuth/AADAuthInfo
  kRole,             // /<prefix>/<role id>/<vdir>...
};

struct ProxyUrl {
  ProxyPrefix prefix = ProxyPrefix::kNone;
  ProxyTarget target = ProxyTarget::kUnknown;
  int64_t role_id = 0;
  std::string role_id_text;  // as sent (decimal)
  std::string vdir;          // as sent, e.g. "ccm_system_tokenauth"
  // "/<vdir>[/rest][?query]": what the connection point appends to the internal server.
  std::string internal_path;
  // The external prefix up to and including the vdir, as sent:
  // "/CCM_Proxy_ServerAuth/<id>/CCM_STS".
  std::string external_prefix;
};

// Parses `path` (before '?', not percent-decoded) and `query` (after '?', raw).
ProxyUrl parse_proxy_url(std::string_view path, std::string_view query);

// The published mapping `url` targets (same role ID and a published vdir, case-insensitive), or
// nullptr when the URL is not in the publication (the CMG's 403 CMGConnector_Forbidden).
const Mapping* find_mapping(const Publication& publication, const ProxyUrl& url);

// The canonical spelling of `vdir` in `mapping` (e.g. "CCM_System_TokenAuth" for
// "ccm_system_tokenauth"), or `vdir` itself when not published.
std::string published_vdir(const Mapping& mapping, std::string_view vdir);

}  // namespace emu::cmg
