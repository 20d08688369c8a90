#include <algorithm>
#include "strato/format.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdio>
#include <ctime>

#include "strato/dissector.h"

namespace strato {

void append_uint(uint64_t v, std::string& out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_int(int64_t v, std::string& out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_hex(uint64_t v, unsigned digits, std::string& out) {
  static const char* hex = "0123456789abcdef";
  char buf[18];
  unsigned n = 0;
  do {
    buf[n++] = hex[v & 15];
    v >>= 4;
  } while (v && n < 16);
  while (n < digits && n < 16) buf[n++] = '0';
  out.append("0x");
  while (n) out.push_back(buf[--n]);
}

void append_ipv4(uint32_t a, std::string& out) {
  append_uint(a >> 24, out);
  out.push_back('.');
  append_uint((a >> 16) & 255, out);
  out.push_back('.');
  append_uint((a >> 8) & 255, out);
  out.push_back('.');
  append_uint(a & 255, out);
}

void append_ipv6(const uint8_t* addr, std::string& out) {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, addr, buf, sizeof buf)) out.append(buf);
}

void append_ether(const uint8_t* a, std::string& out) {
  static const char* hex = "0123456789abcdef";
  for (int i = 0; i < 6; ++i) {
    if (i) out.push_back(':');
    out.push_back(hex[a[i] >> 4]);
    out.push_back(hex[a[i] & 15]);
  }
}

void append_seconds(int64_t ns, std::string& out) {
  uint64_t mag = ns < 0 ? uint64_t(-(ns + 1)) + 1 : uint64_t(ns);
  if (ns < 0) out.push_back('-');
  append_uint(mag / 1000000000ull, out);
  char frac[10];
  std::snprintf(frac, sizeof frac, "%09llu", static_cast<unsigned long long>(mag % 1000000000ull));
  out.push_back('.');
  out.append(frac, 9);
}

size_t utf8_sequence_length(std::string_view s, size_t i) {
  unsigned char c = s[i];
  size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
  if (n == 0 || c > 0xf4 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  unsigned char c1 = s[i + 1];
  if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f))
    return 0;  // overlong, surrogate or beyond U+10FFFF
  return n;
}

void append_escaped(std::string_view s, std::string& out) {
  static const char* hex = "0123456789abcdef";
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c >= 0x20 && c < 0x7f) {  // a backslash too: tshark does not double it
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (size_t n = c >= 0x80 ? utf8_sequence_length(s, i) : 0) {
      // tshark keeps valid UTF-8 as is (e.g. tcp.flags.str "··········S·").
      out.append(s.substr(i, n));
      i += n - 1;
    } else {
      out.append("\\x");
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
}

// tshark's -T fields text of a string read with ENC_ASCII: only the C
// escapes below are spelled out, other bytes are kept, non-ASCII bytes
// become U+FFFD one by one.
void append_ascii_value(std::string_view s, std::string& out, bool keep_high) {
  for (unsigned char c : s) {
    switch (c) {
      case '\b': out.append("\\b"); break;
      case '\t': out.append("\\t"); break;
      case '\n': out.append("\\n"); break;
      case '\f': out.append("\\f"); break;
      case '\r': out.append("\\r"); break;
      default:
        if (c < 0x80 || keep_high) out.push_back(static_cast<char>(c));
        else out.append("\xef\xbf\xbd");
    }
  }
}


namespace {
// The letter of C's escape for a control character ('\n' -> 'n'), or 0.
char c_escape_letter(unsigned char c) {
  switch (c) {
    case '\a': return 'a';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    case '\v': return 'v';
    default: return 0;
  }
}
void append_octal_escape(unsigned char c, std::string& out) {
  out.push_back(char('0' + (c >> 6)));
  out.push_back(char('0' + ((c >> 3) & 7)));
  out.push_back(char('0' + (c & 7)));
}
}  // namespace

void append_format_text(std::string_view s, std::string& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    if (c >= 0x80) {
      size_t n = utf8_sequence_length(s, i);
      if (n) out.append(s.substr(i, n)), i += n - 1;
      else out.append("\xef\xbf\xbd");
      continue;
    }
    out.push_back('\\');
    if (char e = c_escape_letter(c)) out.push_back(e);
    else append_octal_escape(c, out);
  }
}

