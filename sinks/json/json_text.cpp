#include "json_text.h"

#include <cstdint>

#include "strato/format.h"

namespace strato::json {

namespace {

// 1 for ASCII, the length of a valid UTF-8 sequence, or 0.
size_t utf8_len(std::string_view s, size_t i) {
  return static_cast<unsigned char>(s[i]) < 0x80 ? 1 : utf8_sequence_length(s, i);
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
