#include "http_fields.h"

#include "http_values.h"

namespace strato::http {

FieldId Fields::header_field(std::string_view name) const {
  for (size_t i = 0; i < header_count; ++i) {
    std::string_view h = headers[i].name;
    if (h.size() != name.size()) continue;
    size_t k = 0;
    for (; k < h.size(); ++k) {
      char c = name[k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c != h[k]) break;
    }
    if (k == h.size()) return headers[i].id;
  }
  return kNoField;
}

void Fields::register_all(FieldRegistry& r) {
  using T = FieldType;
  proto = r.add_protocol("http", "Hypertext Transfer Protocol");
  FieldId p = proto;
  text = r.add_field(kNoField, "text", "Text item", T::Label);
  request = r.add_field(p, "http.request", "Request", T::Boolean);
  response = r.add_field(p, "http.response", "Response", T::Boolean);
  method = r.add_field(p, "http.request.method", "Request Method", T::String, Base::Ascii);
  uri = r.add_field(p, "http.request.uri", "Request URI", T::String, Base::Ascii);
  req_version = r.add_field(p, "http.request.version", "Request Version", T::String, Base::Ascii);
  full_uri = r.add_field(p, "http.request.full_uri", "Full request URI", T::String, Base::Ascii);
  resp_version = r.add_field(p, "http.response.version", "Response Version", T::String, Base::Ascii);
  code = r.add_field(p, "http.response.code", "Status Code", T::UInt, Base::Dec, 16);
  code_desc = r.add_field(p, "http.response.code.desc", "Status Code Description", T::String, Base::Ascii);
  phrase = r.add_field(p, "http.response.phrase", "Response Phrase", T::String, Base::Ascii);
  request_line = r.add_field(p, "http.request.line", "Request line", T::String, Base::Ascii);
  response_line = r.add_field(p, "http.response.line", "Response line", T::String, Base::Ascii);
  content_length_header = r.add_field(p, "http.content_length_header", "Content-Length", T::String, Base::Ascii);
  content_length = r.add_field(p, "http.content_length", "Content length", T::UInt, Base::Dec, 64);
  unknown_header = r.add_field(p, "http.unknown_header", "Unknown header", T::String, Base::Ascii);
  request_number = r.add_field(p, "http.request_number", "Request number", T::UInt);
  response_number = r.add_field(p, "http.response_number", "Response number", T::UInt);
  prev_request_in = r.add_field(p, "http.prev_request_in", "Prev request in frame", T::FrameNum);
  prev_response_in = r.add_field(p, "http.prev_response_in", "Prev response in frame", T::FrameNum);
  request_in = r.add_field(p, "http.request_in", "Request in frame", T::FrameNum);
  time = r.add_field(p, "http.time", "Time since request", T::RelTime);
  response_for_uri = r.add_field(p, "http.response_for.uri", "Request URI", T::String, Base::Ascii);
  file_data = r.add_field(p, "http.file_data", "File Data", T::String, Base::Ascii);
  chunk_size = r.add_field(p, "http.chunk_size", "Chunk size", T::UInt);
  chunk_data = r.add_field(p, "http.chunk_data", "Chunk data", T::Bytes);
  chat = r.add_field(p, "http.chat", "Chat", T::Label);
  uri_path = r.add_field(p, "http.request.uri.path", "Request URI Path", T::String, Base::Ascii);
  uri_query = r.add_field(p, "http.request.uri.query", "Request URI Query", T::String, Base::Ascii);
  uri_query_param = r.add_field(p, "http.request.uri.query.parameter", "Request URI Query Parameter", T::String, Base::Ascii);

  static const struct {
    const char* lower;
    const char* abbrev;
    const char* name;
  } kHeaders[] = {
      {"host", "http.host", "Host"},
      {"user-agent", "http.user_agent", "User-Agent"},
      {"accept", "http.accept", "Accept"},
      {"content-type", "http.content_type", "Content-Type"},
      {"server", "http.server", "Server"},
      {"connection", "http.connection", "Connection"},
      {"location", "http.location", "Location"},
      {"date", "http.date", "Date"},
      {"last-modified", "http.last_modified", "Last-Modified"},
      {"cache-control", "http.cache_control", "Cache-Control"},
      {"accept-language", "http.accept_language", "Accept-Language"},
      {"accept-encoding", "http.accept_encoding", "Accept Encoding"},
      {"referer", "http.referer", "Referer"},
      {"cookie", "http.cookie", "Cookie"},
      {"set-cookie", "http.set_cookie", "Set-Cookie"},
      {"transfer-encoding", "http.transfer_encoding", "Transfer-Encoding"},
      {"content-encoding", "http.content_encoding", "Content-Encoding"},
      {"upgrade", "http.upgrade", "Upgrade"},
      {"authorization", "http.authorization", "Authorization"},
      {"www-authenticate", "http.www_authenticate", "WWW-Authenticate"},
      {"x-forwarded-for", "http.x_forwarded_for", "X-Forwarded-For"},
      {"proxy-authorization", "http.proxy_authorization", "Proxy-Authorization"},
  };
  header_count = 0;
  for (auto& h : kHeaders) headers[header_count++] = {h.lower, r.add_field(p, h.abbrev, h.name, T::String, Base::Ascii)};
  host = header_field("host");
  content_type = header_field("content-type");

  data_text_lines = r.add_protocol("data-text-lines", "Line-based text data");
  urlencoded_form = r.add_protocol("urlencoded-form", "HTML Form URL Encoded");
  form_key = r.add_field(urlencoded_form, "urlencoded-form.key", "Key", T::String);
  form_value = r.add_field(urlencoded_form, "urlencoded-form.value", "Value", T::String);
  json = r.add_protocol("json", "JavaScript Object Notation");
  xml = r.add_protocol("xml", "eXtensible Markup Language");
  media = r.add_protocol("media", "Media Type");
  media_type = r.add_field(media, "media.type", "Media type", T::Bytes);
  reasm.register_all(r);
}

}  // namespace strato::http