namespace {

void append_calendar(uint64_t ns, std::string& out, bool utc = false) {
  time_t secs = static_cast<time_t>(ns / 1000000000ull);
  struct tm tm;
  if (utc) gmtime_r(&secs, &tm);
  else localtime_r(&secs, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%b %e, %Y %H:%M:%S", &tm);
  out.append(buf, n);
  std::snprintf(buf, sizeof buf, ".%09llu ", static_cast<unsigned long long>(ns % 1000000000ull));
  out.append(buf);
  if (utc) {
    out.append("UTC");
    return;
  }
  n = std::strftime(buf, sizeof buf, "%Z", &tm);
  out.append(buf, n);
}

// Wireshark's FT_CHAR: the character quoted, C escapes for controls and
// other bytes in the field's base ('\021' octal, '\x11' hex).
void append_char(uint64_t v, Base base, std::string& out) {
  static const char* hex = "0123456789abcdef";
  unsigned char c = static_cast<unsigned char>(v);
  out.push_back('\'');
  if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
    out.push_back(static_cast<char>(c));
  } else {
    out.push_back('\\');
    if (c == '\'' || c == '\\') {
      out.push_back(static_cast<char>(c));
    } else if (c == '\0') {
      out.push_back('0');
    } else if (char e = c_escape_letter(c)) {
      out.push_back(e);
    } else if (base == Base::Hex) {
      out.push_back('x');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      append_octal_escape(c, out);
    }
  }
  out.push_back('\'');
}

bool is_char(const FieldInfo& fi) { return fi.type == FieldType::UInt && fi.bits == 8 && fi.ws_ftype == "FT_CHAR"; }

void append_uint_base(const FieldInfo& fi, uint64_t v, std::string& out) {
  unsigned digits = (fi.bits + 3) / 4;
  switch (fi.base) {
    case Base::Hex:
    case Base::HexDec:
      append_hex(v, digits, out);
      break;
    default:  // tshark 4.0's -T fields prints BASE_OCT in decimal too
      append_uint(v, out);
  }
}

void append_hex_bytes(std::string_view b, std::string& out) {
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : b) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
}

}  // namespace

void append_field_value(const Event& ev, const FieldValue& fv, std::string& out) {
  const FieldInfo& fi = FieldRegistry::instance().info(fv.id);
  switch (fi.type) {
    case FieldType::Protocol:
    case FieldType::Label:
      return;
    case FieldType::Boolean:
      out.push_back(fv.v.u ? '1' : '0');
      return;
    case FieldType::UInt:
      if (is_char(fi)) append_char(fv.v.u, fi.base, out);  // quoted, as in the tree
      else append_uint_base(fi, fv.v.u, out);
      return;
    case FieldType::FrameNum:
      append_uint(fv.v.u, out);
      return;
    case FieldType::Int:
      append_int(fv.v.i, out);
      return;
    case FieldType::Double: {
      char buf[32];
      // bits 64: a double-precision field (Lua's ProtoField.double), printed
      // with DBL_DIG digits as tshark prints FT_DOUBLE.
      std::snprintf(buf, sizeof buf, "%.*g", fi.bits == 64 ? 15 : 12, fv.v.d);
      out.append(buf);
      return;
    }
    case FieldType::String: {
      // tshark 4.0 keeps string values as C strings: a NUL ends the value
      // (a binary http.file_data prints up to its first zero byte).
      std::string_view b = field_bytes(ev, fv);
      b = b.substr(0, std::min(b.find('\0'), b.size()));
      if (fi.base == Base::Ascii || fi.base == Base::Text) append_ascii_value(b, out, fi.base == Base::Text);
      else append_escaped(b, out);
      return;
    }
    case FieldType::Bytes:
      append_hex_bytes(field_bytes(ev, fv), out);
      return;
    case FieldType::IPv4:
      append_ipv4(static_cast<uint32_t>(fv.v.u), out);
      return;
    case FieldType::IPv6: {
      std::string_view b = field_bytes(ev, fv);
      if (b.size() == 16) append_ipv6(reinterpret_cast<const uint8_t*>(b.data()), out);
      return;
    }
    case FieldType::Ether: {
      std::string_view b = field_bytes(ev, fv);
      if (b.size() == 6) append_ether(reinterpret_cast<const uint8_t*>(b.data()), out);
      return;
    }
    case FieldType::AbsTime:
      if (fi.base == Base::Calendar || fi.base == Base::CalendarUtc) {
        append_calendar(fv.v.u, out, fi.base == Base::CalendarUtc);
      } else {
        append_uint(fv.v.u / 1000000000ull, out);
        char frac[12];
        std::snprintf(frac, sizeof frac, ".%09llu", static_cast<unsigned long long>(fv.v.u % 1000000000ull));
        out.append(frac);
      }
      return;
    case FieldType::RelTime:
      append_seconds(fv.v.i, out);
      return;
  }
}

