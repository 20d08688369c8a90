// Converting filter literals into values of a field's type, with tshark
// 4.0's error wording. Done once at compile time; evaluation only compares.
#include <arpa/inet.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <strings.h>

#include "display_filter_ast.h"

namespace strato::dfilter {

namespace {

std::string quote(const std::string& s) { return "\"" + s + "\""; }

int hexv(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses decimal, 0x hex, 0b binary or 0-prefixed octal, with an optional
// sign. False on anything else or overflow beyond 64 bits.
bool parse_integer(const std::string& s, bool& neg, uint64_t& mag) {
  size_t i = 0;
  neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  if (i >= s.size()) return false;
  unsigned base = 10;
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) base = 16, i += 2;
  else if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B')) base = 2, i += 2;
  else if (s.size() - i > 1 && s[i] == '0') base = 8, i += 1;
  mag = 0;
  for (; i < s.size(); ++i) {
    int d = hexv(s[i]);
    if (d < 0 || unsigned(d) >= base) return false;
    if (mag > (~0ull - unsigned(d)) / base) return false;
    mag = mag * base + unsigned(d);
  }
  return true;
}

// Looks a name up in the field's value names, case-insensitively like tshark.
bool lookup_name(const FieldInfo& fi, const std::string& s, uint64_t& v) {
  if (!fi.names) return false;
  for (const ValueName* n = fi.names; n->name; ++n)
    if (strcasecmp(n->name, s.c_str()) == 0) {
      v = n->value;
      return true;
    }
  return false;
}

Literal integer_literal(const FieldInfo& fi, const std::string& text, bool quoted, uint32_t col) {
  Literal l;
  uint64_t named;
  bool neg;
  uint64_t mag;
  bool is_signed = fi.type == FieldType::Int;
  if (!quoted && parse_integer(text, neg, mag)) {
    unsigned bits = fi.bits;
    if (is_signed) {
      if ((!neg && mag > uint64_t(INT64_MAX)) || (neg && mag > uint64_t(INT64_MAX) + 1))
        fail(col, quote(text) + " causes an integer overflow.");
      int64_t v = neg ? int64_t(0 - mag) : int64_t(mag);
      if (bits > 0 && bits < 64) {
        int64_t max = (int64_t(1) << (bits - 1)) - 1, min = -max - 1;
        if (v > max) fail(col, quote(text) + " too big for this field, maximum " + std::to_string(max) + ".");
        if (v < min) fail(col, quote(text) + " too small for this field, minimum " + std::to_string(min) + ".");
      }
      l.kind = Kind::SInt;
      l.i = v;
      return l;
    }
    if (neg && mag != 0) {
      // tshark accepts negative literals for unsigned fields; they match nothing.
      if (mag > uint64_t(INT64_MAX) + 1) fail(col, quote(text) + " causes an integer overflow.");
      l.kind = Kind::SInt;
      l.i = int64_t(0 - mag);
      return l;
    }
    if (bits > 0 && bits < 64 && fi.type != FieldType::FrameNum) {
      uint64_t max = (uint64_t(1) << bits) - 1;
      if (mag > max) fail(col, quote(text) + " too big for this field, maximum " + std::to_string(max) + ".");
    }
    l.kind = Kind::UInt;
    l.u = mag;
    return l;
  }
  if (lookup_name(fi, text, named)) {
    if (is_signed) {
      l.kind = Kind::SInt;
      l.i = int64_t(named);
    } else {
      l.kind = Kind::UInt;
      l.u = named;
    }
    return l;
  }
  if (fi.names) fail(col, quote(text) + " cannot be found among the possible values for " + fi.abbrev + ".");
  std::string tn;
  if (quoted) fail(col, std::string(type_name(fi, tn)) + " cannot be converted from a string (" + quote(text) + ").");
  fail(col, quote(text) + " is not a valid number.");
}

Literal boolean_literal(const FieldInfo& fi, const std::string& text, bool quoted, uint32_t col) {
  Literal l;
  l.kind = Kind::UInt;
  bool neg;
  uint64_t mag, named;
  if (!quoted && parse_integer(text, neg, mag)) {
    l.u = mag != 0;
    return l;
  }
  if (text == "True" || text == "TRUE") {
    l.u = 1;
    return l;
  }
  if (text == "False" || text == "FALSE") return l;
  if (lookup_name(fi, text, named)) {
    l.u = named != 0;
    return l;
  }
  // Wireshark's default true/false strings for flag fields.
  if (strcasecmp(text.c_str(), "Set") == 0) {
    l.u = 1;
    return l;
  }
  if (strcasecmp(text.c_str(), "Not set") == 0) return l;
  fail(col, quote(text) + " cannot be found among the possible values for " + fi.abbrev + ".");
}

bool parse_ipv4(const std::string& s, uint32_t& out) {
  // Exactly four dotted decimal parts, as tshark (no hostnames, no 127.1).
  uint32_t v = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    unsigned part = 0, digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      part = part * 10 + unsigned(s[i++] - '0');
      if (++digits > 3 || part > 255) return false;
    }
    v = v << 8 | part;
    if (++parts < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  if (i != s.size()) return false;
  out = v;
  return true;
}

Literal ipv4_literal(const std::string& text, uint32_t col) {
  Literal l;
  l.kind = Kind::UInt;
  size_t slash = text.find('/');
  uint32_t addr;
  if (!parse_ipv4(text.substr(0, slash), addr))
    fail(col, quote(text.substr(0, slash)) + " is not a valid hostname or IPv4 address.");
  l.u = addr;
  if (slash != std::string::npos) {
    bool neg;
    uint64_t bits;
    std::string b = text.substr(slash + 1);
    if (b.empty() || !std::isdigit(static_cast<unsigned char>(b[0])) || !parse_integer(b, neg, bits) || neg)
      fail(col, quote(b) + " is not a valid number.");
    if (bits > 32) fail(col, "Netmask bits in a CIDR IPv4 address should be <= 32, not " + std::to_string(bits));
    l.mask = bits == 0 ? 0 : (0xffffffffull << (32 - bits)) & 0xffffffffull;
    l.u &= l.mask;
  } else {
    l.mask = 0xffffffffull;
  }
  return l;
}

Literal ipv6_literal(const std::string& text, uint32_t col) {
  Literal l;
  l.kind = Kind::Bytes;
  size_t slash = text.find('/');
  std::string a = text.substr(0, slash);
  unsigned char buf[16];
  if (a.empty() || inet_pton(AF_INET6, a.c_str(), buf) != 1)
    fail(col, quote(a) + " is not a valid hostname or IPv6 address.");
  l.b.assign(reinterpret_cast<char*>(buf), 16);
  if (slash != std::string::npos) {
    bool neg;
    uint64_t bits;
    std::string b = text.substr(slash + 1);
    if (b.empty() || !std::isdigit(static_cast<unsigned char>(b[0])) || !parse_integer(b, neg, bits) || neg)
      fail(col, quote(b) + " is not a valid number.");
    if (bits > 128) fail(col, "Prefix in a IPv6 address should be <= 128, not " + std::to_string(bits));
    l.prefix_bits = int(bits);
  }
  return l;
}

// "aa:bb:cc", "aa-bb-cc", "aa.bb.cc", "aabb.ccdd" groups or plain "aabbcc".
bool parse_byte_string(const std::string& s, std::string& out) {
  out.clear();
  if (s.empty()) return false;
  char sep = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && hexv(s[j]) >= 0) ++j;
    size_t n = j - i;
    if (n == 0) return false;
    if (n == 1) {
      out.push_back(char(hexv(s[i])));
    } else {
      if (n % 2) return false;
      for (size_t k = i; k < j; k += 2) out.push_back(char(hexv(s[k]) << 4 | hexv(s[k + 1])));
    }
    if (j == s.size()) break;
    char c = s[j];
    if (c != ':' && c != '-' && c != '.') return false;
    if (sep && c != sep) return false;
    sep = c;
    i = j + 1;
    if (i == s.size()) return false;
  }
  return true;
}

