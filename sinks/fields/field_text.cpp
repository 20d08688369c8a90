#include "field_text.h"

#include <algorithm>

#include "strato/delta_displayed.h"
#include "strato/dissector.h"
#include "strato/format.h"

namespace strato::fields {

namespace {

size_t utf8_len(std::string_view s, size_t i) { return utf8_sequence_length(s, i); }

// tshark 4.0 keeps strings as UTF-8 and escapes only control characters
// (tcp.flags.str prints "··········S·", http.request.line ends in "\r\n").
// Valid UTF-8 runs are copied, bytes that are not valid UTF-8 become U+FFFD
// as tshark's string conversion makes them, and the rest is left to
// append_escaped.
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
  if (DeltaDisplayed::is(fv.id)) return DeltaDisplayed::mark(ev, out);  // known when written
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
    case FieldType::String: {
      // tshark 4.0 keeps string values as C strings: a NUL ends the value
      // (a binary http.file_data prints up to its first zero byte).
      std::string_view b = field_bytes(ev, fv);
      b = b.substr(0, std::min(b.find('\0'), b.size()));
      if (fi.base == Base::Ascii || fi.base == Base::Text) append_ascii_value(b, out, fi.base == Base::Text);
      else append_string(b, out);
      return;
    }
    default:
      append_field_value(ev, fv, out);
  }
}

}  // namespace strato::fields
