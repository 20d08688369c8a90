// Classic BPF (from pcap_compile) → eBPF SCHED_CLS. Register roles: R6 = skb (callee-saved,
// so it survives helper calls), R7 = A, R8 = X, R9 counts loop iterations. A and X are kept
// zero-extended 32-bit values (ALU32 ops zero the upper half) and compared with JMP32, as
// classic BPF is 32-bit.
// Stack: [fp-8, fp) receives packet bytes from bpf_skb_load_bytes; M[0..15] at [fp-72, fp-8).

// libpcap and linux/bpf.h both name a struct bpf_insn; the classic one is renamed here.
#define bpf_insn cbpf_insn
#include <pcap/pcap.h>
#undef bpf_insn

#include "tc_filter.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "strato/error.h"

namespace strato::ebpf {
namespace {

constexpr uint8_t kCtx = BPF_REG_6, kA = BPF_REG_7, kX = BPF_REG_8, kLoops = BPF_REG_9;
// Backward jumps taken before giving up with "no match": more IPv6 extension headers than any
// real packet carries (each is at least 8 bytes).
constexpr int32_t kMaxLoops = 64;
constexpr int16_t kLoadBuf = -8;
constexpr int16_t kMem = -72;
constexpr int kMemWords = 16;

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst;
  i.src_reg = src;
  i.off = off;
  i.imm = imm;
  return i;
}
bpf_insn mov64_reg(uint8_t dst, uint8_t src) { return insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn mov32_imm(uint8_t dst, int32_t imm) { return insn(BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, imm); }
bpf_insn mov32_reg(uint8_t dst, uint8_t src) { return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn mov64_imm(uint8_t dst, int32_t imm) { return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) { return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm); }
bpf_insn alu32_reg(uint8_t op, uint8_t dst, uint8_t src) { return insn(BPF_ALU | op | BPF_X, dst, src, 0, 0); }
bpf_insn alu64_imm(uint8_t op, uint8_t dst, int32_t imm) { return insn(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm); }
bpf_insn alu64_reg(uint8_t op, uint8_t dst, uint8_t src) { return insn(BPF_ALU64 | op | BPF_X, dst, src, 0, 0); }
bpf_insn ldx_mem(uint8_t size, uint8_t dst, uint8_t src, int16_t off) {
  return insn(BPF_LDX | BPF_MEM | size, dst, src, off, 0);
}
bpf_insn stx_mem(uint8_t size, uint8_t dst, uint8_t src, int16_t off) {
  return insn(BPF_STX | BPF_MEM | size, dst, src, off, 0);
}
bpf_insn st_mem(uint8_t size, uint8_t dst, int16_t off, int32_t imm) {
  return insn(BPF_ST | BPF_MEM | size, dst, 0, off, imm);
}
// Network to host order; on a big-endian host the kernel makes this a no-op.
bpf_insn to_host(uint8_t dst, int bits) { return insn(BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, bits); }
bpf_insn call(int32_t helper) { return insn(BPF_JMP | BPF_CALL, 0, 0, 0, helper); }
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

enum class Mode { Verdict, TailCall };

// Jump targets are labels resolved once every instruction is placed.
struct Label {
  enum Kind { Classic, NoMatch, Match } kind;
  size_t index = 0;  // classic instruction index for Kind::Classic
};

class Translator {
 public:
  Translator(const cbpf_insn* prog, size_t n, Mode mode, int prog_array_fd, std::string where)
      : prog_(prog), n_(n), mode_(mode), map_fd_(prog_array_fd), where_(std::move(where)) {}

  std::vector<bpf_insn> run() {
    bool falls_off = mark_reachable();
    prologue();
    start_.resize(n_);
    for (size_t i = 0; i < n_; ++i) {
      if (!reachable_[i]) continue;
      start_[i] = out_.size();
      one(i);
    }
    // Classic BPF programs end in RET; if one does not, falling off the end is "no match".
    if (falls_off) jump_to(insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), {Label::NoMatch});
    epilogue();
    resolve();
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(size_t i, const std::string& why) const {
    throw Error(where_ + ": classic BPF instruction " + std::to_string(i) + ": " + why);
  }

  // Where a classic jump lands. Only JA can go backward: libpcap's protochain loops over
  // extension headers, and its interpreter sign-extends the offset for that.
  size_t target_of(size_t i, int64_t rel) const {
    int64_t t = int64_t(i) + 1 + rel;
    if (t < 0 || t >= int64_t(n_)) fail(i, "jump outside the program");
    return size_t(t);
  }
  static int64_t ja_offset(const cbpf_insn& c) { return int32_t(c.k); }

  // The verifier refuses unreachable instructions, which classic BPF allows: only the
  // instructions reachable from the first are translated. Returns whether the last one can
  // fall off the end.
  bool mark_reachable() {
    if (n_ == 0) throw Error(where_ + ": libpcap produced an empty program");
    reachable_.assign(n_, false);
    bool falls_off = false;
    std::vector<size_t> todo{0};
    auto reach = [&](size_t t) {
      if (!reachable_[t]) todo.push_back(t);
    };
    while (!todo.empty()) {
      size_t i = todo.back();
      todo.pop_back();
      if (reachable_[i]) continue;
      reachable_[i] = true;
      const cbpf_insn& c = prog_[i];
      if (BPF_CLASS(c.code) == BPF_RET) continue;
      if (BPF_CLASS(c.code) != BPF_JMP) {
        if (i + 1 == n_)
          falls_off = true;
        else
          reach(i + 1);
      } else if (BPF_OP(c.code) == BPF_JA) {
        reach(target_of(i, ja_offset(c)));
      } else {
        reach(target_of(i, c.jt));
        reach(target_of(i, c.jf));
      }
    }
    return falls_off;
  }

  void emit(const bpf_insn& i) { out_.push_back(i); }
  void jump_to(const bpf_insn& j, Label target) {
    if (target.kind == Label::Match) match_used_ = true;
    if (target.kind == Label::NoMatch) no_match_used_ = true;
    fixups_.push_back({out_.size(), target});
    emit(j);
  }
  Label classic_target(size_t i, int64_t rel) const { return {Label::Classic, target_of(i, rel)}; }

  // The verifier refuses reads of stack bytes never written; zero M[] and the load buffer.
  void prologue() {
    emit(mov64_reg(kCtx, BPF_REG_1));
    emit(mov32_imm(kA, 0));
    emit(mov32_imm(kX, 0));
    emit(mov32_imm(kLoops, 0));
    for (int16_t off = kMem; off < 0; off += 8) emit(st_mem(BPF_DW, BPF_REG_10, off, 0));
  }

  // Each ending is emitted only when something jumps to it (unreachable code is refused).
  void epilogue() {
    if (no_match_used_) {
      no_match_ = out_.size();
      emit(mov64_imm(BPF_REG_0, mode_ == Mode::Verdict ? 0 : TC_ACT_UNSPEC));
      emit(exit_insn());
    }
    if (!match_used_) return;
    match_ = out_.size();
    if (mode_ == Mode::Verdict) {
      emit(mov64_imm(BPF_REG_0, 1));
      emit(exit_insn());
      return;
    }
    emit(mov64_reg(BPF_REG_1, kCtx));
    // BPF_LD_IMM64 with a map fd: the loader swaps the fd for the map's address.
    emit(insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_MAP_FD, 0, map_fd_));
    emit(insn(0, 0, 0, 0, 0));
    emit(mov32_imm(BPF_REG_3, 0));
    emit(call(BPF_FUNC_tail_call));
    // Only reached when slot 0 is empty or the tail-call limit was hit.
    emit(mov64_imm(BPF_REG_0, TC_ACT_UNSPEC));
    emit(exit_insn());
  }

  void resolve() {
    for (const auto& f : fixups_) {
      size_t target = f.target.kind == Label::Match     ? match_
                      : f.target.kind == Label::NoMatch ? no_match_
                                                        : start_[f.target.index];
      int64_t off = int64_t(target) - int64_t(f.at) - 1;
      if (off < INT16_MIN || off > INT16_MAX)
        throw Error(where_ + ": filter too large for the kernel (a jump spans " + std::to_string(off) +
                    " eBPF instructions)");
      out_[f.at].off = int16_t(off);
    }
  }

  int16_t mem_slot(size_t i, uint32_t k) const {
    if (k >= kMemWords) fail(i, "scratch memory index " + std::to_string(k) + " out of range");
    return int16_t(kMem + 4 * int(k));
  }

  // dst = packet bytes [offset, offset+size) in host order; an offset past the packet (or one
  // that does not fit the helper's u32) ends the program with "no match", as classic BPF does.
  void packet_load(uint8_t dst, int size, uint32_t k, bool indexed) {
    emit(mov32_imm(BPF_REG_2, int32_t(k)));
    if (indexed) {
      emit(alu64_reg(BPF_ADD, BPF_REG_2, kX));  // 64-bit: X + k must not wrap to a valid offset
      jump_to(insn(BPF_JMP | BPF_JGT | BPF_K, BPF_REG_2, 0, 0, INT32_MAX), {Label::NoMatch});
    }
    emit(mov64_reg(BPF_REG_1, kCtx));
    emit(mov64_reg(BPF_REG_3, BPF_REG_10));
    emit(alu64_imm(BPF_ADD, BPF_REG_3, kLoadBuf));
    emit(mov64_imm(BPF_REG_4, size));
    emit(call(BPF_FUNC_skb_load_bytes));
    jump_to(insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 0, 0), {Label::NoMatch});
    uint8_t sz = size == 4 ? BPF_W : size == 2 ? BPF_H : BPF_B;
    emit(ldx_mem(sz, dst, BPF_REG_10, kLoadBuf));
    if (size > 1) emit(to_host(dst, size * 8));
  }

