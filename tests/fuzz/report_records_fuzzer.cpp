// Fuzzes what smp-report reads: any stream of records, each dispatched on its kind, gathered per
// client (report.hpp). A record from a tablet app or a colleague's batch must cost a clear
// refusal at its line, never a crash, a hang or a read of another file.
#include <cstdint>
#include <sstream>
#include <string>

#include "report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  smpshade::report::ReportInput input;
  smpshade::report::read_report_records(in, "fuzz.jsonl", input,
                                        [](const smpshade::InputError&) {});
  smpshade::report::ReportOptions options;
  const auto clients = smpshade::report::gather_clients(input, options);
  (void)clients;
  return 0;
}
