#pragma once
// The files the pcapng sink writes: one file (-w FILE, or standard output),
// or a ring of archive files switched by RotationPolicy. Ring files are
// written under a hidden .NAME.partial and renamed when complete, so every
// file under its final name is whole.
//
// Durability: every batch is flushed to the kernel (a killed process leaves
// the partial file readable up to its last batch); a finished ring file is
// fsync'ed before its rename and the directory after it, so a finished name
// survives a power loss too. Batches themselves are not fsync'ed.
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>

#include "file_naming.h"
#include "output_stream.h"
#include "rotation_policy.h"

namespace strato::pcapng {

struct ArchiveOptions {
  std::string path;  // "-": standard output
  Compression compression = Compression::None;
  bool ring = false;  // -b given
  RotationLimits limits;
};

class ArchiveWriter {
 public:
  ArchiveWriter(ArchiveOptions o, FILE* out);
  ~ArchiveWriter();

  // Opens the single file and writes its section header. Ring files open
  // at their first packet, whose time names them.
  void start();
  bool ring() const { return o_.ring; }
  // IDBs for interfaces seen for the first time: written to the current
  // file and repeated at the start of every later one.
  void add_interfaces(const std::string& idbs);
  // One packet's blocks (never split across files).
  void packet(uint64_t ts_ns, const char* blocks, size_t n);
  // Raw blocks in single-file mode.
  void write(const std::string& blocks);
  void end_batch();
  // Completes the last file (an empty input still gets one, with its
  // interfaces) and renames it to its final name.
  void finish();

 private:
  void open_ring_file(uint64_t ts_ns);
  void close_ring_file();
  void put(const std::string& s);

  ArchiveOptions o_;
  ArchiveName name_;
  RotationPolicy policy_;
  FILE* out_ = nullptr;  // stdout in single mode with "-"
  FILE* f_ = nullptr;
  bool own_ = false;
  std::unique_ptr<OutputStream> stream_;
  std::string headers_;  // SHB and every IDB so far
  std::string current_, current_partial_;
  uint64_t seq_ = 0;
  bool finished_all_ = false;
  std::deque<std::string> finished_;  // ring files kept, oldest first
};

}  // namespace strato::pcapng
