// lab.dns.* scenario actions over the Lab's DNS zone: add CNAME and A records (what an admin
// does at the public DNS provider for a CMG's service name), remove one, and resolve a name
// as a client would.
#pragma once

#include "emulator/core/actions.h"
#include "emulator/core/dns_zone.h"

namespace emu::app {

// `zone` must outlive the registry's use.
void register_dns_actions(DnsZone& zone, ActionRegistry& registry);
// The same actions without an implementation (names, arguments) for the scenario loader;
// names already registered are kept.
void declare_dns_actions(ActionRegistry& registry);

}  // namespace emu::app