  void load_len(uint8_t dst) { emit(ldx_mem(BPF_W, dst, kCtx, offsetof(__sk_buff, len))); }

  static int size_bytes(uint16_t code) {
    switch (BPF_SIZE(code)) {
      case BPF_W: return 4;
      case BPF_H: return 2;
      case BPF_B: return 1;
    }
    return 0;
  }

  void one(size_t i) {
    const cbpf_insn& c = prog_[i];
    uint16_t code = c.code;
    switch (BPF_CLASS(code)) {
      case BPF_LD:
        switch (BPF_MODE(code)) {
          case BPF_ABS:
          case BPF_IND: {
            int size = size_bytes(code);
            if (!size) fail(i, "bad load size");
            packet_load(kA, size, c.k, BPF_MODE(code) == BPF_IND);
            return;
          }
          case BPF_IMM: emit(mov32_imm(kA, int32_t(c.k))); return;
          case BPF_MEM: emit(ldx_mem(BPF_W, kA, BPF_REG_10, mem_slot(i, c.k))); return;
          case BPF_LEN: load_len(kA); return;
        }
        break;
      case BPF_LDX:
        switch (BPF_MODE(code)) {
          case BPF_IMM: emit(mov32_imm(kX, int32_t(c.k))); return;
          case BPF_MEM: emit(ldx_mem(BPF_W, kX, BPF_REG_10, mem_slot(i, c.k))); return;
          case BPF_LEN: load_len(kX); return;
          case BPF_MSH:  // X = 4 * (P[k] & 0xf): the IPv4 header length
            packet_load(kX, 1, c.k, false);
            emit(alu32_imm(BPF_AND, kX, 0xf));
            emit(alu32_imm(BPF_LSH, kX, 2));
            return;
        }
        break;
      case BPF_ST: emit(stx_mem(BPF_W, BPF_REG_10, kA, mem_slot(i, c.k))); return;
      case BPF_STX: emit(stx_mem(BPF_W, BPF_REG_10, kX, mem_slot(i, c.k))); return;
      case BPF_ALU: alu(i, c); return;
      case BPF_JMP: jmp(i, c); return;
      case BPF_RET: {
        if (BPF_RVAL(code) == BPF_K) {
          jump_to(insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), {c.k ? Label::Match : Label::NoMatch});
        } else if (BPF_RVAL(code) == BPF_A) {
          jump_to(insn(BPF_JMP32 | BPF_JNE | BPF_K, kA, 0, 0, 0), {Label::Match});
          jump_to(insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), {Label::NoMatch});
        } else {
          fail(i, "bad return source");
        }
        return;
      }
      case BPF_MISC:
        if (BPF_MISCOP(code) == BPF_TAX) return emit(mov32_reg(kX, kA));
        if (BPF_MISCOP(code) == BPF_TXA) return emit(mov32_reg(kA, kX));
        break;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%04x", code);
    fail(i, std::string("unsupported opcode ") + hex);
  }

  void alu(size_t i, const cbpf_insn& c) {
    uint8_t op = BPF_OP(c.code);
    bool by_x = BPF_SRC(c.code) == BPF_X;
    switch (op) {
      case BPF_NEG: return emit(insn(BPF_ALU | BPF_NEG, kA, 0, 0, 0));
      case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND: case BPF_XOR: break;
      case BPF_DIV:
      case BPF_MOD:
        // The kernel refuses a constant zero divisor at load time; a zero X returns 0 at run time.
        if (!by_x && c.k == 0) fail(i, "division by zero");
        if (by_x) jump_to(insn(BPF_JMP32 | BPF_JEQ | BPF_K, kX, 0, 0, 0), {Label::NoMatch});
        break;
      case BPF_LSH:
      case BPF_RSH:
        if (!by_x) {
          if (c.k >= 32) fail(i, "shift by " + std::to_string(c.k) + " bits");
          break;
        }
        // libpcap gives 0 for shifts of 32 bits or more; eBPF would mask the count instead.
        emit(insn(BPF_JMP32 | BPF_JLT | BPF_K, kX, 0, 2, 32));
        emit(mov32_imm(kA, 0));
        emit(insn(BPF_JMP | BPF_JA, 0, 0, 1, 0));
        break;
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%04x", c.code);
        fail(i, std::string("unsupported ALU opcode ") + hex);
      }
    }
    emit(by_x ? alu32_reg(op, kA, kX) : alu32_imm(op, kA, int32_t(c.k)));
  }

  void jmp(size_t i, const cbpf_insn& c) {
    uint8_t op = BPF_OP(c.code);
    if (op == BPF_JA) {
      if (ja_offset(c) < 0) {
        // A loop: the verifier only accepts it when it provably ends, and libpcap's interpreter
        // would spin forever on a packet that repeats a header, so the loop is bounded.
        emit(alu64_imm(BPF_ADD, kLoops, 1));
        jump_to(insn(BPF_JMP | BPF_JGT | BPF_K, kLoops, 0, 0, kMaxLoops), {Label::NoMatch});
      }
      jump_to(insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), classic_target(i, ja_offset(c)));
      return;
    }
    if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET) fail(i, "unsupported jump");
    Label t = classic_target(i, c.jt), f = classic_target(i, c.jf);
    bool by_x = BPF_SRC(c.code) == BPF_X;
    // Unsigned 32-bit compares, like classic BPF.
    jump_to(insn(BPF_JMP32 | op | (by_x ? BPF_X : BPF_K), kA, by_x ? kX : 0, 0, by_x ? 0 : int32_t(c.k)), t);
    jump_to(insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), f);
  }

  struct Fixup {
    size_t at;
    Label target;
  };

  const cbpf_insn* prog_;
  size_t n_;
  Mode mode_;
  int map_fd_;
  std::string where_;
  std::vector<bpf_insn> out_;
  std::vector<bool> reachable_;
  std::vector<size_t> start_;
  std::vector<Fixup> fixups_;
  size_t no_match_ = 0, match_ = 0;
  bool no_match_used_ = false, match_used_ = false;
};

