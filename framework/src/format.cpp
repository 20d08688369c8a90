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
    switch (c) {
      case '\a': out.push_back('a'); break;
      case '\b': out.push_back('b'); break;
      case '\f': out.push_back('f'); break;
      case '\n': out.push_back('n'); break;
      case '\r': out.push_back('r'); break;
      case '\t': out.push_back('t'); break;
      case '\v': out.push_back('v'); break;
      default:
        out.push_back(char('0' + (c >> 6)));
        out.push_back(char('0' + ((c >> 3) & 7)));
        out.push_back(char('0' + (c & 7)));
    }
  }
}

namespace {

void append_calendar(uint64_t ns, std::string& out) {
  time_t secs = static_cast<time_t>(ns / 1000000000ull);
  struct tm tm;
  localtime_r(&secs, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%b %e, %Y %H:%M:%S", &tm);
  out.append(buf, n);
  std::snprintf(buf, sizeof buf, ".%09llu ", static_cast<unsigned long long>(ns % 1000000000ull));
  out.append(buf);
  n = std::strftime(buf, sizeof buf, "%Z", &tm);
  out.append(buf, n);
}

void append_uint_base(const FieldInfo& fi, uint64_t v, std::string& out) {
  unsigned digits = (fi.bits + 3) / 4;
  switch (fi.base) {
    case Base::Hex:
    case Base::HexDec:
      append_hex(v, digits, out);
      break;
    case Base::Oct: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0%llo", static_cast<unsigned long long>(v));
      out.append(buf);
      break;
    }
    default:
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
      if (fi.bitmask) {
        append_uint_base(fi, fv.v.u, out);
      } else {
        append_uint_base(fi, fv.v.u, out);
      }
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
      if (fi.base == Base::Calendar) {
        append_calendar(fv.v.u, out);
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

void append_field_display(const Event& ev, const FieldValue& fv, std::string& out) {
  const FieldInfo& fi = FieldRegistry::instance().info(fv.id);
  switch (fi.type) {
    case FieldType::Boolean:
      if (fi.bitmask) {
        out.append(fv.v.u ? "Set" : "Not set");
      } else {
        out.append(fv.v.u ? "True" : "False");
      }
      return;
    case FieldType::UInt:
    case FieldType::Int: {
      const char* name = fi.value_name(fv.v.u);
      if (name) {
        out.append(name);
        out.append(" (");
        append_field_value(ev, fv, out);
        out.push_back(')');
      } else {
        append_field_value(ev, fv, out);
      }
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
      if (fi.base == Base::Calendar) {
        append_calendar(fv.v.u, out);
      } else {
        append_field_value(ev, fv, out);
      }
      return;
    }
    case FieldType::RelTime:
      append_seconds(fv.v.i, out);
      out.append(" seconds");
      return;
    default:
      append_field_value(ev, fv, out);
  }
}

void append_tree_line(const Event& ev, const FieldValue& fv, std::string& out) {
  std::string_view label = field_label(ev, fv);
  bool generated = fv.flags & FieldValue::Generated;
  if (generated) out.push_back('[');
  if (!label.empty()) {
    out.append(label);
  } else {
    const FieldInfo& fi = FieldRegistry::instance().info(fv.id);
    out.append(fi.name);
    if (fi.type != FieldType::Protocol && fi.type != FieldType::Label) {
      out.append(": ");
      append_field_display(ev, fv, out);
    }
  }
  if (generated) out.push_back(']');
}

}  // namespace strato
