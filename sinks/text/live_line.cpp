#include <cstdio>
#include <ctime>

#include "text_format.h"

namespace strato::text {

void append_live_syscall_line(const Event& ev, std::string& out) {
  const time_t secs = static_cast<time_t>(ev.ts_ns / 1000000000ull);
  struct tm tm {};
  localtime_r(&secs, &tm);
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%06u ", tm.tm_hour, tm.tm_min, tm.tm_sec,
                        static_cast<unsigned>(ev.ts_ns / 1000 % 1000000));
  out.append(buf, size_t(n));
  out.append(ev.dissection.col_info);
  out.push_back('\n');
}

void append_process_suffix(const ProcessInfo& p, std::string& out) {
  if (!out.empty() && out.back() == '\n') out.pop_back();
  out.append(" [");
  out.append(p.comm);
  out.push_back('(');
  out.append(std::to_string(p.pid));
  out.push_back(')');
  if (!p.container_id.empty()) {
    out.append(" container=");
    out.append(p.container_id);
  }
  out.append("]\n");
}

}  // namespace strato::text
