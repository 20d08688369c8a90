#pragma once
// Runs strato and tshark with the same `-T fields` list over every capture
// and keeps the outputs on disk. ctest runs each field's test in its own
// process, so the outputs are computed once (under a file lock) and reused:
// tshark's per capture and tshark version, strato's per build of the binary
// and plugins (any rebuild changes the key).
#include <string>
#include <vector>

namespace strato::oracle {

// The fields compared, in the order of the -e options.
const std::vector<std::string>& fields();

struct FieldTable {
  int exit_code = -1;
  std::string err;
  std::vector<std::vector<std::string>> rows;  // one per line, split on tabs
};

struct CaptureOutputs {
  std::string capture;  // path
  FieldTable ours, tshark;
};

// Every capture of ../shared/captures (tcpdump-tests/ and live/, .scap left
// out) that tshark reads with exit code 0, with both outputs.
const std::vector<CaptureOutputs>& shared_capture_outputs();

// A capture recorded by scripts/record-traffic.sh (2 seconds, no wrk), with
// both outputs; tshark is told the server ports' protocols (-d). Re-recorded
// when older than 30 minutes.
const CaptureOutputs& recorded_capture_outputs();

}  // namespace strato::oracle
