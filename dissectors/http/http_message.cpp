#include "http_message.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "http_values.h"
#include "strato/format.h"

namespace strato::http {

namespace {

constexpr uint64_t kMaxBody = 64ull << 20;  // beyond this a body is not reassembled

constexpr std::string_view kMethods[] = {
    "GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH", "PROPFIND", "PROPPATCH",
    "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "REPORT", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "MERGE",
    "CHECKOUT", "CHECKIN", "UNCHECKOUT", "MKACTIVITY", "VERSION-CONTROL", "BASELINE-CONTROL", "LABEL", "UPDATE",
    "MKWORKSPACE", "ORDERPATCH", "ACL", "BIND", "UNBIND", "REBIND", "MKCALENDAR", "POLL", "BPROPFIND",
    "BPROPPATCH", "BCOPY", "BDELETE", "BMOVE", "RPC_IN_DATA", "RPC_OUT_DATA", "SSTP_DUPLEX_POST"};

// ASCII case-insensitive equality with a lower-case literal, without the
// copy lower() makes: header names are compared on every message.
bool iequals(std::string_view s, std::string_view lower_lit) {
  if (s.size() != lower_lit.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != lower_lit[i]) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Length of the line at `off` including its ending, 0 if it has none yet.
uint32_t line_len(std::string_view d, uint32_t off) {
  size_t nl = d.find('\n', off);
  return nl == std::string_view::npos ? 0 : static_cast<uint32_t>(nl + 1 - off);
}

std::string_view strip_eol(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

struct HeaderScan {
  bool has_length = false, chunked = false;
  uint64_t length = 0;
  uint32_t end = 0;  // offset after the empty line
  bool done = false;
};

HeaderScan scan_headers(std::string_view d, uint32_t off) {
  HeaderScan h;
  for (;;) {
    uint32_t n = line_len(d, off);
    if (!n) return h;
    std::string_view line = strip_eol(d.substr(off, n));
    off += n;
    if (line.empty()) {
      h.end = off;
      h.done = true;
      return h;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "content-length")) {
      uint64_t v = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), v);
      if (r.ec == std::errc()) {
        h.has_length = true;
        h.length = v;
      }
    } else if (iequals(name, "transfer-encoding") && lower(value).find("chunked") != std::string::npos) {
      h.chunked = true;
    }
  }
}

// End of a chunked body starting at `off`, 0 while incomplete.
uint32_t chunked_end(std::string_view d, uint32_t off) {
  for (int guard = 0; guard < 100000; ++guard) {
    uint32_t n = line_len(d, off);
    if (!n) return 0;
    std::string_view line = strip_eol(d.substr(off, n));
    off += n;
    uint64_t size = 0;
    auto r = std::from_chars(line.data(), line.data() + line.size(), size, 16);
    if (r.ptr == line.data()) return 0;
    if (size == 0) {
      for (;;) {  // trailer part up to the empty line
        uint32_t t = line_len(d, off);
        if (!t) return 0;
        off += t;
        if (strip_eol(d.substr(off - t, t)).empty()) return off;
      }
    }
    if (size > kMaxBody || off + size > d.size()) return 0;
    off += static_cast<uint32_t>(size);
    uint32_t crlf = line_len(d, off);
    if (!crlf) return 0;
    off += crlf;
  }
  return 0;
}

// Returns true when the body went to the generic media dissector.
bool add_media(DissectContext& ctx, const Fields& F, Tvb body, std::string_view ctype, std::string& info) {
  std::string ct = lower(trim(ctype.substr(0, std::min(ctype.find(';'), ctype.size()))));
  bool is_xml = ct == "text/xml" || ct == "application/xml" || (ct.size() > 4 && ct.ends_with("+xml"));
  if (ct == "application/octet-stream") {
    ctx.call_data(body, -1);  // tshark maps this type to plain data, with no Info note
  } else if (ct == "application/x-www-form-urlencoded") {
    int top = ctx.add_protocol(F.urlencoded_form, body, 0, body.len, -1, "urlencoded-form");
    ctx.set_label(top, "HTML Form URL Encoded: " + ct);
    std::string_view s = body.str(0, body.len);
    uint32_t pos = 0;
    while (pos <= s.size()) {
      size_t amp = s.find('&', pos);
      if (amp == std::string_view::npos) amp = s.size();
      std::string_view item = s.substr(pos, amp - pos);
      size_t eq = item.find('=');
      std::string_view k = item.substr(0, std::min(eq, item.size()));
      std::string_view v = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
      int it = ctx.add_label(F.text, body, pos, static_cast<uint32_t>(item.size()),
                             "Form item: \"" + std::string(k) + "\" = \"" + std::string(v) + "\"", top);
      ctx.add_string(F.form_key, body, pos, static_cast<uint32_t>(k.size()), k, it);
      if (eq != std::string_view::npos)
        ctx.add_string(F.form_value, body, pos + static_cast<uint32_t>(eq) + 1, static_cast<uint32_t>(v.size()), v, it);
      pos = static_cast<uint32_t>(amp) + 1;
    }
    info += " (" + ct + ")";
  } else if (ct == "application/json" || (ct.size() > 5 && ct.ends_with("+json"))) {
    int js = ctx.add_protocol(F.json, body, 0, body.len, -1, "json");
    ctx.set_label(js, "JavaScript Object Notation: " + ct);
    ctx.set_protocol_column("HTTP/JSON");
    info += ", JavaScript Object Notation (" + ct + ")";
  } else if (is_xml) {
    ctx.add_protocol(F.xml, body, 0, body.len, -1, "xml");
    ctx.set_protocol_column("HTTP/XML");
  } else if (ct.starts_with("text/") || ct == "application/x-javascript" || ct == "application/javascript") {
    int top = ctx.add_protocol(F.data_text_lines, body, 0, body.len, -1, "data-text-lines");
    std::string_view s = body.str(0, body.len);
    uint32_t lines = 0, pos = 0;
    while (pos < s.size()) {
      size_t nl = s.find('\n', pos);
      uint32_t end = nl == std::string_view::npos ? static_cast<uint32_t>(s.size()) : static_cast<uint32_t>(nl) + 1;
      if (ctx.want_labels()) {
        std::string t;
        append_line_escaped(s.substr(pos, end - pos), t);
        ctx.add_label(F.text, body, pos, end - pos, t, top);
      }
      ++lines;
      pos = end;
    }
    ctx.set_label(top, "Line-based text data: " + ct + " (" + std::to_string(lines) + " lines)");
    info += " (" + ct + ")";
  } else if (!ct.empty()) {
    int top = ctx.add_protocol(F.media, body, 0, body.len, -1, "media");
    ctx.set_label(top, "Media Type");
    int mt = ctx.add_bytes(F.media_type, body, 0, body.len, top);
    if (ctx.want_labels()) ctx.set_label(mt, "Media type: " + ct + " (" + std::to_string(body.len) + " bytes)");
    info += " (" + ct + ")";
    return true;
  }
  return false;
}

}  // namespace

