#include "pcapng_encode.h"

#include <cstring>
#include <string_view>

#include "strato/process_comment.h"
#include "strato/syscall_event.h"

namespace strato::pcapng {

namespace {

void put16(std::string& o, uint16_t v) { o.append(reinterpret_cast<const char*>(&v), 2); }
void put32(std::string& o, uint32_t v) { o.append(reinterpret_cast<const char*>(&v), 4); }
void put64(std::string& o, uint64_t v) { o.append(reinterpret_cast<const char*>(&v), 8); }
void pad(std::string& o, size_t n) { o.append((4 - n % 4) % 4, '\0'); }

void option(std::string& o, uint16_t code, std::string_view v) {
  // Option values are at most 65535 bytes; longer ones are cut.
  size_t n = v.size() > 65532 ? 65532 : v.size();
  put16(o, code);
  put16(o, static_cast<uint16_t>(n));
  o.append(v.data(), n);
  pad(o, n);
}

// Opens a block: returns its start so close_block can patch the length.
size_t open_block(std::string& o, uint32_t type) {
  size_t start = o.size();
  put32(o, type);
  put32(o, 0);
  return start;
}

void close_block(std::string& o, size_t start) {
  uint32_t len = static_cast<uint32_t>(o.size() - start + 4);
  std::memcpy(&o[start + 4], &len, 4);
  put32(o, len);
}


// Writes `text` as options of `code`: one option when it fits, else one per
// line (readers join repeated comments with '\n', which restores the text).
bool text_options(std::string& o, uint16_t code, std::string_view text) {
  if (text.empty()) return false;
  if (text.size() <= 65532) {
    option(o, code, text);
    return true;
  }
  while (!text.empty()) {
    size_t nl = text.find('\n');
    option(o, code, text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return true;
}

size_t padded(size_t n) { return (n + 3) & ~size_t{3}; }

char* store16(char* p, uint16_t v) {
  std::memcpy(p, &v, 2);
  return p + 2;
}

char* store32(char* p, uint32_t v) {
  std::memcpy(p, &v, 4);
  return p + 4;
}

// Every field format_process_comment writes. The size check is there so a
// field added to ProcessInfo is added here too.
bool same_process(const ProcessInfo& a, const ProcessInfo& b) {
  static_assert(sizeof(ProcessInfo) == 5 * sizeof(int64_t) + 9 * sizeof(std::string), "compare every field");
  return a.tid == b.tid && a.pid == b.pid && a.ppid == b.ppid && a.uid == b.uid && a.cgroup_id == b.cgroup_id &&
         a.comm == b.comm && a.exe == b.exe && a.args == b.args && a.container_id == b.container_id &&
         a.container_name == b.container_name && a.pod_name == b.pod_name && a.pod_namespace == b.pod_namespace &&
         a.user_name == b.user_name && a.cgroup_path == b.cgroup_path;
}

// The cache entry holding `p`'s lines, formatting them on a miss.
size_t cache_slot(const ProcessInfo& p, ProcessLinesCache& c) {
  if (c.key[c.last] == &p) return c.last;
  for (size_t i = 0; i < ProcessLinesCache::kSize; ++i)
    if (c.key[i] == &p) return c.last = i;
  for (size_t i = 0; i < ProcessLinesCache::kSize; ++i)
    if (c.key[i] && same_process(*c.key[i], p)) {
      c.key[i] = &p;
      return c.last = i;
    }
  size_t i = c.next;
  c.next = (i + 1) % ProcessLinesCache::kSize;
  if (c.meta_last == i) c.meta_last = ProcessLinesCache::kSize;  // its lines are gone
  c.lines[i].clear();
  format_process_comment(p, c.lines[i]);
  c.key[i] = &p;
  c.encoded_code[i] = 0;
  return c.last = i;
}

// The process lines (as ptcpdump writes them) encoded as options of `code`:
// empty when the process has no known field.
const std::string& process_options(const ProcessInfo& p, uint16_t code, ProcessLinesCache* cache,
                                   std::string& scratch) {
  if (!cache) {
    std::string lines;
    format_process_comment(p, lines);
    scratch.clear();
    text_options(scratch, code, lines);
    return scratch;
  }
  size_t i = cache_slot(p, *cache);
  if (cache->encoded_code[i] != code) {
    cache->encoded[i].clear();
    text_options(cache->encoded[i], code, cache->lines[i]);
    cache->encoded_code[i] = code;
  }
  return cache->encoded[i];
}

// The process lines then the event's own comment lines, leaving out process
// lines the comment already carries (a file read back and written again
// would otherwise repeat them).
bool comment_options(std::string& o, const Event& e, uint16_t code, ProcessLinesCache* cache) {
  bool opts = false;
  std::string_view c = e.comment;
  if (e.process) {
    std::string scratch;
    const std::string& proc = process_options(*e.process, code, cache, scratch);
    o.append(proc);
    opts = !proc.empty();
    std::string rest;
    while (!c.empty()) {
      size_t nl = c.find('\n');
      std::string_view l = c.substr(0, nl);
      if (!is_process_comment_line(l)) {
        if (!rest.empty()) rest.push_back('\n');
        rest.append(l);
      }
      if (nl == std::string_view::npos) break;
      c.remove_prefix(nl + 1);
    }
    return text_options(o, code, rest) || opts;
  }
  // Several comments were joined with '\n' by the reader; split them again.
  while (!c.empty()) {
    size_t nl = c.find('\n');
    option(o, code, c.substr(0, nl));
    opts = true;
    if (nl == std::string_view::npos) break;
    c.remove_prefix(nl + 1);
  }
  return opts;
}

// Whether the bytes are a well-formed scap v2 event, so the block written
// from them is one tshark can dissect.
bool is_scap_event(const Event& e) {
  if (e.cap_len < 28) return false;
  uint32_t len;
  std::memcpy(&len, e.data + 18, 4);
  return len >= 26 && size_t{len} + 2 <= e.cap_len;
}

}  // namespace

uint8_t output_tsresol(uint8_t r) {
  unsigned exp = r & 0x7f;
  if (!(r & 0x80)) return exp <= 9 ? r : 9;
  return exp <= 32 ? r : 9;
}

void append_shb(std::string& o) {
  size_t b = open_block(o, 0x0A0D0D0A);
  put32(o, 0x1A2B3C4D);
  put16(o, 1);
  put16(o, 0);
  put64(o, ~uint64_t{0});  // section length unknown
  option(o, 4, "strato");  // shb_userappl
  put32(o, 0);
  close_block(o, b);
}

void append_idb(std::string& o, const InterfaceInfo& info) {
  size_t b = open_block(o, 1);
  put16(o, static_cast<uint16_t>(info.link_type));
  put16(o, 0);
  put32(o, info.snaplen);
  bool opts = false;
  if (!info.name.empty()) option(o, 2, info.name), opts = true;
  if (!info.description.empty()) option(o, 3, info.description), opts = true;
  uint8_t res = output_tsresol(info.tsresol);
  if (res != 6) {
    char r = static_cast<char>(res);
    option(o, 9, std::string_view(&r, 1));
    opts = true;
  }
  if (!info.filter.empty()) {
    std::string f(1, '\0');  // filter type 0: libpcap filter string
    f += info.filter;
    option(o, 11, f);
    opts = true;
  }
  if (!info.os.empty()) option(o, 12, info.os), opts = true;
  if (opts) put32(o, 0);
  close_block(o, b);
}

void append_epb(std::string& o, const Event& e, uint8_t tsresol, ProcessLinesCache* cache) {
  unsigned exp = tsresol & 0x7f;
  uint64_t ts;
  if (!(tsresol & 0x80)) {
    uint64_t div = 1;
    for (unsigned i = exp; i < 9; ++i) div *= 10;
    ts = e.ts_ns / div;
  } else {
    // Round up so that reading it back (which rounds down) gives ts_ns again.
    unsigned __int128 num = static_cast<unsigned __int128>(e.ts_ns) << exp;
    ts = static_cast<uint64_t>((num + 999999999u) / 1000000000u);
  }
  if (e.comment.empty()) {
    // Live packets, millions a second: sized first and filled in place,
    // the process options copied whole from the cache.
    std::string scratch;
    const std::string* proc = e.process ? &process_options(*e.process, 1, cache, scratch) : nullptr;
    const size_t opts = (proc ? proc->size() : 0) + (e.epb_flags ? 8 : 0);
    const size_t len = 28 + padded(e.cap_len) + opts + (opts ? 4 : 0) + 4;
    size_t at = o.size();
    o.resize(at + len);  // zeroed: padding and opt_endofopt need no writes
    char* p = o.data() + at;
    p = store32(p, 6);
    p = store32(p, static_cast<uint32_t>(len));
    p = store32(p, e.iface);
    p = store32(p, static_cast<uint32_t>(ts >> 32));
    p = store32(p, static_cast<uint32_t>(ts));
    p = store32(p, e.cap_len);
    p = store32(p, e.orig_len);
    if (e.cap_len) std::memcpy(p, e.data, e.cap_len);
    p += padded(e.cap_len);
    if (proc && !proc->empty()) {
      std::memcpy(p, proc->data(), proc->size());
      p += proc->size();
    }
    if (e.epb_flags) {
      p = store16(p, 2);
      p = store16(p, 4);
      p = store32(p, e.epb_flags);
    }
    if (opts) p += 4;  // opt_endofopt
    store32(p, static_cast<uint32_t>(len));
    return;
  }
  size_t b = open_block(o, 6);
  put32(o, e.iface);
  put32(o, static_cast<uint32_t>(ts >> 32));
  put32(o, static_cast<uint32_t>(ts));
  put32(o, e.cap_len);
  put32(o, e.orig_len);
  o.append(reinterpret_cast<const char*>(e.data), e.cap_len);
  pad(o, e.cap_len);
  bool opts = comment_options(o, e, 1, cache);
  if (e.epb_flags) {
    put16(o, 2);
    put16(o, 4);
    put32(o, e.epb_flags);
    opts = true;
  }
  if (opts) put32(o, 0);
  close_block(o, b);
}

void append_syscall(std::string& o, const Event& e, uint8_t tsresol, ProcessLinesCache* cache) {
  if (!is_scap_event(e)) return append_epb(o, e, tsresol, cache);
  // Live captures write millions of these a second: both blocks are sized
  // first and filled in place, the process options copied whole from the
  // cache.
  std::string_view comment = e.comment;
  std::string scratch;
  const std::string* proc = nullptr;
  size_t meta_len = 0;
  if (comment.size() > 65532) {
    // Split into one option per line: rare enough for the general path.
    size_t b = open_block(o, kMetaBlock);
    put32(o, kMetaMagic);
    text_options(o, kMetaComment, comment);
    if (e.process) {
      o.append(process_options(*e.process, kMetaProcess, cache, scratch));
      if (cache) cache->meta_last = cache->last;
    }
    put32(o, 0);
    close_block(o, b);
  } else if (!comment.empty() || e.process) {
    if (e.process) {
      proc = &process_options(*e.process, kMetaProcess, cache, scratch);
      if (cache && cache->meta_same_ok && !proc->empty()) {
        if (cache->meta_last == cache->last) {
          static const std::string kSame = [] {
            std::string o;
            put16(o, kMetaSameProcess);
            put16(o, 0);
            return o;
          }();
          proc = &kSame;
        } else {
          cache->meta_last = cache->last;
        }
      }
    }
    size_t opts = (comment.empty() ? 0 : 4 + padded(comment.size())) + (proc ? proc->size() : 0);
    meta_len = 12 + opts + (opts ? 4 : 0) + 4;
  }
  // The event bytes are already the block body (cpu id, then the scap
  // event). Their parameter lengths are u16, so the large variant (0x221,
  // u32 lengths) is never needed.
  size_t event_len = 8 + padded(e.cap_len) + 4;
  size_t at = o.size();
  o.resize(at + meta_len + event_len);  // zeroed: padding and opt_endofopt need no writes
  char* p = o.data() + at;
  if (meta_len) {
    p = store32(p, kMetaBlock);
    p = store32(p, static_cast<uint32_t>(meta_len));
    p = store32(p, kMetaMagic);
    if (!comment.empty()) {
      p = store16(p, kMetaComment);
      p = store16(p, static_cast<uint16_t>(comment.size()));
      std::memcpy(p, comment.data(), comment.size());
      p += padded(comment.size());
    }
    if (proc && !proc->empty()) {
      std::memcpy(p, proc->data(), proc->size());
      p += proc->size();
    }
    if (meta_len > 16) p += 4;  // opt_endofopt
    p = store32(p, static_cast<uint32_t>(meta_len));
  }
  p = store32(p, kSysdigEventV2);
  p = store32(p, static_cast<uint32_t>(event_len));
  std::memcpy(p, e.data, e.cap_len);
  p += padded(e.cap_len);
  store32(p, static_cast<uint32_t>(event_len));
}

}  // namespace strato::pcapng
