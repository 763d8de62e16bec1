// The Entra ID party's scenario actions (aad.tenant.create, aad.user.*, aad.app.*,
// aad.keys.roll, aad.token.acquire): their declarations, which the harness registers before a
// lab exists so that scenario files validate, and their implementations over a live directory.
#pragma once

#include "emulator/core/actions.h"

#include <string>

namespace emu::aad {

class Directory;
class SigningKeySet;

// What the implementations act on. The references must outlive every call of the actions;
// they are only touched on the lab's I/O thread (through ActionContext::run_on_io).
struct ActionDeps {
  Directory& directory;
  SigningKeySet& keys;
  std::string client_cert_pem;  // the lab PKI client certificate (aad.app.add_certificate)
};

// declare_aad_actions (the declarations without implementations) is in aad_service.h.

// Adds (replacing declarations) every aad.* action, implemented over `deps`.
void register_aad_actions(ActionRegistry& registry, const ActionDeps& deps);

}  // namespace emu::aad
