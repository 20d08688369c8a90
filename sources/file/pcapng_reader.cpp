// pcapng: sections (each with its own byte order and interface list),
// interfaces with their own link type and timestamp resolution/offset, and
// the packet blocks EPB, SPB and the obsolete PB, and Sysdig Event Blocks
// (0x216, 0x221 and the older 0x204: syscall events, with strato's metadata
// block before each). Other blocks are skipped.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "capture_reader.h"
#include "strato/error.h"
#include "strato/process_comment.h"
#include "strato/syscall_event.h"

namespace strato::file {

namespace {

constexpr uint32_t kSHB = 0x0A0D0D0A, kIDB = 1, kPB = 2, kSPB = 3, kISB = 5, kEPB = 6;
constexpr uint32_t kSysdigV1 = 0x204, kSysdigV2 = 0x216, kSysdigV2Large = 0x221;
// strato's metadata block for the syscall event that follows it (see
// sinks/pcapng/pcapng_encode.h): magic, then options 1 (the event's comment)
// and 0x8001 (process lines).
constexpr uint32_t kMeta = 0x80535452, kMetaMagic = 0x4154454D;
// Options of a metadata block (sinks/pcapng/pcapng_encode.h writes them).
constexpr uint16_t kMetaProcess = 0x8001, kMetaSameProcess = 0x8002;
constexpr uint32_t kBOM = 0x1A2B3C4D;
// Big enough for the largest packet wiretap accepts plus options.
constexpr uint32_t kMaxBlock = 128u * 1024 * 1024 + 131072;
constexpr int kMaxWarnings = 20;

struct SectionIface {
  uint32_t global = 0;
  uint32_t local = 0;     // index into this reader's drops_
  uint32_t link_type = 0;
  uint32_t snaplen = 0;
  bool fast = true;       // power of ten <= 9: one multiplication
  uint64_t mul = 1000;    // ns per unit when fast
  uint64_t units = 1000000;  // units per second otherwise
  uint64_t offset_ns = 0;   // if_tsoffset, as ns (two's complement)
};

uint32_t pad4(uint32_t n) { return (n + 3u) & ~3u; }

class PcapngReader : public CaptureReader {
 public:
  PcapngReader(std::unique_ptr<InputStream> in, std::vector<InterfaceInfo>& ifaces)
      : in_(std::move(in)), ifaces_(ifaces) {}

  uint64_t dropped() const override {
    uint64_t n = 0;
    for (auto d : drops_) n += d;
    return n;
  }

  bool next(Packet& p) override {
    for (;;) {
      if (pending_) {
        in_->consume(pending_);
        pending_ = 0;
      }
      if (!in_->ensure(8)) {
        if (in_->avail() != 0) truncated();
        return false;
      }
      const uint8_t* b = in_->data();
      uint32_t type = rd32(b, swap_);
      if (type == kSHB) {
        if (!in_->ensure(12)) {
          truncated();
          return false;
        }
        b = in_->data();
        uint32_t bom = rd32(b + 8, false);
        if (bom == kBOM) swap_ = false;
        else if (bom == __builtin_bswap32(kBOM)) swap_ = true;
        else corrupt("section header block has a bad byte-order magic " + hex32(bom));
      } else if (!seen_shb_) {
        corrupt("file does not start with a section header block");
      }
      uint32_t len = rd32(b + 4, swap_);
      if (len < 12 || len % 4 != 0 || len > kMaxBlock)
        corrupt("bad block length " + std::to_string(len) + " (block type " + hex32(type) + ")");
      if (!in_->ensure(len)) {
        truncated();
        return false;
      }
      b = in_->data();
      uint32_t trailer = rd32(b + len - 4, swap_);
      if (trailer != len)
        corrupt("block length " + std::to_string(len) + " does not match its trailer " + std::to_string(trailer));
      pending_ = len;
      const uint8_t* body = b + 8;
      uint32_t blen = len - 12;
      // Metadata belongs to the block right after it only.
      bool had_meta = have_meta_;
      have_meta_ = false;
      switch (type) {
        case kSHB: section(body, blen); break;
        case kIDB: interface(body, blen); break;
        case kEPB:
          if (epb(body, blen, p)) return ++packets_, true;
          break;
        case kSPB:
          if (spb(body, blen, p)) return ++packets_, true;
          break;
        case kPB:
          if (pb(body, blen, p)) return ++packets_, true;
          break;
        case kISB: isb(body, blen); break;
        case kSysdigV1:
        case kSysdigV2:
        case kSysdigV2Large:
          if (sysdig(type, body, blen, p, had_meta)) return ++packets_, true;
          break;
        case kMeta: meta(body, blen); break;
        default: break;  // NRB, DSB, custom, journal and unknown blocks
      }
    }
  }

