#include "emulator/aad/public/well_known.h"

namespace emu::aad {

std::string v1_issuer(std::string_view tid) {
  return "https://sts.windows.net/" + std::string(tid) + "/";
}

std::string v2_issuer(std::string_view tid) {
  return "https://login.microsoftonline.com/" + std::string(tid) + "/v2.0";
}

}  // namespace emu::aad
