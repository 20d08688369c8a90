#include "strato/syscall_event.h"

#include <arpa/inet.h>

#include <cstring>
#include <deque>
#include <string>
#include <unordered_map>

#include "strato/error.h"
#include "syscall_event_table.h"

namespace strato::scap {

namespace {

using T = ParamType;

// Exit events carry the enter parameters too (one event per call), in the
// order newer falcosecurity schemas appended them; the leading parameters
// match the older schemas that Wireshark 4.0 and sysdig 0.29 know.
const std::vector<ParamInfo> kProcParams = {
    {"res", T::Errno},        {"exe", T::String},      {"args", T::Bytes},      {"tid", T::Pid},
    {"pid", T::Pid},          {"ptid", T::Pid},        {"cwd", T::String},      {"fdlimit", T::UInt64},
    {"pgft_maj", T::UInt64},  {"pgft_min", T::UInt64}, {"vm_size", T::UInt32},  {"vm_rss", T::UInt32},
    {"vm_swap", T::UInt32},   {"comm", T::String}};

ParamType raw_type(char c) {
  switch (c) {
    case 'E': return T::Errno;
    case 'F': return T::Fd;
    case 'P': return T::Pid;
    case 'S': return T::String;
    case 'A': return T::SockAddr;
    case 'T': return T::SockTuple;
    case 'X': return T::Flags32;
    case 'q': return T::Int64;
    case 'i': return T::Int32;
    case 'Q': return T::UInt64;
    default: return T::Bytes;
  }
}

// Adds the generated table: ids strato's own schemas lack get sysdig's. With
// `extend`, an own schema that the generated one extends (same leading
// names, more parameters, e.g. clone's cgroups, flags, uid, gid, vtid, vpid)
// is extended; without, own schemas keep their length (the live source
// encodes exactly that many parameters).
void merge_raw_table(std::unordered_map<uint16_t, EventInfo>& m, bool extend) {
  static std::deque<std::string> names;  // backs ParamInfo::name; push_back keeps addresses
  for (size_t id = 0; id < detail::kRawEventCount; ++id) {
    const auto& r = detail::kRawEvents[id];
    EventInfo info{static_cast<uint16_t>(id), r.name, {}, r.flags};
    std::string_view ps = r.params;
    while (!ps.empty()) {
      size_t sp = ps.find(' ');
      std::string_view item = ps.substr(0, sp);
      ps = sp == std::string_view::npos ? std::string_view() : ps.substr(sp + 1);
      size_t colon = item.rfind(':');
      if (colon == std::string_view::npos || colon + 1 >= item.size()) continue;
      names.emplace_back(item.substr(0, colon));
      info.params.push_back({names.back().c_str(), raw_type(item[colon + 1])});
    }
    auto it = m.find(info.id);
    if (it == m.end()) {
      m.emplace(info.id, std::move(info));
      continue;
    }
    EventInfo& own = it->second;
    own.flags = info.flags;
    if (!extend || info.params.size() <= own.params.size()) continue;
    bool prefix = true;
    for (size_t i = 0; i < own.params.size(); ++i)
      prefix = prefix && std::string_view(own.params[i].name) == info.params[i].name;
    if (prefix) own.params.insert(own.params.end(), info.params.begin() + own.params.size(), info.params.end());
  }
}

std::unordered_map<uint16_t, EventInfo> build_table(bool extend) {
  {
    std::vector<EventInfo> v = {
        {kGenericX, "syscall", {{"ID", T::UInt16}, {"nativeID", T::UInt16}}},
        {kOpenX, "open", {{"fd", T::Fd}, {"name", T::String}, {"flags", T::Flags32}, {"mode", T::UInt32},
                          {"dev", T::UInt32}, {"ino", T::UInt64}}},
        {kCloseX, "close", {{"res", T::Errno}, {"fd", T::Fd}}},
        {kReadX, "read", {{"res", T::Errno}, {"data", T::Bytes}, {"fd", T::Fd}, {"size", T::UInt32}}},
        {kWriteX, "write", {{"res", T::Errno}, {"data", T::Bytes}, {"fd", T::Fd}, {"size", T::UInt32}}},
        {kSocketX, "socket", {{"fd", T::Fd}, {"domain", T::Flags32}, {"type", T::UInt32}, {"proto", T::UInt32}}},
        {kBindX, "bind", {{"res", T::Errno}, {"addr", T::SockAddr}, {"fd", T::Fd}}},
        {kConnectX, "connect", {{"res", T::Errno}, {"tuple", T::SockTuple}, {"fd", T::Fd}, {"addr", T::SockAddr}}},
        {kListenX, "listen", {{"res", T::Errno}, {"fd", T::Fd}, {"backlog", T::UInt32}}},
        {kSendtoX, "sendto", {{"res", T::Errno}, {"data", T::Bytes}, {"fd", T::Fd}, {"size", T::UInt32},
                              {"tuple", T::SockTuple}}},
        {kRecvfromX, "recvfrom", {{"res", T::Errno}, {"data", T::Bytes}, {"tuple", T::SockTuple}, {"fd", T::Fd},
                                  {"size", T::UInt32}}},
        {kShutdownX, "shutdown", {{"res", T::Errno}, {"fd", T::Fd}, {"how", T::UInt8}}},
        {kSendmsgX, "sendmsg", {{"res", T::Errno}, {"data", T::Bytes}, {"fd", T::Fd}, {"size", T::UInt32},
                                {"tuple", T::SockTuple}}},
        {kRecvmsgX, "recvmsg", {{"res", T::Errno}, {"size", T::UInt32}, {"data", T::Bytes}, {"tuple", T::SockTuple}}},
        {kCreatX, "creat", {{"fd", T::Fd}, {"name", T::String}, {"mode", T::UInt32}, {"dev", T::UInt32},
                            {"ino", T::UInt64}}},
        {kProcexit1E, "procexit", {{"status", T::Errno}, {"ret", T::Errno}, {"sig", T::UInt8}, {"core", T::UInt8},
                                   {"reaper_tid", T::Pid}}},
        {kKillX, "kill", {{"res", T::Errno}, {"pid", T::Pid}, {"sig", T::UInt8}}},
        {kTkillX, "tkill", {{"res", T::Errno}, {"tid", T::Pid}, {"sig", T::UInt8}}},
        {kTgkillX, "tgkill", {{"res", T::Errno}, {"pid", T::Pid}, {"tid", T::Pid}, {"sig", T::UInt8}}},
        {kClone20X, "clone", kProcParams},
        {kFork20X, "fork", kProcParams},
        {kVfork20X, "vfork", kProcParams},
        {kAccept5X, "accept", {{"fd", T::Fd}, {"tuple", T::SockTuple}, {"queuepct", T::UInt8},
                               {"queuelen", T::UInt32}, {"queuemax", T::UInt32}}},
        {kExecve19X, "execve", kProcParams},
        {kOpenat2X, "openat", {{"fd", T::Fd}, {"dirfd", T::Fd}, {"name", T::String}, {"flags", T::Flags32},
                               {"mode", T::UInt32}, {"dev", T::UInt32}, {"ino", T::UInt64}}},
        {kPreadX, "pread", {{"res", T::Errno}, {"data", T::Bytes}, {"fd", T::Fd}, {"size", T::UInt32},
                            {"pos", T::UInt64}}},
        {kPwriteX, "pwrite", {{"res", T::Errno}, {"data", T::Bytes}, {"fd", T::Fd}, {"size", T::UInt32},
                              {"pos", T::UInt64}}},
        {kReadvX, "readv", {{"res", T::Errno}, {"size", T::UInt32}, {"data", T::Bytes}, {"fd", T::Fd}}},
        {kWritevX, "writev", {{"res", T::Errno}, {"data", T::Bytes}, {"fd", T::Fd}, {"size", T::UInt32}}},
        {kOpenat2SysX, "openat2", {{"fd", T::Fd}, {"dirfd", T::Fd}, {"name", T::String}, {"flags", T::Flags32},
                                   {"mode", T::UInt32}, {"resolve", T::Flags32}, {"dev", T::UInt32},
                                   {"ino", T::UInt64}}},
        {kExecveatX, "execveat", kProcParams},
        {kClone3X, "clone3", kProcParams},
        {kRenameX, "rename", {{"res", T::Errno}, {"oldpath", T::String}, {"newpath", T::String}}},
        {kRenameatX, "renameat", {{"res", T::Errno}, {"olddirfd", T::Fd}, {"oldpath", T::String},
                                  {"newdirfd", T::Fd}, {"newpath", T::String}}},
        {kRenameat2X, "renameat2", {{"res", T::Errno}, {"olddirfd", T::Fd}, {"oldpath", T::String},
                                    {"newdirfd", T::Fd}, {"newpath", T::String}, {"flags", T::Flags32}}},
        {kSendfileX, "sendfile", {{"res", T::Errno}, {"offset", T::UInt64}, {"out_fd", T::Fd}, {"in_fd", T::Fd},
                                  {"size", T::UInt64}}},
        {kMkdir2X, "mkdir", {{"res", T::Errno}, {"path", T::String}, {"mode", T::UInt32}}},
        {kMkdiratX, "mkdirat", {{"res", T::Errno}, {"dirfd", T::Fd}, {"path", T::String}, {"mode", T::UInt32}}},
        {kUnlink2X, "unlink", {{"res", T::Errno}, {"path", T::String}}},
        {kUnlinkat2X, "unlinkat", {{"res", T::Errno}, {"dirfd", T::Fd}, {"name", T::String}, {"flags", T::Flags32}}},
        {kAccept46X, "accept4", {{"fd", T::Fd}, {"tuple", T::SockTuple}, {"queuepct", T::UInt8},
                                 {"queuelen", T::UInt32}, {"queuemax", T::UInt32}, {"flags", T::Int32}}},
    };
    std::unordered_map<uint16_t, EventInfo> m;
    for (auto& e : v) m.emplace(e.id, e);
    merge_raw_table(m, extend);
    return m;
  }
}

const std::unordered_map<uint16_t, EventInfo>& table(bool extended) {
  static const std::unordered_map<uint16_t, EventInfo> own = build_table(false), longest = build_table(true);
  return extended ? longest : own;
}

template <class V>
V load(const uint8_t* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

constexpr size_t kHeader = 2 + 8 + 8 + 4 + 2 + 4;  // cpu + scap v2 header

}  // namespace

const EventInfo* event_info(uint16_t type) {
  auto& t = table(false);
  auto it = t.find(type);
  return it == t.end() ? nullptr : &it->second;
}

const EventInfo* event_schema(uint16_t type) {
  auto& t = table(true);
  auto it = t.find(type);
  return it == t.end() ? nullptr : &it->second;
}

const char* syscall_name(uint64_t ppm_sc) {
  return ppm_sc < detail::kSyscallNameCount ? detail::kSyscallNames[ppm_sc] : nullptr;
}

void Encoder::begin(uint16_t cpu, uint64_t ts_ns, uint64_t tid, uint16_t type, uint32_t nparams) {
  start_ = out_.size();
  nparams_ = nparams;
  added_ = 0;
  out_.resize(start_ + kHeader + 2 * size_t(nparams));
  uint8_t* p = out_.data() + start_;
  std::memcpy(p, &cpu, 2);
  std::memcpy(p + 2, &ts_ns, 8);
  std::memcpy(p + 10, &tid, 8);
  std::memcpy(p + 22, &type, 2);
  std::memcpy(p + 24, &nparams, 4);
  lens_ = start_ + kHeader;
}

void Encoder::add_raw(const void* p, size_t n) {
  if (added_ >= nparams_) throw Error("syscall event encoder: more parameters than the " +
                                      std::to_string(nparams_) + " announced");
  if (n > 0xffff) n = 0xffff;
  uint16_t len = static_cast<uint16_t>(n);
  std::memcpy(out_.data() + lens_ + 2 * added_, &len, 2);
  ++added_;
  if (n) out_.insert(out_.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
}

void Encoder::add_string(std::string_view s) {
  if (s.size() > 0xfffe) s = s.substr(0, 0xfffe);
  add_raw(s.data(), s.size());
  out_.push_back(0);
  // add_raw recorded the length without the NUL: count it.
  uint16_t len = static_cast<uint16_t>(s.size() + 1);
  std::memcpy(out_.data() + lens_ + 2 * (added_ - 1), &len, 2);
}

void Encoder::add_sockaddr_inet(uint8_t family, const uint8_t* addr, uint16_t port) {
  uint8_t b[19];
  size_t alen = family == kAfInet6 ? 16 : 4;
  b[0] = family;
  std::memcpy(b + 1, addr, alen);
  std::memcpy(b + 1 + alen, &port, 2);
  add_raw(b, 1 + alen + 2);
}

void Encoder::add_tuple_inet(uint8_t family, const uint8_t* saddr, uint16_t sport, const uint8_t* daddr,
                             uint16_t dport) {
  uint8_t b[37];
  size_t alen = family == kAfInet6 ? 16 : 4;
  b[0] = family;
  std::memcpy(b + 1, saddr, alen);
  std::memcpy(b + 1 + alen, &sport, 2);
  std::memcpy(b + 3 + alen, daddr, alen);
  std::memcpy(b + 3 + 2 * alen, &dport, 2);
  add_raw(b, 5 + 2 * alen);
}

size_t Encoder::finish() {
  if (added_ != nparams_)
    throw Error("syscall event encoder: " + std::to_string(added_) + " parameters given, " +
                std::to_string(nparams_) + " announced");
  uint32_t len = static_cast<uint32_t>(out_.size() - start_ - 2);
  std::memcpy(out_.data() + start_ + 18, &len, 4);
  return out_.size() - start_;
}

bool parse(const uint8_t* data, size_t len, EventView& out, std::string& error) {
  out.params.clear();
  if (len < kHeader) {
    error = "syscall event: " + std::to_string(len) + " bytes, shorter than the 28-byte header";
    return false;
  }
  out.cpu = load<uint16_t>(data);
  out.ts_ns = load<uint64_t>(data + 2);
  out.tid = load<uint64_t>(data + 10);
  out.len = load<uint32_t>(data + 18);
  out.type = load<uint16_t>(data + 22);
  uint32_t nparams = load<uint32_t>(data + 24);
  if (out.len + 2 > len || out.len < kHeader - 2) {
    error = "syscall event: length field " + std::to_string(out.len) + " does not fit the " + std::to_string(len) +
            " bytes captured";
    return false;
  }
  size_t end = out.len + 2;
  if (nparams > (end - kHeader) / 2) {
    error = "syscall event: " + std::to_string(nparams) + " parameters do not fit in " + std::to_string(out.len) +
            " bytes";
    return false;
  }
  size_t off = kHeader + 2 * size_t(nparams);
  for (uint32_t i = 0; i < nparams; ++i) {
    uint16_t n = load<uint16_t>(data + kHeader + 2 * i);
    if (off + n > end) {
      error = "syscall event: parameter " + std::to_string(i + 1) + " (" + std::to_string(n) +
              " bytes at offset " + std::to_string(off) + ") runs past the event's end at " + std::to_string(end);
      return false;
    }
    out.params.emplace_back(reinterpret_cast<const char*>(data + off), n);
    off += n;
  }
  return true;
}

int64_t EventView::i64(size_t i) const {
  if (i >= params.size()) return 0;
  auto p = reinterpret_cast<const uint8_t*>(params[i].data());
  switch (params[i].size()) {
    case 8: return load<int64_t>(p);
    case 4: return load<int32_t>(p);
    case 2: return load<int16_t>(p);
    case 1: return static_cast<int8_t>(p[0]);
    default: return 0;
  }
}

uint64_t EventView::u64(size_t i) const {
  if (i >= params.size()) return 0;
  auto p = reinterpret_cast<const uint8_t*>(params[i].data());
  switch (params[i].size()) {
    case 8: return load<uint64_t>(p);
    case 4: return load<uint32_t>(p);
    case 2: return load<uint16_t>(p);
    case 1: return p[0];
    default: return 0;
  }
}

uint32_t EventView::u32(size_t i) const { return static_cast<uint32_t>(u64(i)); }

std::string_view EventView::str(size_t i) const {
  if (i >= params.size()) return {};
  std::string_view s = params[i];
  auto nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

const char* errno_name(int64_t err) {
  static const std::unordered_map<int64_t, const char*> names = {
      {1, "EPERM"},       {2, "ENOENT"},        {3, "ESRCH"},         {4, "EINTR"},         {5, "EIO"},
      {6, "ENXIO"},       {7, "E2BIG"},         {8, "ENOEXEC"},       {9, "EBADF"},         {10, "ECHILD"},
      {11, "EAGAIN"},     {12, "ENOMEM"},       {13, "EACCES"},       {14, "EFAULT"},       {16, "EBUSY"},
      {17, "EEXIST"},     {18, "EXDEV"},        {19, "ENODEV"},       {20, "ENOTDIR"},      {21, "EISDIR"},
      {22, "EINVAL"},     {23, "ENFILE"},       {24, "EMFILE"},       {25, "ENOTTY"},       {26, "ETXTBSY"},
      {27, "EFBIG"},      {28, "ENOSPC"},       {29, "ESPIPE"},       {30, "EROFS"},        {31, "EMLINK"},
      {32, "EPIPE"},      {36, "ENAMETOOLONG"}, {38, "ENOSYS"},       {39, "ENOTEMPTY"},    {40, "ELOOP"},
      {61, "ENODATA"},    {62, "ETIME"},        {75, "EOVERFLOW"},    {88, "ENOTSOCK"},     {89, "EDESTADDRREQ"},
      {90, "EMSGSIZE"},   {91, "EPROTOTYPE"},   {92, "ENOPROTOOPT"},  {93, "EPROTONOSUPPORT"},
      {95, "EOPNOTSUPP"}, {97, "EAFNOSUPPORT"}, {98, "EADDRINUSE"},   {99, "EADDRNOTAVAIL"},
      {100, "ENETDOWN"},  {101, "ENETUNREACH"}, {103, "ECONNABORTED"}, {104, "ECONNRESET"},
      {105, "ENOBUFS"},   {106, "EISCONN"},     {107, "ENOTCONN"},    {110, "ETIMEDOUT"},   {111, "ECONNREFUSED"},
      {113, "EHOSTUNREACH"}, {114, "EALREADY"}, {115, "EINPROGRESS"}, {512, "ERESTARTSYS"},
      {513, "ERESTARTNOINTR"}, {514, "ERESTARTNOHAND"}, {516, "ERESTART_RESTARTBLOCK"},
  };
  auto it = names.find(err);
  return it == names.end() ? nullptr : it->second;
}

bool decode_sockaddr(std::string_view p, Endpoint& out) {
  out = Endpoint{};
  if (p.empty()) return false;
  auto b = reinterpret_cast<const uint8_t*>(p.data());
  out.family = b[0];
  size_t alen = out.family == kAfInet ? 4 : out.family == kAfInet6 ? 16 : 0;
  if (alen) {
    if (p.size() < 1 + alen + 2) return false;
    std::memcpy(out.addr, b + 1, alen);
    out.port = load<uint16_t>(b + 1 + alen);
    return true;
  }
  if (out.family == kAfUnix) {
    out.path.assign(p.substr(1));
    auto nul = out.path.find('\0');
    if (nul != std::string::npos) out.path.resize(nul);
    return true;
  }
  return false;
}

bool decode_tuple(std::string_view p, Endpoint& src, Endpoint& dst) {
  src = dst = Endpoint{};
  if (p.empty()) return false;
  auto b = reinterpret_cast<const uint8_t*>(p.data());
  uint8_t family = b[0];
  size_t alen = family == kAfInet ? 4 : family == kAfInet6 ? 16 : 0;
  if (alen) {
    if (p.size() < 5 + 2 * alen) return false;
    src.family = dst.family = family;
    std::memcpy(src.addr, b + 1, alen);
    src.port = load<uint16_t>(b + 1 + alen);
    std::memcpy(dst.addr, b + 3 + alen, alen);
    dst.port = load<uint16_t>(b + 3 + 2 * alen);
    return true;
  }
  if (family == kAfUnix && p.size() >= 17) {
    src.family = dst.family = family;
    dst.path.assign(p.substr(17));
    auto nul = dst.path.find('\0');
    if (nul != std::string::npos) dst.path.resize(nul);
    return true;
  }
  return false;
}

std::string endpoint_ip(const Endpoint& e) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (e.family == kAfInet) return inet_ntop(AF_INET, e.addr, buf, sizeof buf) ? buf : "";
  if (e.family == kAfInet6) return inet_ntop(AF_INET6, e.addr, buf, sizeof buf) ? buf : "";
  if (e.family == kAfUnix) return e.path;
  return {};
}

}  // namespace strato::scap
