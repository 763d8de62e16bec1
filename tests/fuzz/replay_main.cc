// Standalone driver for the fuzz targets, so they run as ordinary tests with any compiler:
// every file named on the command line (or found in a named folder) is fed to
// LLVMFuzzerTestOneInput as is, then in `--mutations N` seeded mutations (bit flips, byte
// insertions, truncations, splices). With clang's -fsanitize=fuzzer the same targets link
// against libFuzzer instead of this file.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void run_one(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string mutate(std::string s, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); };
  switch (rng() % 5) {
    case 0:
      if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << (rng() % 8));
      break;
    case 1:
      s.insert(pick(s.size() + 1), 1, static_cast<char>(rng() % 256));
      break;
    case 2:
      s.resize(pick(s.size() + 1));
      break;
    case 3:
      if (!s.empty()) s.erase(pick(s.size()), 1 + pick(8));
      break;
    default: {
      size_t from = pick(s.size() + 1), len = pick(16);
      s.insert(pick(s.size() + 1), s.substr(from, len));
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  long mutations = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--mutations" && i + 1 < argc) {
      mutations = std::strtol(argv[++i], nullptr, 10);
    } else if (std::filesystem::is_directory(a)) {
      for (const auto& e : std::filesystem::directory_iterator(a))
        if (e.is_regular_file()) files.push_back(e.path().string());
    } else {
      files.push_back(a);
    }
  }
  std::sort(files.begin(), files.end());
  std::mt19937_64 rng(20261128);
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string input = ss.str();
    run_one(input);
    std::string current = input;
    for (long m = 0; m < mutations; ++m) {
      current = (m % 16 == 0) ? mutate(input, rng) : mutate(current, rng);
      run_one(current);
    }
  }
  std::printf("replayed %zu inputs with %ld mutations each\n", files.size(), mutations);
  return files.empty() ? 1 : 0;
}