void append_line_escaped(std::string_view s, std::string& out) { append_format_text(s, out); }

Plausible parse_first_line(std::string_view d, FirstLine& fl) {
  fl = FirstLine{};
  uint32_t n = line_len(d, 0);
  std::string_view line = n ? strip_eol(d.substr(0, n)) : d;
  if (line.starts_with("HTTP/")) {
    // "HTTP/1.1 200 OK"
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return n ? Plausible::No : Plausible::Maybe;
    std::string_view rest = line.substr(sp + 1);
    if (rest.size() < 3) return n ? Plausible::No : Plausible::Maybe;
    for (int i = 0; i < 3; ++i)
      if (!std::isdigit(static_cast<unsigned char>(rest[i]))) return Plausible::No;
    if (rest.size() > 3 && rest[3] != ' ') return Plausible::No;
    if (!n) return Plausible::Maybe;
    fl.request = false;
    fl.version = line.substr(0, sp);
    fl.code_text = rest.substr(0, 3);
    fl.code = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    fl.phrase = rest.size() > 4 ? rest.substr(4) : std::string_view{};
    fl.len = n;
    return Plausible::Yes;
  }
  size_t sp = line.find(' ');
  std::string_view m = line.substr(0, std::min(sp, line.size()));
  // Methods are upper-case letters (and '_' '-'): most non-HTTP payloads
  // end here, before the table.
  if (m.empty() || m[0] < 'A' || m[0] > 'Z') return Plausible::No;
  bool known = false;
  for (std::string_view k : kMethods)
    if (m == k) {
      known = true;
      break;
    }
  if (!known) {
    if (sp != std::string_view::npos || n) return Plausible::No;
    for (std::string_view k : kMethods)  // a method still being received
      if (k.starts_with(m)) return Plausible::Maybe;
    return Plausible::No;
  }
  if (sp == std::string_view::npos) return n ? Plausible::No : Plausible::Maybe;
  size_t sp2 = line.rfind(' ');
  if (!n) return Plausible::Maybe;
  if (sp2 == sp) return Plausible::No;
  std::string_view ver = line.substr(sp2 + 1);
  if (!ver.starts_with("HTTP/")) return Plausible::No;
  fl.request = true;
  fl.method = m;
  fl.uri = line.substr(sp + 1, sp2 - sp - 1);
  fl.version = ver;
  fl.len = n;
  return Plausible::Yes;
}