std::string where(const std::string& expr) { return "capture: -f '" + expr + "'"; }

std::vector<bpf_insn> translate(const std::string& expr, int linktype, uint32_t snaplen, Mode mode,
                                int prog_array_fd) {
  std::unique_ptr<pcap_t, void (*)(pcap_t*)> dead(pcap_open_dead(linktype, int(snaplen)), pcap_close);
  if (!dead) throw Error(where(expr) + ": libpcap cannot open a handle for link type " + std::to_string(linktype));
  bpf_program prog{};
  if (pcap_compile(dead.get(), &prog, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    throw usage_error(where(expr) + ": " + pcap_geterr(dead.get()));
  std::unique_ptr<bpf_program, void (*)(bpf_program*)> owned(&prog, pcap_freecode);
  return Translator(prog.bf_insns, prog.bf_len, mode, prog_array_fd, where(expr)).run();
}

// The verifier's conclusion is its last line, except for the statistics it appends.
std::string verifier_last_line(const std::string& log) {
  size_t end = log.size();
  while (end > 0) {
    size_t nl = log.rfind('\n', end - 1);
    size_t begin = nl == std::string::npos ? 0 : nl + 1;
    std::string line = log.substr(begin, end - begin);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\0')) line.pop_back();
    if (!line.empty() && line.rfind("processed ", 0) != 0 && line.rfind("verification time", 0) != 0 &&
        line.rfind("stack depth", 0) != 0)
      return line;
    if (begin == 0) break;
    end = begin - 1;
  }
  return "";
}

int load(const std::string& expr, const std::vector<bpf_insn>& insns) {
  LIBBPF_OPTS(bpf_prog_load_opts, opts);
  int fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "strato_pcapflt", "GPL", insns.data(), insns.size(), &opts);
  if (fd >= 0) return fd;
  int first_errno = errno;
  // Load again with the verifier's log only to explain the failure: logging slows big loads.
  std::vector<char> log(1 << 20);
  LIBBPF_OPTS(bpf_prog_load_opts, logged);
  logged.log_level = 1;
  logged.log_size = uint32_t(log.size());
  logged.log_buf = log.data();
  fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "strato_pcapflt", "GPL", insns.data(), insns.size(), &logged);
  if (fd >= 0) return fd;
  std::string last = verifier_last_line(std::string(log.data(), strnlen(log.data(), log.size())));
  std::string msg = where(expr) + ": the kernel refused the filter program (" + std::strerror(first_errno) + ")";
  if (first_errno == EPERM) msg += "; loading BPF programs needs root or CAP_BPF+CAP_NET_ADMIN";
  if (!last.empty()) msg += "; verifier: " + last;
  throw Error(msg);
}

}  // namespace

int load_tc_filter(const std::string& expr, int linktype, uint32_t snaplen, int prog_array_fd) {
  return load(expr, translate(expr, linktype, snaplen, Mode::TailCall, prog_array_fd));
}

int load_tc_filter_verdict(const std::string& expr, int linktype, uint32_t snaplen) {
  return load(expr, translate(expr, linktype, snaplen, Mode::Verdict, -1));
}

}  // namespace strato::ebpf
