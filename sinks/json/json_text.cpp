#include "json_text.h"

#include <cstdint>

namespace strato::json {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t utf8_len(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) n = 2, cp = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef) n = 3, cp = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (cc & 0x3f);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  return n;
}

}  // namespace

void append_string(std::string_view s, std::string& out) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied as they are
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    if (c >= 0x80) {
      size_t n = utf8_len(s, i);
      if (n) out.append(s.data() + i, n), i += n;
      else out.append("\xef\xbf\xbd"), ++i;
      run = i;
      continue;
    }
    ++i;
    run = i;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        out.append("\\u00");
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void Writer::next_item() {
  if (!empty_.empty()) {
    if (!empty_.back()) out_.push_back(',');
    empty_.back() = false;
  }
  if (pretty_) {
    out_.push_back('\n');
    out_.append(size_t(depth_) * 2, ' ');
  }
}

void Writer::key(std::string_view k, std::string_view suffix) {
  next_item();
  append_string(k, out_);
  if (!suffix.empty()) {
    out_.pop_back();
    out_.append(suffix);  // plain ASCII, nothing to escape
    out_.push_back('"');
  }
  out_.append(pretty_ ? ": " : ":");
}

void Writer::element() { next_item(); }

void Writer::open(char c) {
  out_.push_back(c);
  empty_.push_back(true);
  ++depth_;
}

void Writer::close(char c) {
  --depth_;
  bool was_empty = empty_.back();
  empty_.pop_back();
  if (pretty_ && !was_empty) {
    out_.push_back('\n');
    out_.append(size_t(depth_) * 2, ' ');
  }
  out_.push_back(c);
}

}  // namespace strato::json
