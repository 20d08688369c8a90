#pragma once
// Field ids of the HTTP dissector (and of the media layers it hands bodies to).
#include <string_view>

#include "app_common/pdu_buffer.h"
#include "strato/field.h"

namespace strato::http {

struct Fields {
  FieldId proto, text, request, response, method, uri, req_version, full_uri, resp_version, code, code_desc, phrase;
  FieldId request_line, response_line, content_length, content_length_header, unknown_header;
  FieldId request_number, response_number, prev_request_in, prev_response_in, request_in, time, response_for_uri;
  FieldId file_data, chunk_size, chunk_data, chat, media_type, uri_path, uri_query, uri_query_param;
  FieldId data_text_lines, urlencoded_form, form_key, form_value, json, xml, media;
  app::ReassemblyFields reasm;

  // Header name (stored lower case) → field, for the headers tshark gives
  // fields; the lookup ignores the case of `name`.
  struct Header {
    std::string_view name;
    FieldId id;
  };
  Header headers[24];
  size_t header_count = 0;
  FieldId host = kNoField, content_type = kNoField;
  FieldId header_field(std::string_view name) const;

  void register_all(FieldRegistry& reg);
};

}  // namespace strato::http
