// Falcosecurity's event table as sysdig 0.29 knows it (ids 0..335): names,
// parameter names and encodings, and the ppm_sc names of generic events'
// ID parameter. Generated from the tables of the installed libscap (Debian's
// sysdig 0.29) so that strato numbers, names and decodes .scap events as
// that sysdig does; event ids and ppm_sc codes are append-only upstream.
// Parameter codes: E errno, F fd, P pid, S string/path, B bytes, A sockaddr,
// T socket tuple, X flags, q signed, Q unsigned (any width), i signed 32.
#include "syscall_event_table.h"

namespace strato::scap::detail {

const RawEvent kRawEvents[] = {
    {"syscall", "ID:Q nativeID:Q", 0},  // 0
    {"syscall", "ID:Q", 0},  // 1
    {"open", "name:S flags:X mode:Q", 4},  // 2
    {"open", "fd:F name:S flags:X mode:Q dev:Q", 4},  // 3
    {"close", "fd:F", 4},  // 4
    {"close", "res:E", 4},  // 5
    {"read", "fd:F size:Q", 4},  // 6
    {"read", "res:E data:B", 4},  // 7
    {"write", "fd:F size:Q", 4},  // 8
    {"write", "res:E data:B", 4},  // 9
    {"brk", "size:Q", 0},  // 10
    {"brk", "res:Q", 0},  // 11
    {"execve", "", 0},  // 12
    {"execve", "res:E exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:Q", 0},  // 13
    {"clone", "", 0},  // 14
    {"clone", "res:P exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:q flags:X uid:Q gid:Q", 0},  // 15
    {"procexit", "", 0},  // 16
    {"NA1", "", 2},  // 17
    {"socket", "domain:X type:Q proto:Q", 4},  // 18
    {"socket", "fd:F", 4},  // 19
    {"bind", "fd:F", 4},  // 20
    {"bind", "res:E addr:A", 4},  // 21
    {"connect", "fd:F addr:A", 4},  // 22
    {"connect", "res:E tuple:T", 4},  // 23
    {"listen", "fd:F backlog:Q", 4},  // 24
    {"listen", "res:E", 4},  // 25
    {"accept", "", 4},  // 26
    {"accept", "fd:F tuple:T queuepct:Q", 4},  // 27
    {"send", "fd:F size:Q", 4},  // 28
    {"send", "res:E data:B", 4},  // 29
    {"sendto", "fd:F size:Q tuple:T", 4},  // 30
    {"sendto", "res:E data:B", 4},  // 31
    {"recv", "fd:F size:Q", 4},  // 32
    {"recv", "res:E data:B", 4},  // 33
    {"recvfrom", "fd:F size:Q", 4},  // 34
    {"recvfrom", "res:E data:B tuple:T", 4},  // 35
    {"shutdown", "fd:F how:X", 4},  // 36
    {"shutdown", "res:E", 4},  // 37
    {"getsockname", "", 0},  // 38
    {"getsockname", "", 0},  // 39
    {"getpeername", "", 0},  // 40
    {"getpeername", "", 0},  // 41
    {"socketpair", "domain:X type:Q proto:Q", 4},  // 42
    {"socketpair", "res:E fd1:F fd2:F source:Q peer:Q", 4},  // 43
    {"setsockopt", "", 0},  // 44
    {"setsockopt", "res:E fd:F level:X optname:X val:B optlen:Q", 4},  // 45
    {"getsockopt", "", 0},  // 46
    {"getsockopt", "res:E fd:F level:X optname:X val:B optlen:Q", 4},  // 47
    {"sendmsg", "fd:F size:Q tuple:T", 4},  // 48
    {"sendmsg", "res:E data:B", 4},  // 49
    {"sendmmsg", "", 0},  // 50
    {"sendmmsg", "", 0},  // 51
    {"recvmsg", "fd:F", 4},  // 52
    {"recvmsg", "res:E size:Q data:B tuple:T", 4},  // 53
    {"recvmmsg", "", 0},  // 54
    {"recvmmsg", "", 0},  // 55
    {"accept", "flags:i", 4},  // 56
    {"accept", "fd:F tuple:T queuepct:Q", 4},  // 57
    {"creat", "name:S mode:Q", 4},  // 58
    {"creat", "fd:F name:S mode:Q dev:Q", 4},  // 59
    {"pipe", "", 4},  // 60
    {"pipe", "res:E fd1:F fd2:F ino:Q", 4},  // 61
    {"eventfd", "initval:Q flags:X", 4},  // 62
    {"eventfd", "res:F", 4},  // 63
    {"futex", "addr:Q op:X val:Q", 0},  // 64
    {"futex", "res:E", 0},  // 65
    {"stat", "", 0},  // 66
    {"stat", "res:E path:S", 0},  // 67
    {"lstat", "", 0},  // 68
    {"lstat", "res:E path:S", 0},  // 69
    {"fstat", "fd:F", 4},  // 70
    {"fstat", "res:E", 4},  // 71
    {"stat64", "", 0},  // 72
    {"stat64", "res:E path:S", 0},  // 73
    {"lstat64", "", 0},  // 74
    {"lstat64", "res:E path:S", 0},  // 75
    {"fstat64", "fd:F", 4},  // 76
    {"fstat64", "res:E", 4},  // 77
    {"epoll_wait", "maxevents:E", 0},  // 78
    {"epoll_wait", "res:E", 0},  // 79
    {"poll", "fds:B timeout:q", 0},  // 80
    {"poll", "res:E fds:B", 0},  // 81
    {"select", "", 0},  // 82
    {"select", "res:E", 0},  // 83
    {"select", "", 0},  // 84
    {"select", "res:E", 0},  // 85
    {"lseek", "fd:F offset:Q whence:X", 4},  // 86
    {"lseek", "res:E", 4},  // 87
    {"llseek", "fd:F offset:Q whence:X", 4},  // 88
    {"llseek", "res:E", 4},  // 89
    {"ioctl", "fd:F request:Q", 4},  // 90
    {"ioctl", "res:E", 4},  // 91
    {"getcwd", "", 0},  // 92
    {"getcwd", "res:E path:S", 0},  // 93
    {"chdir", "", 0},  // 94
    {"chdir", "res:E path:S", 0},  // 95
    {"fchdir", "fd:F", 4},  // 96
    {"fchdir", "res:E", 4},  // 97
    {"mkdir", "path:S mode:Q", 0},  // 98
    {"mkdir", "res:E", 0},  // 99
    {"rmdir", "path:S", 0},  // 100
    {"rmdir", "res:E", 0},  // 101
    {"openat", "dirfd:F name:S flags:X mode:Q", 4},  // 102
    {"openat", "fd:F", 4},  // 103
    {"link", "oldpath:S newpath:S", 0},  // 104
    {"link", "res:E", 0},  // 105
    {"linkat", "olddir:F oldpath:S newdir:F newpath:S", 0},  // 106
    {"linkat", "res:E", 0},  // 107
    {"unlink", "path:S", 0},  // 108
    {"unlink", "res:E", 0},  // 109
    {"unlinkat", "dirfd:F name:S", 0},  // 110
    {"unlinkat", "res:E", 0},  // 111
    {"pread", "fd:F size:Q pos:Q", 4},  // 112
    {"pread", "res:E data:B", 4},  // 113
    {"pwrite", "fd:F size:Q pos:Q", 4},  // 114
    {"pwrite", "res:E data:B", 4},  // 115
    {"readv", "fd:F", 4},  // 116
    {"readv", "res:E size:Q data:B", 4},  // 117
    {"writev", "fd:F size:Q", 4},  // 118
    {"writev", "res:E data:B", 4},  // 119
    {"preadv", "fd:F pos:Q", 4},  // 120
    {"preadv", "res:E size:Q data:B", 4},  // 121
    {"pwritev", "fd:F size:Q pos:Q", 4},  // 122
    {"pwritev", "res:E data:B", 4},  // 123
    {"dup", "fd:F", 4},  // 124
    {"dup", "res:F", 4},  // 125
    {"signalfd", "fd:F mask:Q flags:X", 4},  // 126
    {"signalfd", "res:F", 4},  // 127
    {"kill", "pid:P sig:Q", 0},  // 128
    {"kill", "res:E", 0},  // 129
    {"tkill", "tid:P sig:Q", 0},  // 130
    {"tkill", "res:E", 0},  // 131
    {"tgkill", "pid:P tid:P sig:Q", 0},  // 132
    {"tgkill", "res:E", 0},  // 133
    {"nanosleep", "interval:Q", 0},  // 134
    {"nanosleep", "res:E", 0},  // 135
    {"timerfd_create", "clockid:Q flags:X", 4},  // 136
    {"timerfd_create", "res:F", 4},  // 137
    {"inotify_init", "flags:X", 4},  // 138
    {"inotify_init", "res:F", 4},  // 139
    {"getrlimit", "resource:X", 0},  // 140
    {"getrlimit", "res:E cur:q max:q", 0},  // 141
    {"setrlimit", "resource:X", 0},  // 142
    {"setrlimit", "res:E cur:q max:q", 0},  // 143
    {"prlimit", "pid:P resource:X", 0},  // 144
    {"prlimit", "res:E newcur:q newmax:q oldcur:q oldmax:q", 0},  // 145
    {"switch", "next:P", 0},  // 146
    {"NA2", "", 2},  // 147
    {"drop", "ratio:Q", 1},  // 148
    {"drop", "ratio:Q", 1},  // 149
    {"fcntl", "fd:F cmd:X", 4},  // 150
    {"fcntl", "res:F", 4},  // 151
    {"switch", "next:P pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q", 0},  // 152
    {"NA2", "", 2},  // 153
    {"execve", "", 0},  // 154
    {"execve", "res:E exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:Q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q", 0},  // 155
    {"clone", "", 0},  // 156
    {"clone", "res:P exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q flags:X uid:Q gid:Q", 0},  // 157
    {"brk", "addr:Q", 0},  // 158
    {"brk", "res:Q vm_size:Q vm_rss:Q vm_swap:Q", 0},  // 159
    {"mmap", "addr:Q length:Q prot:X flags:X fd:F offset:Q", 0},  // 160
    {"mmap", "res:Q vm_size:Q vm_rss:Q vm_swap:Q", 0},  // 161
    {"mmap2", "addr:Q length:Q prot:X flags:X fd:F pgoffset:Q", 0},  // 162
    {"mmap2", "res:Q vm_size:Q vm_rss:Q vm_swap:Q", 0},  // 163
    {"munmap", "addr:Q length:Q", 0},  // 164
    {"munmap", "res:E vm_size:Q vm_rss:Q vm_swap:Q", 0},  // 165
    {"splice", "fd_in:F fd_out:F size:Q flags:X", 4},  // 166
    {"splice", "res:E", 4},  // 167
    {"ptrace", "request:X pid:P", 0},  // 168
    {"ptrace", "res:E addr:B data:B", 0},  // 169
    {"ioctl", "fd:F request:Q argument:Q", 4},  // 170
    {"ioctl", "res:E", 4},  // 171
    {"execve", "", 0},  // 172
    {"execve", "res:E exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:Q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q env:B", 0},  // 173
    {"rename", "", 0},  // 174
    {"rename", "res:E oldpath:S newpath:S", 0},  // 175
    {"renameat", "", 0},  // 176
    {"renameat", "res:E olddirfd:F oldpath:S newdirfd:F newpath:S", 0},  // 177
    {"symlink", "", 0},  // 178
    {"symlink", "res:E target:S linkpath:S", 0},  // 179
    {"symlinkat", "", 0},  // 180
    {"symlinkat", "res:E target:S linkdirfd:F linkpath:S", 0},  // 181
    {"fork", "", 0},  // 182
    {"fork", "res:P exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q flags:X uid:Q gid:Q", 0},  // 183
    {"vfork", "", 0},  // 184
    {"vfork", "res:P exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q flags:X uid:Q gid:Q", 0},  // 185
    {"procexit", "status:E ret:E sig:Q core:Q", 0},  // 186
    {"NA1", "", 2},  // 187
    {"sendfile", "out_fd:F in_fd:F offset:Q size:Q", 4},  // 188
    {"sendfile", "res:E offset:Q", 4},  // 189
    {"quotactl", "cmd:X type:X id:Q quota_fmt:X", 0},  // 190
    {"quotactl", "res:E special:S quotafilepath:S dqb_bhardlimit:Q dqb_bsoftlimit:Q dqb_curspace:Q dqb_ihardlimit:Q dqb_isoftlimit:Q dqb_btime:Q dqb_itime:Q dqi_bgrace:Q dqi_igrace:Q dqi_flags:X quota_fmt_out:X", 0},  // 191
    {"setresuid", "ruid:Q euid:Q suid:Q", 0},  // 192
    {"setresuid", "res:E", 0},  // 193
    {"setresgid", "rgid:Q egid:Q sgid:Q", 0},  // 194
    {"setresgid", "res:E", 0},  // 195
    {"sysdigevent", "event_type:Q event_data:Q", 1},  // 196
    {"sysdigevent", "", 3},  // 197
    {"setuid", "uid:Q", 0},  // 198
    {"setuid", "res:E", 0},  // 199
    {"setgid", "gid:Q", 0},  // 200
    {"setgid", "res:E", 0},  // 201
    {"getuid", "", 0},  // 202
    {"getuid", "uid:Q", 0},  // 203
    {"geteuid", "", 0},  // 204
    {"geteuid", "euid:Q", 0},  // 205
    {"getgid", "", 0},  // 206
    {"getgid", "gid:Q", 0},  // 207
    {"getegid", "", 0},  // 208
    {"getegid", "egid:Q", 0},  // 209
    {"getresuid", "", 0},  // 210
    {"getresuid", "res:E ruid:Q euid:Q suid:Q", 0},  // 211
    {"getresgid", "", 0},  // 212
    {"getresgid", "res:E rgid:Q egid:Q sgid:Q", 0},  // 213
    {"execve", "", 0},  // 214
    {"execve", "res:E exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:Q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S env:B", 0},  // 215
    {"clone", "", 0},  // 216
    {"clone", "res:P exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S flags:X uid:Q gid:Q", 0},  // 217
    {"fork", "", 0},  // 218
    {"fork", "res:P exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S flags:X uid:Q gid:Q", 0},  // 219
    {"vfork", "", 0},  // 220
    {"vfork", "res:P exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S flags:X uid:Q gid:Q", 0},  // 221
    {"clone", "", 0},  // 222
    {"clone", "res:P exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S cgroups:B flags:X uid:Q gid:Q vtid:P vpid:P", 0},  // 223
    {"fork", "", 0},  // 224
    {"fork", "res:P exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S cgroups:B flags:X uid:Q gid:Q vtid:P vpid:P", 0},  // 225
    {"vfork", "", 0},  // 226
    {"vfork", "res:P exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S cgroups:B flags:X uid:Q gid:Q vtid:P vpid:P", 0},  // 227
    {"container", "id:S type:Q name:S image:S", 1},  // 228
    {"container", "", 3},  // 229
    {"execve", "", 0},  // 230
    {"execve", "res:E exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:Q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S cgroups:B env:B", 0},  // 231
    {"signaldeliver", "spid:P dpid:P sig:Q", 0},  // 232
    {"signaldeliver", "", 2},  // 233
    {"procinfo", "cpu_usr:Q cpu_sys:Q", 1},  // 234
    {"NA2", "", 3},  // 235
    {"getdents", "fd:F", 4},  // 236
    {"getdents", "res:E", 4},  // 237
    {"getdents64", "fd:F", 4},  // 238
    {"getdents64", "res:E", 4},  // 239
    {"setns", "fd:F nstype:X", 4},  // 240
    {"setns", "res:E", 4},  // 241
    {"flock", "fd:F operation:X", 4},  // 242
    {"flock", "res:E", 4},  // 243
    {"cpu_hotplug", "cpu:Q action:Q", 0},  // 244
    {"NA2", "", 2},  // 245
    {"accept", "", 4},  // 246
    {"accept", "fd:F tuple:T queuepct:Q queuelen:Q queuemax:Q", 4},  // 247
    {"accept", "flags:i", 4},  // 248
    {"accept", "fd:F tuple:T queuepct:Q queuelen:Q queuemax:Q", 4},  // 249
    {"semop", "semid:i", 0},  // 250
    {"semop", "res:E nsops:Q sem_num_0:Q sem_op_0:i sem_flg_0:X sem_num_1:Q sem_op_1:i sem_flg_1:X", 0},  // 251
    {"semctl", "semid:i semnum:i cmd:X val:i", 0},  // 252
    {"semctl", "res:E", 0},  // 253
    {"ppoll", "fds:B timeout:Q sigmask:Q", 0},  // 254
    {"ppoll", "res:E fds:B", 0},  // 255
    {"mount", "flags:X", 0},  // 256
    {"mount", "res:E dev:S dir:S type:S", 0},  // 257
    {"umount", "flags:X", 0},  // 258
    {"umount", "res:E name:S", 0},  // 259
    {"k8s", "json:S", 1},  // 260
    {"NA3", "", 2},  // 261
    {"semget", "key:i nsems:i semflg:X", 0},  // 262
    {"semget", "res:E", 0},  // 263
    {"access", "mode:X", 0},  // 264
    {"access", "res:E name:S", 0},  // 265
    {"chroot", "", 0},  // 266
    {"chroot", "res:E path:S", 0},  // 267
    {"tracer", "id:q tags:B args:B", 0},  // 268
    {"tracer", "id:q tags:B args:B", 0},  // 269
    {"mesos", "json:S", 1},  // 270
    {"NA4", "", 2},  // 271
    {"container", "json:S", 0},  // 272
    {"container", "", 2},  // 273
    {"setsid", "", 0},  // 274
    {"setsid", "res:P", 0},  // 275
    {"mkdir", "mode:Q", 0},  // 276
    {"mkdir", "res:E path:S", 0},  // 277
    {"rmdir", "", 0},  // 278
    {"rmdir", "res:E path:S", 0},  // 279
    {"notification", "id:S desc:S", 0},  // 280
    {"NA4", "", 2},  // 281
    {"execve", "", 0},  // 282
    {"execve", "res:E exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:Q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S cgroups:B env:B tty:i", 0},  // 283
    {"unshare", "flags:X", 0},  // 284
    {"unshare", "res:E", 0},  // 285
    {"infra", "source:S name:S description:S scope:S", 1},  // 286
    {"NA4", "", 2},  // 287
    {"execve", "filename:S", 0},  // 288
    {"execve", "res:E exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:Q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S cgroups:B env:B tty:i", 0},  // 289
    {"page_fault", "addr:Q ip:Q error:X", 0},  // 290
    {"NA5", "", 2},  // 291
    {"execve", "filename:S", 0},  // 292
    {"execve", "res:E exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:Q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S cgroups:B env:B tty:i pgid:P loginuid:i flags:X", 0},  // 293
    {"setpgid", "pid:P pgid:P", 0},  // 294
    {"setpgid", "res:P", 0},  // 295
    {"bpf", "cmd:q", 4},  // 296
    {"bpf", "res_or_fd:B", 4},  // 297
    {"seccomp", "op:Q", 0},  // 298
    {"seccomp", "res:E", 0},  // 299
    {"unlink", "", 0},  // 300
    {"unlink", "res:E path:S", 0},  // 301
    {"unlinkat", "", 0},  // 302
    {"unlinkat", "res:E dirfd:F name:S flags:X", 0},  // 303
    {"mkdirat", "", 0},  // 304
    {"mkdirat", "res:E dirfd:F path:S mode:Q", 0},  // 305
    {"openat", "dirfd:F name:S flags:X mode:Q", 4},  // 306
    {"openat", "fd:F dirfd:F name:S flags:X mode:Q dev:Q", 4},  // 307
    {"link", "", 0},  // 308
    {"link", "res:E oldpath:S newpath:S", 0},  // 309
    {"linkat", "", 0},  // 310
    {"linkat", "res:E olddir:F oldpath:S newdir:F newpath:S flags:X", 0},  // 311
    {"fchmodat", "", 0},  // 312
    {"fchmodat", "res:E dirfd:F filename:S mode:X", 0},  // 313
    {"chmod", "", 0},  // 314
    {"chmod", "res:E filename:S mode:X", 0},  // 315
    {"fchmod", "", 0},  // 316
    {"fchmod", "res:E fd:F mode:X", 0},  // 317
    {"renameat2", "", 0},  // 318
    {"renameat2", "res:E olddirfd:F oldpath:S newdirfd:F newpath:S flags:X", 0},  // 319
    {"userfaultfd", "", 4},  // 320
    {"userfaultfd", "res:E flags:X", 4},  // 321
    {"pluginevent", "plugin ID:Q event_data:B", 0},  // 322
    {"pluginevent", "", 2},  // 323
    {"container", "json:S", 0},  // 324
    {"container", "", 2},  // 325
    {"openat2", "dirfd:F name:S flags:X mode:Q resolve:X", 4},  // 326
    {"openat2", "fd:F dirfd:F name:S flags:X mode:Q resolve:X", 4},  // 327
    {"mprotect", "addr:Q length:Q prot:X", 0},  // 328
    {"mprotect", "res:E", 0},  // 329
    {"execveat", "dirfd:F pathname:S flags:X", 0},  // 330
    {"execveat", "res:E exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:Q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S cgroups:B env:B tty:i pgid:P loginuid:i flags:X", 0},  // 331
    {"copy_file_range", "fdin:F offin:Q len:Q", 4},  // 332
    {"copy_file_range", "res:E fdout:F offout:Q", 4},  // 333
    {"clone3", "", 0},  // 334
    {"clone3", "res:P exe:S args:B tid:P pid:P ptid:P cwd:S fdlimit:q pgft_maj:Q pgft_min:Q vm_size:Q vm_rss:Q vm_swap:Q comm:S cgroups:B flags:X uid:Q gid:Q vtid:P vpid:P", 0},  // 335
};
const size_t kRawEventCount = sizeof kRawEvents / sizeof kRawEvents[0];

const char* const kSyscallNames[] = {
    "<unknown>", "restart_syscall", "exit", "read", "write", "open", "close", "creat", "link", "unlink", "chdir",
    "time", "mknod", "chmod", "stat", "lseek", "getpid", "mount", "ptrace", "alarm", "fstat", "pause", "utime",
    "access", "sync", "kill", "rename", "mkdir", "rmdir", "dup", "pipe", "times", "brk", "acct", "ioctl", "fcntl",
    "setpgid", "umask", "chroot", "ustat", "dup2", "getppid", "getpgrp", "setsid", "sethostname", "setrlimit",
    "getrusage", "gettimeofday", "settimeofday", "symlink", "lstat", "readlink", "uselib", "swapon", "reboot",
    "mmap", "munmap", "truncate", "ftruncate", "fchmod", "getpriority", "setpriority", "statfs", "fstatfs",
    "syslog", "setitimer", "getitimer", "uname", "vhangup", "wait4", "swapoff", "sysinfo", "fsync", "setdomainname",
    "adjtimex", "mprotect", "init_module", "delete_module", "quotactl", "getpgid", "fchdir", "sysfs", "personality",
    "getdents", "select", "flock", "msync", "readv", "writev", "getsid", "fdatasync", "mlock", "munlock",
    "mlockall", "munlockall", "sched_setparam", "sched_getparam", "sched_setscheduler", "sched_getscheduler",
    "sched_yield", "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval", "nanosleep",
    "mremap", "poll", "prctl", "rt_sigaction", "rt_sigprocmask", "rt_sigpending", "rt_sigtimedwait",
    "rt_sigqueueinfo", "rt_sigsuspend", "getcwd", "capget", "capset", "sendfile", "getrlimit", "lchown", "getuid",
    "getgid", "geteuid", "getegid", "setreuid", "setregid", "getgroups", "setgroups", "fchown", "setresuid",
    "getresuid", "setresgid", "getresgid", "chown", "setuid", "setgid", "setfsuid", "setfsgid", "pivot_root",
    "mincore", "madvise", "gettid", "setxattr", "lsetxattr", "fsetxattr", "getxattr", "lgetxattr", "fgetxattr",
    "listxattr", "llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr", "tkill", "futex",
    "sched_setaffinity", "sched_getaffinity", "set_thread_area", "get_thread_area", "io_setup", "io_destroy",
    "io_getevents", "io_submit", "io_cancel", "exit_group", "epoll_create", "epoll_ctl", "epoll_wait",
    "remap_file_pages", "set_tid_address", "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun",
    "timer_delete", "clock_settime", "clock_gettime", "clock_getres", "clock_nanosleep", "tgkill", "utimes",
    "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr", "kexec_load", "waitid",
    "add_key", "request_key", "keyctl", "ioprio_set", "ioprio_get", "inotify_init", "inotify_add_watch",
    "inotify_rm_watch", "openat", "mkdirat", "mknodat", "fchownat", "futimesat", "unlinkat", "renameat", "linkat",
    "symlinkat", "readlinkat", "fchmodat", "faccessat", "pselect6", "ppoll", "unshare", "set_robust_list",
    "get_robust_list", "splice", "tee", "vmsplice", "getcpu", "epoll_pwait", "utimensat", "signalfd",
    "timerfd_create", "eventfd", "timerfd_settime", "timerfd_gettime", "signalfd4", "eventfd2", "epoll_create1",
    "dup3", "pipe2", "inotify_init1", "preadv", "pwritev", "rt_tgsigqueueinfo", "perf_event_open", "fanotify_init",
    "prlimit64", "clock_adjtime", "syncfs", "setns", "getdents64", "socket", "bind", "connect", "listen", "accept",
    "getsockname", "getpeername", "socketpair", "sendto", "recvfrom", "shutdown", "setsockopt", "getsockopt",
    "sendmsg", "sendmmsg", "recvmsg", "recvmmsg", "accept4", "semop", "semget", "semctl", "msgsnd", "msgrcv",
    "msgget", "msgctl", "shmdt", "shmget", "shmctl", "statfs64", "fstatfs64", "fstatat64", "sendfile64",
    "ugetrlimit", "bdflush", "sigprocmask", "ipc", "socketcall", "stat64", "lstat64", "fstat64", "fcntl64", "mmap2",
    "newselect", "sgetmask", "ssetmask", "sigpending", "olduname", "umount", "signal", "nice", "stime", "llseek",
    "waitpid", "pread64", "pwrite64", "arch_prctl", "shmat", "sigreturn", "fallocate", "newfstatat",
    "process_vm_readv", "process_vm_writev", "fork", "vfork", "setuid", "getuid", "setgid", "geteuid", "getgid",
    "setresuid", "setresgid", "getresuid", "getresgid", "finit_module", "bpf", "seccomp", "sigaltstack",
    "getrandom", "fadvise64", "renameat2", "userfaultfd", "openat2", "umount2", "execve", "execveat",
    "copy_file_range", "clone", "clone3",
};
const size_t kSyscallNameCount = sizeof kSyscallNames / sizeof kSyscallNames[0];

}  // namespace strato::scap::detail