namespace {

// Bits of a field's value as its tree line shows it: a masked value spans
// only its mask once shifted down, so a 0x00ff mask prints "0xff" where
// -T fields prints the whole "0x0000".
unsigned display_bits(const FieldInfo& fi) {
  if (!fi.bitmask) return fi.bits;
  uint64_t m = fi.bitmask >> __builtin_ctzll(fi.bitmask);
  return 64u - unsigned(__builtin_clzll(m));
}

void append_octal(uint64_t v, std::string& out) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%#llo", static_cast<unsigned long long>(v));
  out.append(buf);
}

// An integer in one of the four plain bases, as tshark's tree shows it.
void append_number(const FieldInfo& fi, const FieldValue& fv, Base base, std::string& out) {
  bool is_signed = fi.type == FieldType::Int;
  unsigned bits = display_bits(fi);
  uint64_t u = fv.v.u;
  if (is_signed && bits < 64) u &= (uint64_t(1) << bits) - 1;  // hex of a negative value: its own width only
  auto dec = [&] {
    if (is_signed) append_int(fv.v.i, out);
    else append_uint(fv.v.u, out);
  };
  switch (base) {
    case Base::Hex:
      append_hex(u, (bits + 3) / 4, out);
      break;
    case Base::DecHex:
      dec();
      out.append(" (");
      append_hex(u, (bits + 3) / 4, out);
      out.push_back(')');
      break;
    case Base::HexDec:
      append_hex(u, (bits + 3) / 4, out);
      out.append(" (");
      dec();
      out.push_back(')');
      break;
    case Base::Oct:
      append_octal(u, out);
      break;
    default:
      dec();
  }
}

const char* boolean_text(const FieldInfo& fi, bool v) {
  if (v) return fi.true_text ? fi.true_text : fi.bitmask ? "Set" : "True";
  return fi.false_text ? fi.false_text : fi.bitmask ? "Not set" : "False";
}

// Wireshark's bit pattern before a masked field's label: the container's
// bits from the top in groups of four, the mask's bits as 0/1, others '.',
// then " = ".
void append_bit_pattern(uint64_t raw, uint64_t mask, unsigned width, std::string& out) {
  for (unsigned i = 0; i < width; ++i) {
    if (i && i % 4 == 0) out.push_back(' ');
    uint64_t bit = uint64_t(1) << (width - 1 - i);
    out.push_back(mask & bit ? (raw & bit ? '1' : '0') : '.');
  }
  out.append(" = ");
}

