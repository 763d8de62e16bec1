// The lab PKI shared by every test in a process: generated once per machine user into
// $TMPDIR/cmgemu-test-pki-<uid> (or /tmp/...) and reused by later test processes, because
// RSA key generation is slow. Its virtual `now` is the real time, so real TLS clients accept it.
#pragma once

#include "certs/pki.h"

#include <initializer_list>
#include <string>

namespace emu::test {

// The shared PKI, with cmg_names {"cmg.contoso.com", "cmg.japaneast.cloudapp.azure.com"}.
// The first call in a process runs ensure_lab_pki under an exclusive flock() on
// "<dir>.lock" (so parallel ctest processes do not race) and aborts the process with a
// message on failure. Thread-safe. Tests must treat the files in its dir as read-only; copy
// them (copy_pki_files) to mutate. (Labs started on it add the Entra ID signing keys
// aad-signing-<n>.key/.crt there, under their own flock, as they do in any PKI folder.)
const pki::LabPki& shared_pki();
// The options shared_pki() was ensured with (now = real time at the first call).
const pki::PkiOptions& shared_pki_options();

// Copies every regular file of `from` whose name ends with one of `suffixes` (e.g. ".key")
// into the existing directory `to`, preserving permissions. Returns false on I/O error.
bool copy_pki_files(const std::string& from, const std::string& to,
                    const std::initializer_list<const char*>& suffixes);

}  // namespace emu::test
