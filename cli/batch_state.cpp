#include "batch_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "strato/error.h"

namespace strato::cli {

namespace {
constexpr const char* kHeader = "# strato batch state v1: size<TAB>mtime_ns<TAB>path";
}

BatchState::BatchState(std::string path) : path_(std::move(path)) {
  std::ifstream f(path_);
  if (!f) return;  // first run
  std::string line;
  size_t n = 0;
  while (std::getline(f, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    size_t t1 = line.find('\t'), t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    try {
      if (t2 == std::string::npos) throw std::invalid_argument("fields");
      done_.emplace(line.substr(t2 + 1), std::stoull(line.substr(0, t1)), std::stoll(line.substr(t1 + 1, t2 - t1 - 1)));
    } catch (const std::exception&) {
      throw Error(path_ + ":" + std::to_string(n) + ": not a batch state line (size, mtime_ns and path separated by tabs)");
    }
  }
}

bool BatchState::finished(const BatchInput& in) const {
  std::lock_guard<std::mutex> lock(m_);
  return done_.count(Entry{in.key, in.size, in.mtime_ns}) != 0;
}

void BatchState::mark_finished(const BatchInput& in) {
  std::lock_guard<std::mutex> lock(m_);
  done_.emplace(in.key, in.size, in.mtime_ns);
  save();
}

void BatchState::save() const {
  std::string text = std::string(kHeader) + "\n";
  for (auto& [key, size, mtime] : done_) text += std::to_string(size) + "\t" + std::to_string(mtime) + "\t" + key + "\n";
  std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(tmp + ": cannot write the batch state: " + std::strerror(errno));
  size_t off = 0;
  while (off < text.size()) {
    ssize_t w = ::write(fd, text.data() + off, text.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int err = errno;
      ::close(fd);
      throw Error(tmp + ": write error: " + std::strerror(err));
    }
    off += static_cast<size_t>(w);
  }
  ::fsync(fd);
  ::close(fd);
  if (std::rename(tmp.c_str(), path_.c_str()) != 0)
    throw Error(path_ + ": cannot replace the batch state: " + std::strerror(errno));
}

}  // namespace strato::cli