 private:
  static std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
  }

  [[noreturn]] void corrupt(const std::string& why) {
    throw Error(in_->path() + ": corrupt pcapng block at byte offset " + std::to_string(in_->offset()) + ": " +
                why + " (" + std::to_string(packets_) + " packets read)");
  }
  void truncated() {
    strato::warn(in_->path() + ": truncated record at byte offset " + std::to_string(in_->offset()) + "; " +
                 std::to_string(packets_) + " packets read");
  }
  // A block whose framing is sound but whose body is not: skip it.
  bool skip(const char* what, const std::string& why) {
    if (++warnings_ <= kMaxWarnings)
      strato::warn(in_->path() + ": skipping corrupt " + what + " at byte offset " + std::to_string(in_->offset()) +
                   ": " + why + (warnings_ == kMaxWarnings ? " (further such warnings suppressed)" : ""));
    return false;
  }

  // Calls f(code, value, length) for each option; false if they overrun.
  template <class F>
  bool options(const uint8_t* p, uint32_t len, F&& f) {
    uint32_t off = 0;
    while (off + 4 <= len) {
      uint16_t code = rd16(p + off, swap_), olen = rd16(p + off + 2, swap_);
      if (code == 0) return true;
      if (olen > len - off - 4) return false;
      f(code, p + off + 4, olen);
      off += 4 + pad4(olen);
    }
    return true;
  }

  void section(const uint8_t* body, uint32_t blen) {
    if (blen < 16) corrupt("section header block too short");
    uint16_t major = rd16(body + 4, swap_);
    if (major != 1) corrupt("unsupported pcapng version " + std::to_string(major));
    seen_shb_ = true;
    section_.clear();
    sys_iface_ = -1;
    meta_last_process_.reset();
    ++sections_;
  }

  void interface(const uint8_t* body, uint32_t blen) {
    if (blen < 8) {
      skip("interface description block", "too short");
      // Still occupies an index, or later interface ids would shift.
    }
    InterfaceInfo info;
    SectionIface si;
    uint8_t tsresol = 6;
    int64_t tsoffset = 0;
    if (blen >= 8) {
      info.link_type = rd16(body, swap_);
      info.snaplen = rd32(body + 4, swap_);
      bool ok = options(body + 8, blen - 8, [&](uint16_t code, const uint8_t* v, uint16_t n) {
        switch (code) {
          case 2: info.name = str(v, n); break;
          case 3: info.description = str(v, n); break;
          case 9: if (n >= 1) tsresol = v[0]; break;
          case 11: if (n >= 1) info.filter = str(v + 1, n - 1); break;
          case 12: info.os = str(v, n); break;
          case 14: if (n >= 8) tsoffset = static_cast<int64_t>(rd64(v, swap_)); break;
          default: break;
        }
      });
      if (!ok) skip("interface options", "option length overruns the block (options ignored from there)");
    }
    info.tsresol = tsresol;
    si.link_type = info.link_type;
    si.snaplen = info.snaplen;
    unsigned exp = tsresol & 0x7f;
    if (!(tsresol & 0x80) && exp <= 9) {
      si.fast = true;
      si.mul = 1;
      for (unsigned i = exp; i < 9; ++i) si.mul *= 10;
    } else {
      si.fast = false;
      if (tsresol & 0x80) {
        si.units = exp >= 63 ? (1ull << 63) : (1ull << exp);
      } else {
        si.units = 1;
        for (unsigned i = 0; i < exp && i < 19; ++i) si.units *= 10;
      }
    }
    si.offset_ns = static_cast<uint64_t>(tsoffset) * 1000000000ull;
    info.has_id = true;
    info.section = sections_;
    info.id_in_section = static_cast<uint32_t>(section_.size());
    si.global = static_cast<uint32_t>(ifaces_.size());
    si.local = static_cast<uint32_t>(drops_.size());
    ifaces_.push_back(std::move(info));
    drops_.push_back(0);
    section_.push_back(si);
  }

  static std::string str(const uint8_t* v, uint16_t n) {
    while (n > 0 && v[n - 1] == 0) --n;
    return std::string(reinterpret_cast<const char*>(v), n);
  }

