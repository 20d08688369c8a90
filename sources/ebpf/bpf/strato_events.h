/* The record the BPF programs put in the ring buffer, shared by the BPF C
 * code and the user-space reader. Fixed-size buffers keep the verifier
 * happy; user space converts each record to a scap event and drops the
 * unused space. */
#ifndef STRATO_EBPF_EVENTS_H
#define STRATO_EBPF_EVENTS_H

#define STRATO_STR_MAX 256
#define STRATO_ADDR_MAX 128
#define STRATO_DATA_MAX 256
#define STRATO_ARGV_MAX 1024
#define STRATO_NR_MAX 512
#define STRATO_CGROUP_PATH_MAX 256 /* --cgroup paths the kernel side compares */

/* What a record describes. */
enum strato_kind {
  STRATO_SYSCALL = 0,
  STRATO_SCHED_EXEC = 1,
  STRATO_SCHED_FORK = 2,
  STRATO_SCHED_EXIT = 3,
  STRATO_PACKET = 4,
  STRATO_CGROUP_MKDIR = 5, /* cgroup_id: the new cgroup v2's id; path: its path below the root */
};

/* Per-syscall decoding, set by user space in the `wanted` map (index: the
 * syscall number): a syscall with flags == 0 is not captured. */
enum strato_decode {
  STRATO_D_WANT = 1 << 0,
  STRATO_D_PATH = 1 << 1,     /* string at args[path_arg] */
  STRATO_D_PATH2 = 1 << 2,    /* string at args[path2_arg] */
  STRATO_D_SOCKADDR = 1 << 3, /* sockaddr at args[addr_arg], length args[addr_arg+1] */
  STRATO_D_TUPLE_ARG0 = 1 << 4, /* socket tuple of the fd in args[0] */
  STRATO_D_TUPLE_RET = 1 << 5,  /* socket tuple of the returned fd */
  STRATO_D_DATA = 1 << 6,     /* min(ret, snaplen) bytes at args[1] */
  STRATO_D_EXEC = 1 << 7,     /* filename args[path_arg] and argv args[path_arg+1], read at enter */
  STRATO_D_OWNER = 1 << 8,    /* note the calling process as owner of the socket's flow */
  STRATO_D_SOCKOPT = 1 << 9,  /* getsockopt: min(*args[4], snaplen) bytes at args[3] */
};

struct strato_decode_spec {
  unsigned short flags;
  unsigned char path_arg, path2_arg, addr_arg, _pad[3];
};

struct strato_tuple {
  unsigned char family; /* 0: none, 2: inet, 10: inet6, 1: unix */
  unsigned char proto;  /* IPPROTO_* */
  unsigned short sport, dport; /* host order */
  unsigned char saddr[16], daddr[16];
};

struct strato_event {
  unsigned long long ts;      /* CLOCK_BOOTTIME ns at exit */
  unsigned long long latency; /* exit - enter, ns */
  unsigned int kind, nr;      /* strato_kind, syscall number */
  unsigned int pid, tid, ppid, uid;
  unsigned long long cgroup_id;
  long long ret;
  unsigned long long args[6];
  unsigned int cpu;
  unsigned short path_len, path2_len, addr_len, data_len, argv_len, _pad;
  struct strato_tuple tuple;
  char comm[16];
  /* Variable parts, the most common first: a record is sent only up to the
   * end of the last part in use (a read with 80 bytes of data is ~220
   * bytes, not the 2 KB of the whole struct). */
  unsigned char data[STRATO_DATA_MAX];
  unsigned char addr[STRATO_ADDR_MAX];
  char path[STRATO_STR_MAX];
  char path2[STRATO_STR_MAX];
  char argv[STRATO_ARGV_MAX]; /* NUL-separated */
};

#define STRATO_EVENT_HEADER_SIZE __builtin_offsetof(struct strato_event, data)

/* Who owns a flow: the process that last made a socket call on it. */
#define STRATO_OWNER_IN_CGROUP 1 /* inside the --cgroup/--container filter's cgroup */
#define STRATO_OWNER_FLOW_KNOWN 2 /* kernel only: this TCP socket's flow is in flow_owners */
struct strato_owner {
  unsigned int tgid, tid, uid, flags;
  unsigned long long cgroup_id;
  char comm[16];
};

/* A flow as seen from the local socket. Addresses are 16 bytes, IPv4 ones
 * IPv4-mapped (::ffff:a.b.c.d) so dual-stack sockets match either way; a
 * listening or unconnected socket has an all-zero remote end. */
struct strato_flow_key {
  unsigned char proto, _pad;
  unsigned short lport, rport, _pad2; /* host order */
  unsigned char laddr[16], raddr[16];
};

#define STRATO_PKT_MAX 65535

/* A packet seen on a TC hook. `kind` sits where strato_event has it, so the
 * reader can tell records apart; the bytes follow the header. */
struct strato_packet {
  unsigned long long ts; /* CLOCK_BOOTTIME ns */
  unsigned long long _reserved;
  unsigned int kind; /* STRATO_PACKET */
  unsigned int ifindex;
  unsigned int len, caplen;
  unsigned char egress, owned;
  unsigned short protocol; /* skb->protocol, network order */
  unsigned int _pad;
  struct strato_owner owner;
};

#endif
