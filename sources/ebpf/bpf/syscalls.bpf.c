// SPDX-License-Identifier: GPL-2.0
/* Syscall and process-lifecycle capture for `strato capture`.
 *
 * One record per syscall, sent at sys_exit: the enter hook only remembers
 * the arguments (per thread) so the exit hook can decode them next to the
 * result. Selection happens at enter, as early as possible: the `wanted`
 * map (by syscall number) and the pid/comm filters drop everything else
 * before any work is done. A record that does not fit in the ring buffer is
 * counted in `drops`, never lost silently.
 *
 * Every program exists twice: tp_btf (preferred) and raw_tp (for kernels
 * whose tp_btf attach fails); user space loads one set. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "strato_events.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 self_tgid = 0;
const volatile __u8 filter_pid_on = 0;
const volatile __u8 filter_comm_on = 0;
const volatile char filter_comm[16] = {};
const volatile __u32 snaplen = 80;
/* --cgroup/--container select cgroup v2 directories: by path, or by the
 * container id their name ends in, and everything below them. */
const volatile __u8 filter_cgroup_on = 0;
const volatile char filter_cgroup_path[STRATO_CGROUP_PATH_MAX] = {};
const volatile char filter_container[64] = {};
const volatile __u32 filter_container_len = 0;

struct enter_state {
  __u64 ts;
  __u64 args[6];
  __u32 nr;
  __u16 emit;  /* an event is wanted (not only the socket's owner) */
  __u16 valid; /* task storage is reused: set at enter, cleared at exit */
};

/* Constant-index reads: the verifier rejects a variable index into the stack. */
static __always_inline __u64 arg_at(const struct enter_state* st, __u32 i) {
  if (i == 0) return st->args[0];
  if (i == 1) return st->args[1];
  if (i == 2) return st->args[2];
  if (i == 3) return st->args[3];
  if (i == 4) return st->args[4];
  return st->args[5];
}

struct exec_args {
  char path[STRATO_STR_MAX];
  char argv[STRATO_ARGV_MAX];
  __u32 argv_len;
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, STRATO_NR_MAX);
  __type(key, __u32);
  __type(value, struct strato_decode_spec);
} wanted SEC(".maps");

/* tgids to trace when filter_pid_on, one byte each, eight to an entry;
 * children are added at fork. Every other task's syscalls look here, and an
 * array lookup is a plain load where a hash lookup cost a fifth of what a
 * filtered-out syscall pays; bytes are stored whole, so forks on two CPUs
 * never undo each other's mark; and nothing can fill up under a fork storm.
 * User space sizes it for every possible pid (1 entry without --pid). */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} pids SEC(".maps");

static __always_inline bool pid_marked(__u32 tgid) {
  __u32 k = tgid >> 3;
  __u8* w = bpf_map_lookup_elem(&pids, &k);
  return w && w[tgid & 7];
}

static __always_inline void pid_mark(__u32 tgid, __u8 on) {
  __u32 k = tgid >> 3;
  __u8* w = bpf_map_lookup_elem(&pids, &k);
  if (w) w[tgid & 7] = on;
}

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, __u64);
  __type(value, struct enter_state);
} enters SEC(".maps");

/* The same, per task: much cheaper than a hash update and delete on every
 * syscall; needs a BTF task pointer, so tp_btf only. */
struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct enter_state);
} task_enters SEC(".maps");

/* execve's filename and argv must be read at enter: a successful exec
 * replaces the memory they live in. */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 512);
  __type(key, __u64);
  __type(value, struct exec_args);
} execs SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct exec_args);
} exec_scratch SEC(".maps");

/* Local end of TCP sockets reset by their peer, noted when the RST arrives:
 * by the time a refused connect reaches sys_exit the kernel has released the
 * port and cleared the source address the connect had picked. */
struct reset_end {
  __u16 port;
  __u16 family;
  unsigned char addr[16];
};
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 4096);
  __type(key, __u64);
  __type(value, struct reset_end);
} syn_ports SEC(".maps");

/* One ring buffer per group of `cpus_per_ring` CPUs (0: one for all), so
 * CPUs do not contend for one ring's lock; user space creates the rings,
 * sized by -B, and merges them by timestamp. */
