// Internal to emu::site: the state the site service shares with its action handlers.
#pragma once

#include "emulator/core/actions.h"
#include "emulator/core/dns_zone.h"
#include "emulator/core/trace_log.h"
#include "emulator/site/connection_point/connection_point.h"
#include "emulator/site/env.h"
#include "emulator/site/site_service.h"
#include "emulator/site/tokens/signing_certs.h"
#include "emulator/sitedb/site_db.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace emu::site::internal {

struct SiteState {
  Clock& clock;
  IdSource& ids;
  const store::StateDir& state;
  std::string pki_dir;
  DnsZone& dns;
  SiteConfig config;
  std::unique_ptr<TraceLogs> logs;
  std::unique_ptr<sitedb::SiteDb> db;  // null until a lab section seeds the site
  std::shared_ptr<const SiteSigningCert> token_signer;
  std::shared_ptr<const SiteSigningCert> site_signer;
  nlohmann::json last_seed;
  cmg::CmgControl* cmg = nullptr;    // the CMG service (null in tests without one)
  Intranet* intranet = nullptr;      // the connection point's route to internal roles
  const pki::LabPki* pki = nullptr;  // the lab PKI (CRL, seeded CMGs' certificates)
  ConnectionPoints cmg_links;        // connection points and what the CMG service was told
  std::unique_ptr<UploadedCertificates> uploads;  // the Create CMG wizard's certificates

  // Loads (creating if needed) the site's signing certificates and records them in the DB.
  // Runs on the I/O thread.
  Status load_signers(const std::string& site_code);
};

// Brings the CMG service in line with the site database (I/O thread; no-op without a CMG
// service or a database): every Ready CMG is deployment_ready (others deployment_down), every
// connection point of a Ready CMG has its channel connected (unless disconnected by hand), and
// each CMG with a connected CP has the current URL mappings and security settings published.
// Idempotent; run after every site action, after a seed and when a saved lab resumes.
void reconcile_cmg(SiteState& s);
// The connection point actions (connection_point/actions.cc).
ActionOutcome cp_state(SiteState& s, SiteEnv& env, const nlohmann::json& args);
ActionOutcome cp_connect(SiteState& s, SiteEnv& env, const nlohmann::json& args, bool connect);
ActionOutcome cp_configure(SiteState& s, SiteEnv& env, const nlohmann::json& args);
ActionOutcome cmg_traffic(SiteState& s, SiteEnv& env, const nlohmann::json& args);
// lab.site.cmg: a CMG that is already deployed, its connection point and allowed traffic.
Status seed_cmg(SiteState& s, const nlohmann::json& cmg, nlohmann::json& summary);

// "management_point" -> 6 ... (the lab section's and the actions' role keys); 0 if unknown.
int role_type_of(const std::string& key);
const std::vector<std::string>& role_keys();

// site.bulk_token.new / .validate / .block / .unblock (tokens/actions.cc).
ActionOutcome new_bulk_token(SiteState& s, SiteEnv& env, const nlohmann::json& args);
ActionOutcome validate_token(SiteState& s, SiteEnv& env, const nlohmann::json& args);
ActionOutcome block_bulk_token(SiteEnv& env, const nlohmann::json& args, bool blocked);

// Adds the site.* actions that act on the site database directly (roles, client settings,
// bulk tokens, sql, logs) and the wizard/cloud-manager actions.
void register_site_actions(SiteState& state, ActionRegistry& registry);
void add_site_actions(SiteState* state, ActionRegistry& registry);

// Applies lab["site"]; InvalidArgument naming the JSON path ("lab.site.code: ...").
Status seed_site(SiteState& state, const nlohmann::json& site, nlohmann::json& summary);

}  // namespace emu::site::internal
