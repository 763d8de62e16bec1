// Entra ID device registration, as other parties see it: a machine joins a tenant with the
// certificate whose key it keeps (its "workplace join" certificate), and from then on proves
// it is that device at the token endpoint (grant_type=srv_challenge, then a jwt-bearer
// `request` signed with that key: emulator/aad/token/token_device_auth.cc).
// The Device Registration Service's own wire protocol (MS-DVRJ,
// enterpriseregistration.windows.net) is not emulated: the Lab performs the join in-process.
#pragma once

#include "emulator/core/status.h"

#include <string>

namespace emu::aad {

struct DeviceJoinRequest {
  std::string tenant;                  // tenant GUID or domain
  std::string display_name;            // the machine name
  std::string cert_der;                // the device certificate (public part)
  std::string trust_type = "AzureAd";  // AzureAd (Entra joined) or ServerAd (hybrid joined)
  std::string user;  // the Entra user who joins and signs in on it (UPN); "" = none
};

struct JoinedDevice {
  std::string tenant_id;
  std::string device_id;  // deviceId: the `deviceid` claim of the device's tokens
  std::string object_id;
  std::string user_object_id;  // the joining user's object ID ("" without one)
};

}  // namespace emu::aad