struct ring_inner {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 16 << 20);
};
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
  __uint(max_entries, 1);
  __type(key, __u32);
  __array(values, struct ring_inner);
} rings SEC(".maps");

const volatile __u32 cpus_per_ring = 0;

static __always_inline void* this_cpu_ring(void) {
  __u32 i = cpus_per_ring ? bpf_get_smp_processor_id() / cpus_per_ring : 0;
  return bpf_map_lookup_elem(&rings, &i);
}

/* Records per CPU since the last look at the ring's fill level. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} ring_ticks SEC(".maps");

/* Waking the reader for every record costs the traced task more than the
 * record itself, so records go in silently and the reader polls; but once a
 * ring is a quarter full the writer wakes it, so a burst is read at once
 * instead of overflowing while the reader naps. The fill level is looked at
 * every 32nd record of a CPU only: reading the positions the reader moves
 * costs a cache miss each time, and 32 records are a sliver of any ring. */
static __always_inline __u64 ring_flags(void* ring) {
  __u32 zero = 0;
  __u32* tick = bpf_map_lookup_elem(&ring_ticks, &zero);
  if (tick && (++*tick & 31)) return BPF_RB_NO_WAKEUP;
  return bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) > bpf_ringbuf_query(ring, BPF_RB_RING_SIZE) / 4
             ? BPF_RB_FORCE_WAKEUP
             : BPF_RB_NO_WAKEUP;
}

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} drops SEC(".maps");

/* The ids of the selected cgroups. User space puts in those that exist at
 * the start; the kernel adds each one made later as it is made, before any
 * process can enter it: a container not yet running at the start has no
 * cgroup yet, and one that restarts (crash-loops) gets a new cgroup, with a
 * new id, each time. User space sizes it when a filter is on. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1);
  __type(key, __u64);
  __type(value, __u8);
} filter_cgroups SEC(".maps");

static __always_inline bool in_filter_cgroup(void) {
  __u64 id = bpf_get_current_cgroup_id();
  return bpf_map_lookup_elem(&filter_cgroups, &id) != NULL;
}

/* Container runtimes end a container's cgroup name with its id, after a
 * prefix and a dash or alone: "docker-<id>.scope", "cri-containerd-<id>.scope",
 * "crio-<id>.scope", "<id>". Podman and CRI-O put the container's monitor
 * in "libpod-conmon-<id>.scope" / "crio-conmon-<id>.scope": not the
 * container (sysdig says so too). */
static __always_inline bool names_container(const char* kname) {
  char name[128] = {};
  long n = bpf_probe_read_kernel_str(name, sizeof(name), kname); /* counts the NUL */
  if (n <= 1) return false;
  /* Backwards to the last dash: one path through the loop, where a forward
   * scan remembering each dash is a path per dash for the verifier. */
  __u32 start = 0;
  for (int i = 2; i <= (int)sizeof(name); i++) {
    long j = n - i;
    if (j < 0) break;
    if (name[j & (sizeof(name) - 1)] == '-') {
      start = j + 1;
      break;
    }
  }
  if (start >= 7) {
    const char* m = "conmon";
    bool conmon = true;
    for (int i = 0; i < 6; i++)
      if (name[(start - 7 + i) & (sizeof(name) - 1)] != m[i]) conmon = false;
    if (conmon) return false;
  }
  for (int i = 0; i < 64; i++) {
    if (i >= filter_container_len) return true;
    if (name[(start + i) & (sizeof(name) - 1)] != filter_container[i]) return false;
  }
  return true;
}

static __always_inline bool is_filter_path(const char* kpath) {
  char path[STRATO_CGROUP_PATH_MAX] = {};
  if (bpf_probe_read_kernel_str(path, sizeof(path), kpath) <= 0) return false;
  for (int i = 0; i < STRATO_CGROUP_PATH_MAX; i++) {
    if (path[i] != filter_cgroup_path[i]) return false;
    if (!path[i]) return true;
  }
  return false;
}