Literal bytes_literal(const std::string& text, bool quoted, uint32_t col) {
  Literal l;
  l.kind = Kind::Bytes;
  if (quoted) {
    l.b = text;
  } else if (!parse_byte_string(text, l.b)) {
    fail(col, quote(text) + " is not a valid byte string.");
  }
  return l;
}

Literal ether_literal(const std::string& text, uint32_t col) {
  Literal l;
  l.kind = Kind::Bytes;
  if (!parse_byte_string(text, l.b) || l.b.size() != 6)
    fail(col, quote(text) + " is not a valid hostname or Ethernet address.");
  return l;
}

// Seconds with an optional fraction into signed nanoseconds.
bool parse_seconds(const std::string& s, int64_t& ns) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  int64_t secs = 0, frac = 0;
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    if (secs > INT64_MAX / 10 / 1000000000 - 10) return false;
    secs = secs * 10 + (s[i++] - '0');
    ++digits;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    int64_t scale = 100000000;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      frac += (s[i++] - '0') * scale;
      scale /= 10;
      ++digits;
    }
  }
  if (digits == 0 || i != s.size()) return false;
  ns = secs * 1000000000 + frac;
  if (neg) ns = -ns;
  return true;
}

bool parse_abs_time(const std::string& text, uint64_t& ns) {
  std::string s = text;
  bool utc = false;
  auto strip = [&](const char* suf) {
    size_t n = std::strlen(suf);
    if (s.size() >= n && strcasecmp(s.c_str() + s.size() - n, suf) == 0) {
      s.resize(s.size() - n);
      while (!s.empty() && s.back() == ' ') s.pop_back();
      utc = true;
    }
  };
  strip("UTC");
  if (!utc) strip("Z");
  static const char* formats[] = {"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%b %d, %Y %H:%M:%S",
                                  "%Y-%m-%d %H:%M", "%b %d, %Y %H:%M", "%Y-%m-%d", "%b %d, %Y"};
  for (const char* f : formats) {
    struct tm tm{};
    const char* end = strptime(s.c_str(), f, &tm);
    if (!end) continue;
    int64_t frac = 0;
    if (*end == '.') {
      ++end;
      int64_t scale = 100000000;
      if (!std::isdigit(static_cast<unsigned char>(*end))) continue;
      while (std::isdigit(static_cast<unsigned char>(*end))) {
        frac += (*end++ - '0') * scale;
        scale /= 10;
      }
    }
    if (*end != '\0') continue;
    tm.tm_isdst = -1;
    time_t t = utc ? timegm(&tm) : mktime(&tm);
    if (t < 0) return false;
    ns = uint64_t(t) * 1000000000ull + uint64_t(frac);
    return true;
  }
  return false;
}

}  // namespace