  uint64_t ts_ns(const SectionIface& si, uint64_t ts) const {
    if (si.fast) return ts * si.mul + si.offset_ns;
    uint64_t secs = ts / si.units, rem = ts % si.units;
    uint64_t frac = static_cast<uint64_t>((static_cast<unsigned __int128>(rem) * 1000000000u) / si.units);
    return secs * 1000000000ull + frac + si.offset_ns;
  }

  void fill(Packet& p, const SectionIface& si, const uint8_t* data, uint32_t cap, uint32_t orig, uint64_t ts) {
    p.data = data;
    p.cap_len = cap;
    p.orig_len = orig;
    p.ts_ns = ts;
    p.iface = si.global;
    p.link_type = si.link_type;
    p.epb_flags = 0;
    p.swapped = swap_;
    p.comment.clear();
    p.has_process = false;
    p.shared_process.reset();
  }

  void packet_options(const uint8_t* o, uint32_t olen, Packet& p) {
    bool ok = options(o, olen, [&](uint16_t code, const uint8_t* v, uint16_t n) {
      if (code == 1) {
        while (n > 0 && v[n - 1] == 0) --n;
        if (!p.comment.empty()) p.comment.push_back('\n');
        p.comment.append(reinterpret_cast<const char*>(v), n);
      } else if (code == 2 && n >= 4) {
        p.epb_flags = rd32(v, swap_);
      }
    });
    if (!ok) skip("packet options", "option length overruns the block (packet kept)");
    if (!p.comment.empty()) {
      p.process = ProcessInfo{};
      p.has_process = parse_process_comment(p.comment, p.process);
    }
  }

  bool epb(const uint8_t* body, uint32_t blen, Packet& p) {
    if (blen < 20) return skip("enhanced packet block", "too short");
    uint32_t id = rd32(body, swap_);
    if (id >= section_.size())
      return skip("enhanced packet block", "interface " + std::to_string(id) + " is not defined");
    const SectionIface& si = section_[id];
    uint64_t ts = (uint64_t{rd32(body + 4, swap_)} << 32) | rd32(body + 8, swap_);
    uint32_t cap = rd32(body + 12, swap_), orig = rd32(body + 16, swap_);
    if (cap > blen - 20)
      return skip("enhanced packet block",
                  "captured length " + std::to_string(cap) + " exceeds the block (" + std::to_string(blen - 20) + ")");
    if (cap > max_packet_size(si.link_type))
      return skip("enhanced packet block", "captured length " + std::to_string(cap) + " is too large");
    fill(p, si, body + 20, cap, orig, ts_ns(si, ts));
    uint32_t opt = 20 + pad4(cap);
    if (opt < blen) packet_options(body + opt, blen - opt, p);
    return true;
  }

  bool pb(const uint8_t* body, uint32_t blen, Packet& p) {
    if (blen < 20) return skip("packet block", "too short");
    uint32_t id = rd16(body, swap_);
    if (id >= section_.size()) return skip("packet block", "interface " + std::to_string(id) + " is not defined");
    const SectionIface& si = section_[id];
    uint64_t ts = (uint64_t{rd32(body + 4, swap_)} << 32) | rd32(body + 8, swap_);
    uint32_t cap = rd32(body + 12, swap_), orig = rd32(body + 16, swap_);
    if (cap > blen - 20) return skip("packet block", "captured length exceeds the block");
    if (cap > max_packet_size(si.link_type)) return skip("packet block", "captured length is too large");
    fill(p, si, body + 20, cap, orig, ts_ns(si, ts));
    uint32_t opt = 20 + pad4(cap);
    if (opt < blen) packet_options(body + opt, blen - opt, p);
    return true;
  }

  bool spb(const uint8_t* body, uint32_t blen, Packet& p) {
    if (blen < 4) return skip("simple packet block", "too short");
    if (section_.empty()) return skip("simple packet block", "no interface is defined");
    const SectionIface& si = section_[0];
    uint32_t orig = rd32(body, swap_);
    uint32_t cap = std::min(orig, blen - 4);
    if (si.snaplen != 0) cap = std::min(cap, si.snaplen);
    if (cap > max_packet_size(si.link_type)) return skip("simple packet block", "packet is too large");
    // No timestamp in an SPB.
    fill(p, si, body + 4, cap, orig, 0);
    return true;
  }