bool has_bit_pattern(const FieldInfo& fi) {
  return fi.bitmask && fi.bits > 0 && fi.bits <= 64 &&
         (fi.type == FieldType::UInt || fi.type == FieldType::Int || fi.type == FieldType::Boolean);
}

}  // namespace

void append_field_display(const Event& ev, const FieldValue& fv, std::string& out) {
  const FieldInfo& fi = FieldRegistry::instance().info(fv.id);
  switch (fi.type) {
    case FieldType::Boolean:
      out.append(boolean_text(fi, fv.v.u != 0));
      return;
    case FieldType::UInt:
    case FieldType::Int: {
      bool chr = is_char(fi);
      if (!fi.names) {
        if (chr) append_char(fv.v.u, fi.base, out);
        else append_number(fi, fv, fi.base, out);
        return;
      }
      // With a value string: "Text (N)", N in the base's first form; a
      // value the table lacks is "Unknown" as in tshark.
      const char* name = fi.value_name(fv.v.u);
      out.append(name ? name : "Unknown");
      out.append(" (");
      Base b = fi.base == Base::DecHex ? Base::Dec : fi.base == Base::HexDec ? Base::Hex : fi.base;
      if (chr) append_char(fv.v.u, b, out);
      else append_number(fi, fv, b, out);
      out.push_back(')');
      return;
    }
    case FieldType::String:
      if (fi.base == Base::Ascii) {
        // tshark's tree shows an ENC_ASCII string through format_text, with
        // each byte above 0x7f already turned into U+FFFD.
        std::string_view b = field_bytes(ev, fv);
        b = b.substr(0, std::min(b.find('\0'), b.size()));
        std::string ascii;
        for (unsigned char c : b) {
          if (c < 0x80) ascii.push_back(static_cast<char>(c));
          else ascii.append("\xef\xbf\xbd");
        }
        append_format_text(ascii, out);
        return;
      }
      append_escaped(field_bytes(ev, fv), out);
      return;
    case FieldType::AbsTime: {
      if (fi.base == Base::Calendar || fi.base == Base::CalendarUtc) {
        append_calendar(fv.v.u, out, fi.base == Base::CalendarUtc);
      } else {
        append_field_value(ev, fv, out);
      }
      return;
    }
    case FieldType::RelTime:
      append_seconds(fv.v.i, out);
      out.append(" seconds");
      return;
    case FieldType::Bytes: {
      // tshark's tree shows at most 36 bytes, then "…".
      std::string_view b = field_bytes(ev, fv);
      append_hex_bytes(b.substr(0, 36), out);
      if (b.size() > 36) out.append("\xe2\x80\xa6");
      return;
    }
    default:
      append_field_value(ev, fv, out);
  }
}

void append_item_text(const Event& ev, const FieldValue& fv, std::string& out) {
  std::string_view label = field_label(ev, fv);
  if (!label.empty()) {
    out.append(label);
    return;
  }
  const FieldInfo& fi = FieldRegistry::instance().info(fv.id);
  if (has_bit_pattern(fi)) {
    // Values are kept shifted down: shift back under the mask. A boolean
    // kept as a plain 1 (or already in place) still shows as set.
    uint64_t raw = (fv.v.u << __builtin_ctzll(fi.bitmask)) & fi.bitmask;
    if (fi.type == FieldType::Boolean && fv.v.u && !raw) raw = fv.v.u & fi.bitmask ? fv.v.u & fi.bitmask : fi.bitmask;
    append_bit_pattern(raw, fi.bitmask, fi.bits, out);
  }
  out.append(fi.name);
  if (fi.type != FieldType::Protocol && fi.type != FieldType::Label) {
    out.append(": ");
    append_field_display(ev, fv, out);
  }
}

void append_tree_line(const Event& ev, const FieldValue& fv, std::string& out) {
  bool generated = fv.flags & FieldValue::Generated;
  if (generated) out.push_back('[');
  append_item_text(ev, fv, out);
  if (generated) out.push_back(']');
}

}  // namespace strato
