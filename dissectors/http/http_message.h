#pragma once
// One HTTP/1.x message: recognising the first line, framing (where headers
// and body end) and dissection into tshark's fields.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "http_fields.h"
#include "strato/dissector.h"

namespace strato::http {

struct FirstLine {
  bool request = false;
  std::string_view method, uri, version, code_text, phrase;
  unsigned code = 0;
  uint32_t len = 0;  // including the line ending
};

enum class Plausible { No, Maybe, Yes };  // Maybe: no line end yet, but the start fits
Plausible parse_first_line(std::string_view data, FirstLine& fl);

struct Framing {
  enum Status { NotHttp, NeedMore, Complete } status = NotHttp;
  uint32_t header_len = 0;  // first line, headers and the empty line
  uint32_t total_len = 0;   // whole message when Complete
  bool headers_done = false;
  bool chunked = false;
};
// `head_pending`: the oldest unanswered request of the stream was HEAD.
Framing frame_message(std::string_view data, bool head_pending);

// Request/response pairing of one TCP stream (tshark's req_res list).
struct Exchange {
  uint32_t number = 0;
  uint64_t req_frame = 0, res_frame = 0, req_ts = 0;
  std::string full_uri;
  bool head = false;
};
struct Pairing {
  std::deque<Exchange> list;  // only the last two are ever consulted
  uint32_t counter = 0;
  Exchange& push() {
    if (list.size() >= 2) list.pop_front();
    list.emplace_back();
    list.back().number = ++counter;
    return list.back();
  }
  Exchange* prev() { return list.size() >= 2 ? &list[list.size() - 2] : nullptr; }
};

void append_line_escaped(std::string_view s, std::string& out);  // \r \n shown as in tshark trees

// Dissects a complete message; returns the Info text ("GET / HTTP/1.1 ...").
std::string dissect_message(DissectContext& ctx, const Fields& F, Tvb msg, const Framing& fr, Pairing& pairing,
                            int parent);

}  // namespace strato::http
