#pragma once
// JSON text helpers: string escaping and an indenting writer.
#include <string>
#include <string_view>
#include <vector>

namespace strato::json {

// Appends `s` as a JSON string literal. Bytes that are not valid UTF-8 become
// U+FFFD, as tshark's string conversion does, so the output always parses.
void append_string(std::string_view s, std::string& out);

// Writes objects and arrays with tshark's layout (two spaces per level,
// "key": value) when pretty, or compact for ndjson.
class Writer {
 public:
  Writer(std::string& out, bool pretty, unsigned depth) : out_(out), pretty_(pretty), depth_(depth) {}
  void open_object() { open('{'); }
  void close_object() { close('}'); }
  void open_array() { open('['); }
  void close_array() { close(']'); }
  void key(std::string_view k, std::string_view suffix = {});
  void element();  // before a value inside an array
  void value(std::string_view s) { append_string(s, out_); }
  void raw(std::string_view s) { out_.append(s); }
  std::string& out() { return out_; }
  unsigned depth() const { return depth_; }

 private:
  void open(char c);
  void close(char c);
  void next_item();
  std::string& out_;
  bool pretty_;
  unsigned depth_;
  std::vector<bool> empty_;
};

}  // namespace strato::json