Framing frame_message(std::string_view d, bool head_pending) {
  Framing fr;
  FirstLine fl;
  Plausible p = parse_first_line(d, fl);
  if (p == Plausible::No) return fr;
  fr.status = Framing::NeedMore;
  if (p == Plausible::Maybe) return fr;
  HeaderScan h = scan_headers(d, fl.len);
  if (!h.done) return fr;
  fr.headers_done = true;
  fr.header_len = h.end;
  bool bodyless = !fl.request && (head_pending || fl.code / 100 == 1 || fl.code == 204 || fl.code == 304);
  uint64_t total = h.end;
  if (bodyless) {
  } else if (h.chunked) {
    fr.chunked = true;
    uint32_t end = chunked_end(d, h.end);
    if (!end) return fr;
    total = end;
  } else if (h.has_length) {
    if (h.length > kMaxBody) total = d.size();
    else total = h.end + h.length;
  } else if (!fl.request) {
    total = d.size();  // body runs to the end of what we have
  }
  if (total > d.size()) return fr;
  fr.status = Framing::Complete;
  fr.total_len = static_cast<uint32_t>(total);
  return fr;
}

std::string dissect_message(DissectContext& ctx, const Fields& F, Tvb msg, const Framing& fr, Pairing& pairing,
                            int parent) {
  std::string_view d = msg.str(0, msg.len);
  FirstLine fl;
  parse_first_line(d, fl);
  const Event& ev = ctx.event();
  int top = ctx.add_protocol(F.proto, msg, 0, msg.len, parent, "http");
  ctx.set_protocol_column("HTTP");
  std::string info;
  if (ctx.want_columns()) {
    append_format_text(strip_eol(d.substr(0, fl.len)), info);
    info += ' ';
  }

  auto off_of = [&](std::string_view part) { return static_cast<uint32_t>(part.data() - d.data()); };
  auto add_str = [&](FieldId f, std::string_view part, int par) {
    return ctx.add_bytes(f, msg, off_of(part), static_cast<uint32_t>(part.size()), par);
  };
  int line_item = ctx.add_label(F.text, msg, 0, fl.len, "", top);
  if (ctx.want_labels()) {
    std::string t;
    append_line_escaped(d.substr(0, fl.len), t);
    ctx.set_label(line_item, t);
  }
  if (ctx.want_labels() || !ctx.skipped(F.chat)) {
    std::string m;
    append_line_escaped(d.substr(0, fl.len), m);
    ctx.add_expert(F.chat, msg, 0, fl.len, line_item, ExpertSeverity::Chat, ExpertGroup::Sequence, m);
  }
  if (fl.request) {
    ctx.add_bool(F.request, msg, 0, 0, true, top, FieldValue::Hidden);
    add_str(F.method, fl.method, line_item);
    int ui = add_str(F.uri, fl.uri, line_item);
    size_t q = fl.uri.find('?');
    if (q != std::string_view::npos && q + 1 < fl.uri.size()) {
      // tshark splits a URI with a query into path (even empty), query and
      // the non-empty parameters.
      add_str(F.uri_path, fl.uri.substr(0, q), ui);
      std::string_view query = fl.uri.substr(q + 1);
      int qi = add_str(F.uri_query, query, ui);
      for (size_t p = 0; p <= query.size();) {
        size_t amp = std::min(query.find('&', p), query.size());
        if (amp > p) add_str(F.uri_query_param, query.substr(p, amp - p), qi);
        p = amp + 1;
      }
    }
    add_str(F.req_version, fl.version, line_item);
  } else {
    ctx.add_bool(F.response, msg, 0, 0, true, top, FieldValue::Hidden);
    add_str(F.resp_version, fl.version, line_item);
    ctx.add_uint(F.code, msg, off_of(fl.code_text), 3, fl.code, line_item);
    const char* desc = nullptr;
    for (const ValueName* v = kHttpStatusNames; v->name; ++v)
      if (v->value == fl.code) desc = v->name;
    ctx.add_string(F.code_desc, msg, off_of(fl.code_text), 3, desc ? desc : "Unknown", line_item,
                   FieldValue::Generated);
    add_str(F.phrase, fl.phrase, line_item);
  }

  std::string_view host, ctype;
  uint32_t off = fl.len;
  while (off < fr.header_len) {
    uint32_t n = line_len(d, off);
    if (!n) break;
    std::string_view raw = d.substr(off, n);
    std::string_view line = strip_eol(raw);
    if (line.empty()) {
      ctx.add_label(F.text, msg, off, n, "\\r\\n", top);
      break;
    }
    // tshark: every line is a hidden request/response line; a header with a
    // field of its own shows as that field, others as plain text, each
    // labelled with the raw line.
    ctx.add_bytes(fl.request ? F.request_line : F.response_line, msg, off, n, top, FieldValue::Hidden);
    auto raw_label = [&](int item) {
      if (!ctx.want_labels()) return;
      std::string t;
      append_line_escaped(raw, t);
      ctx.set_label(item, t);
    };
    size_t colon = line.find(':');
    std::string_view name = colon == std::string_view::npos ? line : trim(line.substr(0, colon));
    std::string_view value = colon == std::string_view::npos ? std::string_view{} : trim(line.substr(colon + 1));
    FieldId f = colon == std::string_view::npos ? kNoField : F.header_field(name);
    if (colon != std::string_view::npos && iequals(name, "content-length")) {
      int ci = add_str(F.content_length_header, value, top);
      raw_label(ci);
      uint64_t v = 0;
      std::from_chars(value.data(), value.data() + value.size(), v);
      ctx.add_uint(F.content_length, msg, off_of(value), static_cast<uint32_t>(value.size()), v, ci,
                   FieldValue::Generated);
    } else if (f != kNoField) {
      raw_label(add_str(f, value, top));
      if (f == F.host) host = value;
      if (f == F.content_type) ctype = value;
    } else if (ctx.want_labels()) {
      std::string t;
      append_line_escaped(raw, t);
      ctx.add_label(F.text, msg, off, n, t, top);
    }
    off += n;
  }

  if (fl.request) {
    // The full URI is kept for the response's http.response_for.uri, so it
    // is built only when one of the two fields is read.
    std::string full;
    const bool want_uri = !ctx.skipped(F.full_uri) || !ctx.skipped(F.response_for_uri);
    if (want_uri) {
      if ((fl.uri.starts_with("/") || fl.uri.starts_with("?")) && !host.empty()) full = "http://" + std::string(host) + std::string(fl.uri);
      else full = std::string(fl.uri);
      ctx.add_string(F.full_uri, msg, 0, 0, full, top, FieldValue::Generated);
    }
    Exchange* prev = pairing.list.empty() ? nullptr : &pairing.list.back();
    uint64_t prev_req = prev ? prev->req_frame : 0;
    Exchange& ex = pairing.push();
    ex.req_frame = ev.number;
    ex.req_ts = ev.ts_ns;
    ex.full_uri = std::move(full);
    ex.head = fl.method == "HEAD";
    int rn = ctx.add_uint(F.request_number, msg, 0, 0, ex.number, top, FieldValue::Generated);
    if (ctx.want_labels())
      ctx.set_label(rn, "HTTP request " + std::to_string(ex.number) + "/" + std::to_string(pairing.counter));
    if (prev_req) ctx.add_uint(F.prev_request_in, msg, 0, 0, prev_req, top, FieldValue::Generated);
  } else {
    Exchange* ex = pairing.list.empty() ? nullptr : &pairing.list.back();
    if (!ex || ex->res_frame) ex = &pairing.push();
    ex->res_frame = ev.number;
    int rn = ctx.add_uint(F.response_number, msg, 0, 0, ex->number, top, FieldValue::Generated);
    if (ctx.want_labels())
      ctx.set_label(rn, "HTTP response " + std::to_string(ex->number) + "/" + std::to_string(pairing.counter));
    if (ex->req_frame) ctx.add_rel_time(F.time, static_cast<int64_t>(ev.ts_ns - ex->req_ts), top);
    if (Exchange* prev = pairing.prev()) {
      if (prev->req_frame) ctx.add_uint(F.prev_request_in, msg, 0, 0, prev->req_frame, top, FieldValue::Generated);
      if (prev->res_frame) ctx.add_uint(F.prev_response_in, msg, 0, 0, prev->res_frame, top, FieldValue::Generated);
    }
    if (ex->req_frame) {
      ctx.add_uint(F.request_in, msg, 0, 0, ex->req_frame, top, FieldValue::Generated);
      ctx.add_string(F.response_for_uri, msg, 0, 0, ex->full_uri, top, FieldValue::Generated);
    }
  }

  // The body, de-chunked when needed.
  Tvb body = msg.sub(fr.header_len, fr.total_len - fr.header_len);
  std::string dechunked;
  if (fr.chunked) {
    uint32_t p = fr.header_len;
    for (int guard = 0; guard < 100000; ++guard) {
      uint32_t n = line_len(d, p);
      if (!n) break;
      std::string_view line = strip_eol(d.substr(p, n));
      uint64_t size = 0;
      std::from_chars(line.data(), line.data() + line.size(), size, 16);
      ctx.add_uint(F.chunk_size, msg, p, n, size, top);
      p += n;
      if (size == 0 || p + size > d.size()) break;
      ctx.add_bytes(F.chunk_data, msg, p, static_cast<uint32_t>(size), top);
      dechunked.append(d.substr(p, size));
      p += static_cast<uint32_t>(size);
      p += line_len(d, p);
    }
    body = Tvb{reinterpret_cast<const uint8_t*>(dechunked.data()), static_cast<uint32_t>(dechunked.size()),
               Tvb::kDetached};
  }
  if (body.len) {
    int fd = ctx.add_bytes(F.file_data, body, 0, body.len, top);
    if (ctx.want_labels()) ctx.set_label(fd, "File Data: " + std::to_string(body.len) + " bytes");
    add_media(ctx, F, body, ctype, info);
  }
  return info;
}

}  // namespace strato::http