  void meta(const uint8_t* body, uint32_t blen) {
    if (blen < 4 || rd32(body, swap_) != kMetaMagic) return;  // someone else's local block
    meta_comment_.clear();
    meta_process_.clear();
    bool same = false;
    bool ok = options(body + 4, blen - 4, [&](uint16_t code, const uint8_t* v, uint16_t n) {
      if (code == kMetaSameProcess) same = true;
      std::string* to = code == 1 ? &meta_comment_ : code == kMetaProcess ? &meta_process_ : nullptr;
      if (!to) return;
      while (n > 0 && v[n - 1] == 0) --n;
      if (!to->empty()) to->push_back('\n');
      to->append(reinterpret_cast<const char*>(v), n);
    });
    if (!ok) skip("syscall metadata block", "option length overruns the block (metadata kept up to there)");
    have_meta_ = true;
    // Parsed once and shared by every event that names the same process.
    meta_event_process_.reset();
    if (!meta_process_.empty()) {
      auto pi = std::make_shared<ProcessInfo>();
      if (parse_process_comment(meta_process_, *pi)) meta_last_process_ = std::move(pi);
      else meta_last_process_.reset();
      meta_event_process_ = meta_last_process_;
    } else if (same) {
      if (!meta_last_process_)
        skip("syscall metadata block", "it names the previous block's process, and there is none in this section");
      meta_event_process_ = meta_last_process_;
    }
  }

  // Syscall events get the section's interface of that link type (strato
  // writes one), else one interface added for them.
  uint32_t syscall_iface() {
    if (sys_iface_ < 0) {
      for (const auto& si : section_)
        if (si.link_type == kLinkTypeSyscallEvent) {
          sys_iface_ = si.global;
          break;
        }
    }
    if (sys_iface_ < 0) {
      if (added_sys_iface_ < 0) {
        InterfaceInfo info;
        info.name = "syscalls";
        info.description = "system calls";
        info.link_type = kLinkTypeSyscallEvent;
        added_sys_iface_ = static_cast<int64_t>(ifaces_.size());
        ifaces_.push_back(std::move(info));
      }
      sys_iface_ = added_sys_iface_;
    }
    return static_cast<uint32_t>(sys_iface_);
  }

  // Body: u16 cpu id, then the scap event (u64 ts, u64 tid, u32 len, u16
  // type, u32 nparams, the parameter lengths (u16; u32 in 0x221), params).
  // Events keep the 0x216 layout in memory, so 0x221 is converted.
  bool sysdig(uint32_t type, const uint8_t* body, uint32_t blen, Packet& p, bool had_meta) {
    const char* what = type == kSysdigV2   ? "sysdig event block"
                       : type == kSysdigV1 ? "sysdig event block (v1)"
                                           : "large sysdig event block";
    constexpr uint32_t kHead = 28;  // cpu id + the event header up to the parameter lengths
    if (type == kSysdigV1) {
      if (!convert_v1(body, blen)) return false;
      body = v1_.data();
      blen = static_cast<uint32_t>(v1_.size());
      type = kSysdigV2;
    }
    if (blen < kHead) return skip(what, "too short (" + std::to_string(blen) + " bytes)");
    if (swap_) return skip(what, "big-endian syscall events are not supported");
    uint32_t len = rd32(body + 18, false), nparams = rd32(body + 24, false);
    if (len < kHead - 2 || len > blen - 2)
      return skip(what, "event length " + std::to_string(len) + " does not fit the block (" +
                            std::to_string(blen - 2) + " bytes)");
    const uint8_t* data = body;
    uint32_t size = len + 2;
    if (type == kSysdigV2Large && !convert_large(body, size, nparams, data, size)) return false;
    if (type == kSysdigV2) {
      if (nparams > (size - kHead) / 2) return skip(what, std::to_string(nparams) + " parameters do not fit the event");
      uint64_t sum = 0;
      for (uint32_t i = 0; i < nparams; ++i) sum += rd16(body + kHead + 2 * i, false);
      if (kHead + 2ull * nparams + sum > size)
        return skip(what, "parameter lengths (" + std::to_string(sum) + " bytes) run past the event's end");
    }
    p.data = data;
    p.cap_len = p.orig_len = size;
    p.ts_ns = rd64(data + 2, false);
    p.iface = syscall_iface();
    p.link_type = kLinkTypeSyscallEvent;
    p.epb_flags = 0;
    p.swapped = false;
    p.comment.clear();
    p.has_process = false;
    p.shared_process.reset();
    if (had_meta) {
      p.comment = meta_comment_;
      p.shared_process = meta_event_process_;
    }
    return true;
  }

