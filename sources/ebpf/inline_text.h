#pragma once
// A record's comment text, kept inside the record while it fits: records
// wait some ms before the engine takes them, and a separate heap buffer is
// one more cold cache line for each end to touch.
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace strato::ebpf {

template <size_t N>
class InlineText {
 public:
  void clear() {
    len_ = 0;
    // Only then: the string is the text's last cache line.
    if (spilled_) long_.clear();
    spilled_ = false;
  }
  void append(const char* s, size_t n) {
    if (!spilled_ && len_ + n <= N) {
      std::memcpy(buf_ + len_, s, n);
      len_ += n;
      return;
    }
    if (!spilled_) {
      long_.assign(buf_, len_);
      spilled_ = true;
    }
    long_.append(s, n);
  }
  void append(std::string_view s) { append(s.data(), s.size()); }
  std::string_view view() const { return spilled_ ? std::string_view(long_) : std::string_view(buf_, len_); }

 private:
  size_t len_ = 0;
  bool spilled_ = false;
  char buf_[N];
  std::string long_;  // past N bytes (long paths, socket names)
};

}  // namespace strato::ebpf
