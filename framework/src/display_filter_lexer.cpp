// Tokenizer for Wireshark display filters. Field names, numbers, addresses
// (10.0.0.0/8, ::1, aa:bb:cc) and bare strings all lex as one Word; the
// parser decides what a word means once it knows the field on the other side.
#include <cctype>

#include "display_filter_ast.h"
#include "strato/error.h"

namespace strato::dfilter {

void fail(uint32_t col, const std::string& msg) {
  throw usage_error("display filter: column " + std::to_string(col) + ": " + msg);
}

namespace {

bool word_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '.' || c == ':' || c == '/' || c == '-' || u >= 0x80;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xc0 | cp >> 6));
    out.push_back(char(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xe0 | cp >> 12));
    out.push_back(char(0x80 | (cp >> 6 & 0x3f)));
    out.push_back(char(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(char(0xf0 | cp >> 18));
    out.push_back(char(0x80 | (cp >> 12 & 0x3f)));
    out.push_back(char(0x80 | (cp >> 6 & 0x3f)));
    out.push_back(char(0x80 | (cp & 0x3f)));
  }
}

// Decodes one backslash escape starting at s[i] (just after the backslash);
// advances i past it.
void decode_escape(std::string_view s, size_t& i, uint32_t col, std::string& out) {
  char c = s[i++];
  switch (c) {
    case 'a': out.push_back('\a'); return;
    case 'b': out.push_back('\b'); return;
    case 'f': out.push_back('\f'); return;
    case 'n': out.push_back('\n'); return;
    case 'r': out.push_back('\r'); return;
    case 't': out.push_back('\t'); return;
    case 'v': out.push_back('\v'); return;
    case 'x': {
      int v = 0, n = 0;
      while (n < 2 && i < s.size() && hex_digit(s[i]) >= 0) v = v * 16 + hex_digit(s[i++]), ++n;
      if (n == 0) fail(col, "\\x has no following hex digits.");
      out.push_back(char(v));
      return;
    }
    case 'u':
    case 'U': {
      int want = c == 'u' ? 4 : 8, n = 0;
      uint32_t v = 0;
      while (n < want && i < s.size() && hex_digit(s[i]) >= 0) v = v * 16 + hex_digit(s[i++]), ++n;
      if (n != want || v > 0x10ffff) fail(col, "Invalid universal character name.");
      append_utf8(v, out);
      return;
    }
    default:
      if (c >= '0' && c <= '7') {
        int v = c - '0', n = 1;
        while (n < 3 && i < s.size() && s[i] >= '0' && s[i] <= '7') v = v * 8 + (s[i++] - '0'), ++n;
        if (v > 255) fail(col, "Octal escape is out of range.");
        out.push_back(char(v));
        return;
      }
      out.push_back(c);  // \\ \" \' and anything else stands for itself
  }
}

}  // namespace

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  auto push = [&](Tok k, size_t start, size_t end, std::string text) {
    Token t;
    t.kind = k;
    t.text = std::move(text);
    t.col = static_cast<uint32_t>(start + 1);
    t.len = static_cast<uint32_t>(end - start);
    out.push_back(std::move(t));
  };
  while (i < s.size()) {
    char c = s[i];
    size_t start = i;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    // Strings, raw strings r"..." and character constants.
    bool raw = (c == 'r' || c == 'R') && i + 1 < s.size() && s[i + 1] == '"';
    if (c == '"' || raw) {
      if (raw) ++i;
      ++i;
      std::string val;
      bool closed = false;
      while (i < s.size()) {
        char d = s[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < s.size()) {
          if (raw) {
            val.push_back(d);
            val.push_back(s[i + 1]);
            i += 2;
          } else {
            ++i;
            decode_escape(s, i, static_cast<uint32_t>(start + 1), val);
          }
          continue;
        }
        val.push_back(d);
        ++i;
      }
      if (!closed) fail(static_cast<uint32_t>(start + 1), "The final quote was missing from a quoted string.");
      push(Tok::String, start, i, std::move(val));
      continue;
    }
    if (c == '\'') {
      ++i;
      std::string val;
      if (i < s.size() && s[i] == '\\' && i + 1 < s.size()) {
        ++i;
        decode_escape(s, i, static_cast<uint32_t>(start + 1), val);
      } else if (i < s.size() && s[i] != '\'') {
        val.push_back(s[i++]);
      }
      if (val.size() != 1 || i >= s.size() || s[i] != '\'')
        fail(static_cast<uint32_t>(start + 1), "Invalid character constant.");
      ++i;
      push(Tok::Char, start, i, std::to_string(static_cast<unsigned char>(val[0])));
      continue;
    }
    if (word_char(c)) {
      while (i < s.size() && word_char(s[i])) ++i;
      push(Tok::Word, start, i, std::string(s.substr(start, i - start)));
      continue;
    }
    if (c == '#') {
      ++i;
      size_t b = i;
      while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '-')) ++i;
      if (i == b) {
        std::string what = i < s.size() ? std::string(1, s[i]) : std::string("end of filter");
        fail(static_cast<uint32_t>(i + 1), "Expected digit or \"[\", not \"" + what + "\"");
      }
      push(Tok::Layer, start, i, std::string(s.substr(b, i - b)));
      continue;
    }
    if (c == '[') {
      size_t close = s.find(']', i);
      if (close == std::string_view::npos) fail(static_cast<uint32_t>(start + 1), "The closing bracket of a slice is missing.");
      push(Tok::Slice, start, close + 1, std::string(s.substr(i + 1, close - i - 1)));
      i = close + 1;
      continue;
    }
    auto two = [&](const char* op) { return s.substr(i, 2) == op; };
    Tok k;
    size_t n = 1;
    if (s.substr(i, 3) == "===") k = Tok::AllEq, n = 3;
    else if (s.substr(i, 3) == "!==") k = Tok::AnyNe, n = 3;
    else if (two("==")) k = Tok::Eq, n = 2;
    else if (two("!=")) k = Tok::Ne, n = 2;
    else if (two("~=")) k = Tok::AnyNe, n = 2;
    else if (two("<=")) k = Tok::Le, n = 2;
    else if (two(">=")) k = Tok::Ge, n = 2;
    else if (two("&&")) k = Tok::And, n = 2;
    else if (two("||")) k = Tok::Or, n = 2;
    else if (two("^^")) k = Tok::Xor, n = 2;
    else if (c == '<') k = Tok::Lt;
    else if (c == '>') k = Tok::Gt;
    else if (c == '~') k = Tok::Matches;
    else if (c == '&') k = Tok::BitAnd;
    else if (c == '!') k = Tok::Not;
    else if (c == '(') k = Tok::LParen;
    else if (c == ')') k = Tok::RParen;
    else if (c == '{') k = Tok::LBrace;
    else if (c == '}') k = Tok::RBrace;
    else if (c == ',') k = Tok::Comma;
    else fail(static_cast<uint32_t>(start + 1), "\"" + std::string(1, c) + "\" was unexpected in this context.");
    i += n;
    push(k, start, i, std::string(s.substr(start, n)));
  }
  push(Tok::End, s.size(), s.size(), "");
  return out;
}

}  // namespace strato::dfilter