  // Version 1 (0x204) has no parameter count: it comes from the event's
  // schema, and events of types strato does not know are skipped.
  bool convert_v1(const uint8_t* body, uint32_t blen) {
    const char* what = "sysdig event block (v1)";
    constexpr uint32_t kHead = 24;  // cpu id, ts, tid, len, type
    if (blen < kHead) return skip(what, "too short (" + std::to_string(blen) + " bytes)");
    if (swap_) return skip(what, "big-endian syscall events are not supported");
    uint32_t len = rd32(body + 18, false);
    uint16_t etype = rd16(body + 22, false);
    if (len < kHead - 2 || len > blen - 2)
      return skip(what, "event length " + std::to_string(len) + " does not fit the block (" +
                            std::to_string(blen - 2) + " bytes)");
    const scap::EventInfo* info = scap::event_info(etype);
    if (!info) return skip(what, "event type " + std::to_string(etype) + " is unknown, so is its parameter count");
    uint32_t nparams = static_cast<uint32_t>(info->params.size());
    v1_.assign(body, body + kHead);
    v1_.resize(kHead + 4);
    std::memcpy(v1_.data() + kHead, &nparams, 4);
    v1_.insert(v1_.end(), body + kHead, body + 2 + len);
    uint32_t len2 = len + 4;
    std::memcpy(v1_.data() + 18, &len2, 4);
    return true;
  }

  // 0x221 to the 0x216 layout: u16 parameter lengths; a parameter longer
  // than 65535 bytes is cut there (with a warning).
  bool convert_large(const uint8_t* body, uint32_t size, uint32_t nparams, const uint8_t*& data, uint32_t& out_size) {
    constexpr uint32_t kHead = 28;
    if (nparams > (size - kHead) / 4)
      return skip("large sysdig event block", std::to_string(nparams) + " parameters do not fit the event");
    uint64_t off = kHead + 4ull * nparams;
    large_.assign(body, body + kHead);
    large_.resize(kHead + 2ull * nparams);
    bool cut = false;
    for (uint32_t i = 0; i < nparams; ++i) {
      uint32_t n = rd32(body + kHead + 4 * i, false);
      if (off + n > size)
        return skip("large sysdig event block",
                    "parameter " + std::to_string(i + 1) + " runs past the event's end");
      uint32_t keep = n > 0xffff ? (cut = true, 0xffff) : n;
      uint16_t n16 = static_cast<uint16_t>(keep);
      std::memcpy(large_.data() + kHead + 2 * i, &n16, 2);
      large_.insert(large_.end(), body + off, body + off + keep);
      off += n;
    }
    if (cut) skip("large sysdig event block", "a parameter longer than 65535 bytes was cut (event kept)");
    uint32_t len = static_cast<uint32_t>(large_.size() - 2);
    std::memcpy(large_.data() + 18, &len, 4);
    data = large_.data();
    out_size = static_cast<uint32_t>(large_.size());
    return true;
  }

  void isb(const uint8_t* body, uint32_t blen) {
    if (blen < 12) return;
    uint32_t id = rd32(body, swap_);
    if (id >= section_.size()) return;
    uint32_t g = section_[id].local;
    options(body + 12, blen - 12, [&](uint16_t code, const uint8_t* v, uint16_t n) {
      if (code == 5 && n >= 8) drops_[g] = rd64(v, swap_);  // isb_ifdrop, cumulative
    });
  }

  std::unique_ptr<InputStream> in_;
  std::vector<InterfaceInfo>& ifaces_;
  uint32_t sections_ = 0;  // section headers seen (1-based number of the current one)
  std::vector<SectionIface> section_;
  std::vector<uint64_t> drops_;  // by interface, in the order this file defines them
  bool swap_ = false, seen_shb_ = false;
  size_t pending_ = 0;
  int warnings_ = 0;
  int64_t sys_iface_ = -1;        // global interface of this section's syscall events, once known
  int64_t added_sys_iface_ = -1;  // the one added when a file has none
  bool have_meta_ = false;        // a metadata block came right before the current block
  std::string meta_comment_, meta_process_;
  // The process of the last metadata block with process lines in this
  // section (kMetaSameProcess points back at it), and the current event's.
  std::shared_ptr<const ProcessInfo> meta_last_process_, meta_event_process_;
  std::vector<uint8_t> large_;    // a 0x221 event converted to the 0x216 layout
  std::vector<uint8_t> v1_;       // a 0x204 event converted to the 0x216 layout
};

}  // namespace

std::unique_ptr<CaptureReader> make_pcapng_reader(std::unique_ptr<InputStream> in, std::vector<InterfaceInfo>& ifaces) {
  return std::make_unique<PcapngReader>(std::move(in), ifaces);
}

}  // namespace strato::file