const char* type_name(const FieldInfo& fi, std::string& buf) {
  switch (fi.type) {
    case FieldType::Protocol: return "Protocol";
    case FieldType::Boolean: return "Boolean";
    case FieldType::UInt:
    case FieldType::Int:
      buf = fi.type == FieldType::UInt ? "Unsigned integer (" : "Signed integer (";
      buf += std::to_string(fi.bits ? (fi.bits + 7) / 8 : 4);
      buf += fi.bits > 0 && fi.bits <= 8 ? " byte)" : " bytes)";
      return buf.c_str();
    case FieldType::Double: return "Floating point (double-precision)";
    case FieldType::String: return "Character string";
    case FieldType::Bytes: return "Byte sequence";
    case FieldType::IPv4: return "IPv4 address";
    case FieldType::IPv6: return "IPv6 address";
    case FieldType::Ether: return "Ethernet or other MAC address";
    case FieldType::AbsTime: return "Date and time";
    case FieldType::RelTime: return "Time offset";
    case FieldType::FrameNum: return "Frame number";
    case FieldType::Label: return "Label";
  }
  return "Unknown";
}

Literal convert_number(const std::string& text, uint32_t col) {
  bool neg;
  uint64_t mag;
  Literal l;
  if (!parse_integer(text, neg, mag)) fail(col, quote(text) + " is not a valid number.");
  if (neg && mag) {
    l.kind = Kind::SInt;
    l.i = int64_t(0 - mag);
  } else {
    l.kind = Kind::UInt;
    l.u = mag;
  }
  return l;
}

Literal convert_literal(const FieldInfo& fi, const std::string& text, bool quoted, uint32_t col) {
  std::string tn;
  switch (fi.type) {
    case FieldType::Boolean:
      return boolean_literal(fi, text, quoted, col);
    case FieldType::UInt:
    case FieldType::Int:
    case FieldType::FrameNum:
      return integer_literal(fi, text, quoted, col);
    case FieldType::Double: {
      Literal l;
      l.kind = Kind::Real;
      if (quoted) fail(col, std::string(type_name(fi, tn)) + " cannot be converted from a string (" + quote(text) + ").");
      char* end = nullptr;
      errno = 0;
      l.d = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || errno == ERANGE) fail(col, quote(text) + " is not a valid number.");
      return l;
    }
    case FieldType::IPv4:
    case FieldType::IPv6:
    case FieldType::Ether:
      // tshark 4.0 takes addresses only as bare words.
      if (quoted) fail(col, std::string(type_name(fi, tn)) + " cannot be converted from a string (" + quote(text) + ").");
      return fi.type == FieldType::IPv4 ? ipv4_literal(text, col)
             : fi.type == FieldType::IPv6 ? ipv6_literal(text, col)
                                          : ether_literal(text, col);
    case FieldType::String: {
      Literal l;
      l.kind = Kind::Bytes;
      l.b = text;
      return l;
    }
    case FieldType::Bytes:
    case FieldType::Protocol:
      return bytes_literal(text, quoted, col);
    case FieldType::AbsTime: {
      Literal l;
      l.kind = Kind::UInt;
      if (!parse_abs_time(text, l.u))
        fail(col, quote(text) +
                      " is not a valid absolute time. Example: \"Nov 12, 1999 08:55:44.123\" or \"2011-07-04 12:34:56\"");
      return l;
    }
    case FieldType::RelTime: {
      Literal l;
      l.kind = Kind::SInt;
      if (quoted) fail(col, std::string(type_name(fi, tn)) + " cannot be converted from a string (" + quote(text) + ").");
      if (!parse_seconds(text, l.i)) fail(col, quote(text) + " is not a valid number.");
      return l;
    }
    case FieldType::Label:
      break;
  }
  fail(col, fi.abbrev + " (type=" + type_name(fi, tn) + ") cannot be compared with a value.");
}

Literal convert_contains(const FieldInfo& fi, const std::string& text, bool quoted, uint32_t col) {
  Literal l;
  l.kind = Kind::Bytes;
  if (fi.type == FieldType::String || quoted) {
    l.b = text;
    return l;
  }
  if (!parse_byte_string(text, l.b)) fail(col, quote(text) + " is not a valid byte string.");
  return l;
}

}  // namespace strato::dfilter
