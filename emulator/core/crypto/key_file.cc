#include "emulator/core/crypto/key_file.h"

#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/files.h"

#include <openssl/err.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <thread>
#include <unistd.h>

namespace emu::crypto {

Result<EvpPkeyPtr> load_or_create_rsa_key(const std::string& path) {
  if (auto text = read_file(path); text.ok()) {
    if (auto key = parse_key_pem(*text); key.ok()) return std::move(key).value();
    ERR_clear_error();
    ::unlink(path.c_str());  // unusable: made again below
  }
  EMU_ASSIGN_OR_RETURN(EvpPkeyPtr key, generate_rsa_key(2048));
  EMU_ASSIGN_OR_RETURN(std::string pem, key_to_pem(key.get()));
  const std::string tmp = path + ".new." + std::to_string(::getpid()) + "." +
                          std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  EMU_RETURN_IF_ERROR(write_file_atomic(tmp, pem, 0600));
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int err = errno;
  ::unlink(tmp.c_str());
  if (linked == 0) return key;
  if (err != EEXIST) return Internal("cannot create " + path + ": " + std::strerror(err));
  EMU_ASSIGN_OR_RETURN(std::string text, read_file(path));  // another lab's, made first
  return parse_key_pem(text);
}

}  // namespace emu::crypto
