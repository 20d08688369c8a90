#include <atomic>
#include <cstdio>
#include <mutex>

#include "strato/error.h"

namespace strato {

namespace {
std::atomic<size_t> g_warnings{0};
std::mutex g_warn_mutex;
}  // namespace

void warn(const std::string& msg) {
  ++g_warnings;
  std::lock_guard<std::mutex> lock(g_warn_mutex);
  std::fprintf(stderr, "strato: warning: %s\n", msg.c_str());
}

size_t warning_count() { return g_warnings.load(); }

}  // namespace strato