static __always_inline bool traced(__u32 tgid) {
  if (tgid == self_tgid) return false;
  if (filter_cgroup_on && !in_filter_cgroup()) return false;
  if (filter_pid_on && !pid_marked(tgid)) return false;
  if (filter_comm_on) {
    char comm[16];
    bpf_get_current_comm(comm, sizeof(comm));
    for (int i = 0; i < 16; i++) {
      if (comm[i] != filter_comm[i]) return false;
      if (!comm[i]) break;
    }
  }
  return true;
}

#include "packets.bpf.h"

/* Records are built here and copied out at their used size. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct strato_event);
} event_scratch SEC(".maps");

static __always_inline struct strato_event* reserve(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&event_scratch, &zero);
}

static __always_inline __u64 part_end(__u64 end, __u64 off, __u64 len) {
  return len && off + len > end ? off + len : end;
}

static __always_inline void submit(struct strato_event* e) {
  __u64 end = STRATO_EVENT_HEADER_SIZE;
  end = part_end(end, __builtin_offsetof(struct strato_event, data), e->data_len);
  end = part_end(end, __builtin_offsetof(struct strato_event, addr), e->addr_len);
  end = part_end(end, __builtin_offsetof(struct strato_event, path), e->path_len);
  end = part_end(end, __builtin_offsetof(struct strato_event, path2), e->path2_len);
  end = part_end(end, __builtin_offsetof(struct strato_event, argv), e->argv_len);
  /* Bounds the register the helper gets (clang may test a copy). */
  asm volatile("%[n] &= 0xfff" : [n] "+r"(end));
  if (end > sizeof(*e)) end = sizeof(*e);
  if (end < STRATO_EVENT_HEADER_SIZE) end = STRATO_EVENT_HEADER_SIZE;
  void* ring = this_cpu_ring();
  if (!ring || bpf_ringbuf_output(ring, e, end, ring_flags(ring))) count_drop();
}

/* `btf`: `task` is a trusted BTF pointer (tp_btf) and can be read directly,
 * which is much cheaper than bpf_probe_read_kernel; raw_tp must probe. */
static __always_inline void fill_header(struct strato_event* e, __u32 kind, struct task_struct* task, bool btf) {
  __u64 pt = bpf_get_current_pid_tgid();
  e->kind = kind;
  e->ts = bpf_ktime_get_boot_ns();
  e->latency = 0;
  e->pid = pt >> 32;
  e->tid = (__u32)pt;
  e->ppid = btf ? task->real_parent->tgid : BPF_CORE_READ(task, real_parent, tgid);
  /* The kernel's uid is the initial namespace's, which the helper would
   * translate through the identity map. */
  e->uid = btf ? task->cred->uid.val : (__u32)bpf_get_current_uid_gid();
  e->cgroup_id = bpf_get_current_cgroup_id();
  e->cpu = bpf_get_smp_processor_id();
  e->path_len = e->path2_len = e->addr_len = e->data_len = e->argv_len = 0;
  e->tuple.family = 0;
  e->ret = 0;
  e->nr = 0;
  if (btf)
    __builtin_memcpy(e->comm, task->comm, sizeof(e->comm));
  else
    bpf_get_current_comm(e->comm, sizeof(e->comm));
}

