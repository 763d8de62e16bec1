// The lab DNS: A and CNAME records that the emulated clients resolve through (the lab's stand-in
// for public DNS: a CMG's service-name CNAME, the cloudapp.azure.com deployment names).
// Names compare case-insensitively and ignore one trailing dot. Thread-safe.
#pragma once

#include "emulator/core/status.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace emu {

struct DnsRecord {
  std::string name;   // lower-case, no trailing dot
  std::string type;   // "A" or "CNAME"
  std::string value;  // IPv4 literal for A; target name for CNAME
};

struct DnsAnswer {
  std::vector<DnsRecord> chain;  // the CNAMEs followed, then the A record
  std::string address;           // the final IPv4 address
};

class DnsZone {
 public:
  // Adds or replaces the record of `name` (one record per name, as a CNAME must be alone).
  // InvalidArgument for a malformed name or CNAME target (RFC 1123: labels of 1-63 letters,
  // digits and inner hyphens, <= 253 chars; no wildcards or underscores), a CNAME pointing to
  // itself, or an A value that is not a dotted-quad IPv4 literal without leading zeros.
  // A CNAME may point to a name that has no record yet (resolve() then reports NotFound).
  Status set_cname(const std::string& name, const std::string& target);
  Status set_a(const std::string& name, const std::string& address);
  // Removes the record of `name`; NotFound("no DNS record for '<name>'") if there was none.
  Status remove(const std::string& name);
  // Follows CNAMEs (at most 8) to an A record. NotFound("<name>: no such host") (the queried
  // name, normalized) when a name in the chain has no record, as a resolver reports NXDOMAIN
  // for the name it was asked (a malformed name has no record, so it is NotFound too);
  // FailedPrecondition("<name>: CNAME loop at '<target>'") for a loop and
  // FailedPrecondition("<name>: more than 8 CNAMEs in the chain").
  Result<DnsAnswer> resolve(const std::string& name) const;
  std::vector<DnsRecord> records() const;  // sorted by name
  void clear();
  // Called after every change (set_cname, set_a, remove, clear), outside the zone's lock, with
  // the records as they are then; for a lab that saves its zone. Set it before the zone is
  // shared between threads.
  void set_observer(std::function<void(const std::vector<DnsRecord>&)> observer);

 private:
  void changed();
  mutable std::mutex mu_;
  std::map<std::string, DnsRecord> records_;
  std::function<void(const std::vector<DnsRecord>&)> observer_;
};

// "cmg.contoso.com" from "CMG.Contoso.com." ; the form records are keyed by.
std::string dns_normalize(const std::string& name);

}  // namespace emu
