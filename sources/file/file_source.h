#pragma once
// The "file" source: reads one or more pcap/pcapng files (optionally gzip or
// zstd compressed) in order, applying an optional capture filter.
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "capture_filter.h"
#include "capture_reader.h"
#include "strato/source.h"

namespace strato::file {

class FileSource : public Source {
 public:
  FileSource(std::vector<std::string> paths, const std::string& filter);
  void open() override;
  bool read(Batch& batch, size_t max_events) override;
  const std::vector<InterfaceInfo>& interfaces() const override { return ifaces_; }
  SourceStats stats() const override;

 private:
  bool next_file();

  std::vector<std::string> paths_;
  size_t next_path_ = 0;
  std::unique_ptr<CaptureFilter> filter_;
  std::unique_ptr<CaptureReader> reader_;
  std::vector<InterfaceInfo> ifaces_;
  Packet pkt_;
  SourceStats stats_;
  uint64_t dropped_done_ = 0;  // drops of files already closed
  // An error met after some events of a batch were read; thrown on the next
  // call so those events are not lost.
  std::exception_ptr deferred_;
  bool done_ = false;
};

}  // namespace strato::file