/* The local and remote ends of the socket behind `fd`, if it is one. */
/* `only_proto`: stop early (family 0) unless the socket has this IPPROTO_*. */
static __always_inline struct sock* fd_tuple(struct task_struct* task, long fd, struct strato_tuple* t,
                                             __u8 only_proto) {
  t->family = 0;
  if (fd < 0) return NULL;
  struct fdtable* fdt = BPF_CORE_READ(task, files, fdt);
  unsigned int max = BPF_CORE_READ(fdt, max_fds);
  if ((unsigned long)fd >= max) return NULL;
  struct file** fds = BPF_CORE_READ(fdt, fd);
  struct file* f = NULL;
  bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
  if (!f) return NULL;
  umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
  if ((mode & 00170000) != 0140000) return NULL;
  struct socket* sock = BPF_CORE_READ(f, private_data);
  struct sock* sk = BPF_CORE_READ(sock, sk);
  if (!sk) return NULL;
  if (only_proto && BPF_CORE_READ(sk, sk_protocol) != only_proto) return NULL;
  __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
  if (family == 2) {
    __u32 s = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
    __u32 d = BPF_CORE_READ(sk, __sk_common.skc_daddr);
    __builtin_memcpy(t->saddr, &s, 4);
    __builtin_memcpy(t->daddr, &d, 4);
  } else if (family == 10) {
    BPF_CORE_READ_INTO(&t->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
    BPF_CORE_READ_INTO(&t->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
  } else if (family != 1) {
    return NULL;
  }
  t->family = family;
  t->proto = BPF_CORE_READ(sk, sk_protocol);
  t->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
  t->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
  return sk;
}

static __always_inline void read_exec_args(__u64 key, const char* filename, const char* const* argv) {
  __u32 zero = 0;
  struct exec_args* x = bpf_map_lookup_elem(&exec_scratch, &zero);
  if (!x) return;
  x->path[0] = 0;
  bpf_probe_read_user_str(x->path, sizeof(x->path), filename);
  __u32 off = 0;
  for (int i = 0; i < 32; i++) {
    const char* p = NULL;
    if (bpf_probe_read_user(&p, sizeof(p), &argv[i]) || !p) break;
    if (off > STRATO_ARGV_MAX - 256) break;
    long n = bpf_probe_read_user_str(&x->argv[off & (STRATO_ARGV_MAX - 1)], 256, p);
    if (n <= 0) break;
    off += n;
  }
  x->argv_len = off;
  bpf_map_update_elem(&execs, &key, x, BPF_ANY);
}

static __always_inline int on_enter(struct pt_regs* regs, long id, bool btf) {
  if (id < 0 || id >= STRATO_NR_MAX) return 0;
  __u32 nr = id;
  struct strato_decode_spec* spec = bpf_map_lookup_elem(&wanted, &nr);
  if (!spec || !spec->flags) return 0;
  __u64 pt = bpf_get_current_pid_tgid();
  /* Packet owners are learnt from every process; events only from traced ones. */
  bool emit = (spec->flags & STRATO_D_WANT) && traced(pt >> 32);
  if (!emit && (!(spec->flags & STRATO_D_OWNER) || (pt >> 32) == self_tgid)) return 0;
  /* tp_btf fills the task's slot in place (no copy through the stack). */
  struct enter_state local;
  struct enter_state* st = &local;
  if (btf) {
    st = bpf_task_storage_get(&task_enters, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (!st) return 0;
  }
  st->emit = emit;
  st->valid = 1;
  st->ts = bpf_ktime_get_boot_ns();
  st->nr = nr;
  if (btf) {
    st->args[0] = PT_REGS_PARM1_SYSCALL(regs);
    st->args[1] = PT_REGS_PARM2_SYSCALL(regs);
    st->args[2] = PT_REGS_PARM3_SYSCALL(regs);
    st->args[3] = PT_REGS_PARM4_SYSCALL(regs);
    st->args[4] = PT_REGS_PARM5_SYSCALL(regs);
#if defined(__TARGET_ARCH_x86)
    st->args[5] = regs->r9;
#elif defined(__TARGET_ARCH_arm64)
    st->args[5] = ((struct user_pt_regs*)regs)->regs[5];
#endif
  } else {
    st->args[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
    st->args[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
    st->args[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
    st->args[3] = PT_REGS_PARM4_CORE_SYSCALL(regs);
    st->args[4] = PT_REGS_PARM5_CORE_SYSCALL(regs);
#if defined(__TARGET_ARCH_x86)
    st->args[5] = BPF_CORE_READ(regs, r9);
#elif defined(__TARGET_ARCH_arm64)
    st->args[5] = BPF_CORE_READ((struct user_pt_regs*)regs, regs[5]);
#endif
  }
  if (emit && (spec->flags & STRATO_D_EXEC)) {
    read_exec_args(pt, (const char*)arg_at(st, spec->path_arg),
                   (const char* const*)arg_at(st, spec->path_arg + 1));
  }
  if (!btf) bpf_map_update_elem(&enters, &pt, st, BPF_ANY);
  return 0;
}

static __always_inline int on_exit(long ret, bool btf) {
  __u64 pt = bpf_get_current_pid_tgid();
  /* tp_btf reads the task's slot in place: nothing else writes it before
   * this task's next syscall. raw_tp copies the entry out of the hash map
   * before deleting it. */
  struct enter_state local;
  const struct enter_state* st = &local;
  if (btf) {
    struct enter_state* slot = bpf_task_storage_get(&task_enters, bpf_get_current_task_btf(), 0, 0);
    if (!slot || !slot->valid) return 0;
    slot->valid = 0;
    st = slot;
  } else {
    struct enter_state* stp = bpf_map_lookup_elem(&enters, &pt);
    if (!stp) return 0;
    local = *stp;
    bpf_map_delete_elem(&enters, &pt);
  }
  __u32 nr = st->nr;
  struct strato_decode_spec* specp = bpf_map_lookup_elem(&wanted, &nr);
  if (!specp) return 0;
  struct strato_decode_spec spec = *specp;
  struct task_struct* task = (struct task_struct*)bpf_get_current_task_btf();
  if ((spec.flags & STRATO_D_OWNER) && (ret >= 0 || ret == -115 /* EINPROGRESS */)) {
    struct strato_tuple t;
    if (spec.flags & STRATO_D_TUPLE_RET)
      fd_tuple(task, ret, &t, 0);
    else
      fd_tuple(task, (long)st->args[0], &t, 0);
    note_owner(&t);
  }
  if (!st->emit) return 0;
  struct strato_event* e = reserve();
  if (!e) {
    if (spec.flags & STRATO_D_EXEC) bpf_map_delete_elem(&execs, &pt);
    return 0;
  }
  fill_header(e, STRATO_SYSCALL, task, btf);
  e->nr = nr;
  e->ret = ret;
  e->latency = e->ts - st->ts;
  for (int i = 0; i < 6; i++) e->args[i] = st->args[i];

  if (spec.flags & STRATO_D_PATH) {
    long n = bpf_probe_read_user_str(e->path, sizeof(e->path), (const char*)arg_at(st, spec.path_arg));
    e->path_len = n > 0 ? n - 1 : 0;
  }
  if (spec.flags & STRATO_D_PATH2) {
    long n = bpf_probe_read_user_str(e->path2, sizeof(e->path2), (const char*)arg_at(st, spec.path2_arg));
    e->path2_len = n > 0 ? n - 1 : 0;
  }
  if (spec.flags & STRATO_D_SOCKADDR) {
    __u64 ptr = arg_at(st, spec.addr_arg), len = arg_at(st, spec.addr_arg + 1);
    if (len > STRATO_ADDR_MAX - 1) len = STRATO_ADDR_MAX - 1;
    len &= STRATO_ADDR_MAX - 1;
    if (ptr && !bpf_probe_read_user(e->addr, len, (const void*)ptr)) e->addr_len = len;
  }
  if (spec.flags & STRATO_D_TUPLE_ARG0) {
    struct sock* sk = fd_tuple(task, (long)st->args[0], &e->tuple, 0);
    __u64 key = (__u64)sk;
    if (sk && e->tuple.sport == 0) {
      struct reset_end* end = bpf_map_lookup_elem(&syn_ports, &key);
      if (end && end->family == e->tuple.family) {
        e->tuple.sport = end->port;
        __builtin_memcpy(e->tuple.saddr, end->addr, 16);
      }
    }
  }
  if (spec.flags & STRATO_D_TUPLE_RET) fd_tuple(task, ret, &e->tuple, 0);
  if ((spec.flags & STRATO_D_DATA) && ret > 0) {
    __u64 n = ret;
    if (n > snaplen) n = snaplen;
    if (n > STRATO_DATA_MAX - 1) n = STRATO_DATA_MAX - 1;
    n &= STRATO_DATA_MAX - 1;
    if (!bpf_probe_read_user(e->data, n, (const void*)st->args[1])) e->data_len = n;
  }
  /* A non-blocking connect's refusal arrives here (SO_ERROR), not at connect. */
  if ((spec.flags & STRATO_D_SOCKOPT) && ret == 0) {
    int len = 0;
    if (!bpf_probe_read_user(&len, sizeof(len), (const void*)st->args[4]) && len > 0) {
      __u64 n = len;
      if (n > snaplen) n = snaplen;
      if (n > STRATO_DATA_MAX - 1) n = STRATO_DATA_MAX - 1;
      n &= STRATO_DATA_MAX - 1;
      if (!bpf_probe_read_user(e->data, n, (const void*)st->args[3])) e->data_len = n;
    }
  }
  if (spec.flags & STRATO_D_EXEC) {
    struct exec_args* x = bpf_map_lookup_elem(&execs, &pt);
    if (x) {
      bpf_probe_read_kernel_str(e->path, sizeof(e->path), x->path);
      __u32 n = x->argv_len;
      if (n > STRATO_ARGV_MAX - 1) n = STRATO_ARGV_MAX - 1;
      n &= STRATO_ARGV_MAX - 1;
      bpf_probe_read_kernel(e->argv, n, x->argv);
      e->argv_len = n;
      e->path_len = 0;
      for (int i = 0; i < STRATO_STR_MAX; i++) {
        if (!e->path[i]) break;
        e->path_len = i + 1;
      }
      bpf_map_delete_elem(&execs, &pt);
    }
  }
  submit(e);
  return 0;
}

static __always_inline int on_exec(struct task_struct* p, struct linux_binprm* bprm) {
  __u64 pt = bpf_get_current_pid_tgid();
  if (!traced(pt >> 32)) return 0;
  struct strato_event* e = reserve();
  if (!e) return 0;
  fill_header(e, STRATO_SCHED_EXEC, p, false);
  const char* filename = BPF_CORE_READ(bprm, filename);
  long n = bpf_probe_read_kernel_str(e->path, sizeof(e->path), filename);
  e->path_len = n > 0 ? n - 1 : 0;
  unsigned long start = BPF_CORE_READ(p, mm, arg_start);
  unsigned long end = BPF_CORE_READ(p, mm, arg_end);
  __u64 len = end > start ? end - start : 0;
  if (len > STRATO_ARGV_MAX - 1) len = STRATO_ARGV_MAX - 1;
  len &= STRATO_ARGV_MAX - 1;
  if (!bpf_probe_read_user(e->argv, len, (const void*)start)) e->argv_len = len;
  submit(e);
  return 0;
}

static __always_inline int on_fork(struct task_struct* parent, struct task_struct* child) {
  __u32 child_pid = BPF_CORE_READ(child, pid), child_tgid = BPF_CORE_READ(child, tgid);
  if (child_pid != child_tgid) return 0; /* a new thread, not a process */
  __u32 parent_tgid = BPF_CORE_READ(parent, tgid);
  if (filter_pid_on && pid_marked(parent_tgid)) pid_mark(child_tgid, 1);
  if (!traced(parent_tgid)) return 0;
  struct strato_event* e = reserve();
  if (!e) return 0;
  fill_header(e, STRATO_SCHED_FORK, parent, false);
  /* The record describes the child; the parent is its ppid. */
  e->pid = child_tgid;
  e->tid = child_pid;
  e->ppid = parent_tgid;
  BPF_CORE_READ_STR_INTO(&e->comm, child, comm);
  submit(e);
  return 0;
}

static __always_inline int on_process_exit(struct task_struct* p) {
  __u64 pt = bpf_get_current_pid_tgid();
  /* exit/exit_group never return: forget their enter state here. */
  bpf_map_delete_elem(&enters, &pt);
  __u32 pid = BPF_CORE_READ(p, pid), tgid = BPF_CORE_READ(p, tgid);
  if (pid != tgid) return 0;
  bool keep = traced(tgid);
  if (filter_pid_on) pid_mark(tgid, 0);
  if (!keep) return 0;
  struct strato_event* e = reserve();
  if (!e) return 0;
  fill_header(e, STRATO_SCHED_EXIT, p, false);
  e->ret = BPF_CORE_READ(p, exit_code);
  submit(e);
  return 0;
}

static __always_inline int on_cgroup_mkdir(struct cgroup* cg, const char* path) {
  if (BPF_CORE_READ(cg, root, hierarchy_id) != 0) return 0; /* 0: the v2 hierarchy */
  /* Its name, for user space to name the cgroup's records by once it is gone. */
  struct strato_event* e = reserve();
  if (e) {
    fill_header(e, STRATO_CGROUP_MKDIR, (struct task_struct*)bpf_get_current_task_btf(), false);
    e->cgroup_id = BPF_CORE_READ(cg, kn, id);
    long n = bpf_probe_read_kernel_str(e->path, sizeof(e->path), path);
    e->path_len = n > 0 ? n - 1 : 0;
    submit(e);
  }
  if (!filter_cgroup_on) return 0;
  __u64 parent = BPF_CORE_READ(cg, self.parent, cgroup, kn, id);
  bool match = bpf_map_lookup_elem(&filter_cgroups, &parent) != NULL;
  if (!match && filter_container_len) match = names_container(BPF_CORE_READ(cg, kn, name));
  if (!match && !filter_container_len) match = is_filter_path(path);
  if (!match) return 0;
  __u64 id = BPF_CORE_READ(cg, kn, id);
  __u8 one = 1;
  bpf_map_update_elem(&filter_cgroups, &id, &one, BPF_ANY);
  return 0;
}

static __always_inline int on_cgroup_rmdir(struct cgroup* cg) {
  if (!filter_cgroup_on || BPF_CORE_READ(cg, root, hierarchy_id) != 0) return 0;
  __u64 id = BPF_CORE_READ(cg, kn, id);
  bpf_map_delete_elem(&filter_cgroups, &id);
  return 0;
}

static __always_inline int on_reset(const struct sock* sk) {
  __u64 key = (__u64)sk;
  struct reset_end end = {};
  end.port = BPF_CORE_READ(sk, __sk_common.skc_num);
  if (!end.port) return 0;
  end.family = BPF_CORE_READ(sk, __sk_common.skc_family);
  if (end.family == 2) {
    __u32 a = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
    __builtin_memcpy(end.addr, &a, 4);
  } else if (end.family == 10) {
    BPF_CORE_READ_INTO(&end.addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
  }
  bpf_map_update_elem(&syn_ports, &key, &end, BPF_ANY);
  return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(btf_sys_enter, struct pt_regs* regs, long id) { return on_enter(regs, id, true); }
SEC("tp_btf/sys_exit")
int BPF_PROG(btf_sys_exit, struct pt_regs* regs, long ret) { return on_exit(ret, true); }
SEC("tp_btf/sched_process_exec")
int BPF_PROG(btf_exec, struct task_struct* p, pid_t old_pid, struct linux_binprm* bprm) { return on_exec(p, bprm); }
SEC("tp_btf/sched_process_fork")
int BPF_PROG(btf_fork, struct task_struct* parent, struct task_struct* child) { return on_fork(parent, child); }
SEC("tp_btf/sched_process_exit")
int BPF_PROG(btf_exit, struct task_struct* p) { return on_process_exit(p); }

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(btf_cgroup_mkdir, struct cgroup* cg, const char* path) { return on_cgroup_mkdir(cg, path); }
SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(btf_cgroup_rmdir, struct cgroup* cg, const char* path) { return on_cgroup_rmdir(cg); }

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(btf_reset, struct sock* sk) { return on_reset(sk); }

SEC("raw_tp/sys_enter")
int BPF_PROG(raw_sys_enter, struct pt_regs* regs, long id) { return on_enter(regs, id, false); }
SEC("raw_tp/sys_exit")
int BPF_PROG(raw_sys_exit, struct pt_regs* regs, long ret) { return on_exit(ret, false); }
SEC("raw_tp/sched_process_exec")
int BPF_PROG(raw_exec, struct task_struct* p, pid_t old_pid, struct linux_binprm* bprm) { return on_exec(p, bprm); }
SEC("raw_tp/sched_process_fork")
int BPF_PROG(raw_fork, struct task_struct* parent, struct task_struct* child) { return on_fork(parent, child); }
SEC("raw_tp/sched_process_exit")
int BPF_PROG(raw_exit, struct task_struct* p) { return on_process_exit(p); }
SEC("raw_tp/cgroup_mkdir")
int BPF_PROG(raw_cgroup_mkdir, struct cgroup* cg, const char* path) { return on_cgroup_mkdir(cg, path); }
SEC("raw_tp/cgroup_rmdir")
int BPF_PROG(raw_cgroup_rmdir, struct cgroup* cg, const char* path) { return on_cgroup_rmdir(cg); }
SEC("raw_tp/tcp_receive_reset")
int BPF_PROG(raw_reset, struct sock* sk) { return on_reset(sk); }

/* Packets only: the flows' owners are learnt from the few socket calls that
 * name them, on their own syscall tracepoints, so the traced host's other
 * syscalls (a busy server's reads, writes and epolls) pay nothing. The
 * per-syscall tracepoint records: common header, syscall nr, then the
 * arguments (enter) or the result (exit). */
struct sc_enter_ctx {
  __u64 common;
  __s32 nr;
  __u32 _pad;
  __u64 args[6];
};
struct sc_exit_ctx {
  __u64 common;
  __s32 nr;
  __u32 _pad;
  __s64 ret;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16384);
  __type(key, __u64);
  __type(value, __s64);
} owner_fds SEC(".maps");

/* Receives: the socket is bound already, so learn at enter (one program, no
 * map); only UDP needs it, TCP flows are known from connect/listen/accept. */
static __always_inline int owner_recv_enter(const struct sc_enter_ctx* ctx) {
  if ((bpf_get_current_pid_tgid() >> 32) == self_tgid) return 0;
  struct strato_tuple t;
  if (fd_tuple((struct task_struct*)bpf_get_current_task_btf(), (int)ctx->args[0], &t, 17)) note_owner(&t);
  return 0;
}

static __always_inline int owner_enter(const struct sc_enter_ctx* ctx) {
  __u64 pt = bpf_get_current_pid_tgid();
  if ((pt >> 32) == self_tgid) return 0;
  __s64 fd = (int)ctx->args[0];
  bpf_map_update_elem(&owner_fds, &pt, &fd, BPF_ANY);
  return 0;
}

static __always_inline int owner_exit(const struct sc_exit_ctx* ctx, bool ret_is_fd, __u8 only_proto) {
  __u64 pt = bpf_get_current_pid_tgid();
  long fd;
  if (ret_is_fd) {
    if ((pt >> 32) == self_tgid || ctx->ret < 0) return 0;
    fd = ctx->ret;
  } else {
    __s64* p = bpf_map_lookup_elem(&owner_fds, &pt);
    if (!p) return 0;
    fd = *p;
    bpf_map_delete_elem(&owner_fds, &pt);
    if (ctx->ret < 0 && ctx->ret != -115 /* EINPROGRESS */) return 0;
  }
  struct strato_tuple t;
  if (fd_tuple((struct task_struct*)bpf_get_current_task_btf(), fd, &t, only_proto)) note_owner(&t);
  return 0;
}

SEC("tp/syscalls/sys_enter_connect")
int own_enter_connect(struct sc_enter_ctx* ctx) { return owner_enter(ctx); }
SEC("tp/syscalls/sys_enter_sendto")
int own_enter_sendto(struct sc_enter_ctx* ctx) { return owner_enter(ctx); }
SEC("tp/syscalls/sys_enter_sendmsg")
int own_enter_sendmsg(struct sc_enter_ctx* ctx) { return owner_enter(ctx); }
SEC("tp/syscalls/sys_enter_recvfrom")
int own_enter_recvfrom(struct sc_enter_ctx* ctx) { return owner_recv_enter(ctx); }
SEC("tp/syscalls/sys_enter_recvmsg")
int own_enter_recvmsg(struct sc_enter_ctx* ctx) { return owner_recv_enter(ctx); }
/* Sends may bind the port inside the call: learn at exit (UDP only, as above). */
SEC("tp/syscalls/sys_exit_connect")
int own_exit_connect(struct sc_exit_ctx* ctx) { return owner_exit(ctx, false, 0); }
SEC("tp/syscalls/sys_exit_sendto")
int own_exit_sendto(struct sc_exit_ctx* ctx) { return owner_exit(ctx, false, 17); }
SEC("tp/syscalls/sys_exit_sendmsg")
int own_exit_sendmsg(struct sc_exit_ctx* ctx) { return owner_exit(ctx, false, 17); }
SEC("tp/syscalls/sys_exit_accept")
int own_exit_accept(struct sc_exit_ctx* ctx) { return owner_exit(ctx, true, 0); }
SEC("tp/syscalls/sys_exit_accept4")
int own_exit_accept4(struct sc_exit_ctx* ctx) { return owner_exit(ctx, true, 0); }
