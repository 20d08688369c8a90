#include "field_text.h"

#include "strato/dissector.h"
#include "strato/format.h"

namespace strato::fields {

namespace {

// Length of the valid multi-byte UTF-8 sequence at s[i], or 0.
size_t utf8_len(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t cp;
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

// tshark 4.0 keeps strings as UTF-8 and escapes only control characters
// (tcp.flags.str prints "··········S·", http.request.line ends in "\r\n").
// strato::append_escaped escapes every byte above 0x7e, so strings go
// through here: valid UTF-8 runs are copied, bytes that are not valid UTF-8
// become U+FFFD as tshark's string conversion makes them, and the rest is
// left to append_escaped.
void append_string(std::string_view s, std::string& out) {
  size_t plain = 0;
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    append_escaped(s.substr(plain, i - plain), out);
    size_t n = utf8_len(s, i);
    if (n) out.append(s.substr(i, n)), i += n;
    else out.append("\xef\xbf\xbd"), ++i;
    plain = i;
  }
  append_escaped(s.substr(plain), out);
}

}  // namespace

void append_occurrence(const Event& ev, const FieldValue& fv, std::string& out) {
  const FieldInfo& fi = FieldRegistry::instance().info(fv.id);
  switch (fi.type) {
    case FieldType::Protocol: {
      // The protocol's tree text, or its name when it has none.
      std::string_view label = field_label(ev, fv);
      out.append(label.empty() ? std::string_view(fi.abbrev) : label);
      return;
    }
    case FieldType::Label:
      // Text-only items ("text", Wireshark's hf_text_only) print their text;
      // named ones are tshark's FT_NONE fields, which print "1".
      if (fi.abbrev.empty() || fi.abbrev == "text") out.append(field_label(ev, fv));
      else out.push_back('1');
      return;
    case FieldType::String:
      append_string(field_bytes(ev, fv), out);
      return;
    default:
      append_field_value(ev, fv, out);
  }
}

}  // namespace strato::fields
