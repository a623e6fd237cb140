// Fuzzes the Lab record reader (JSON Lines and text lines) and writes what it accepts back out in
// every format: no crash, no hang, and every accepted record within the documented ranges.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "smpshade/records.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  smpshade::LabRecordReader reader(in, "fuzz");
  std::ostringstream out;
  smpshade::RecordWriter jsonl(out, smpshade::Format::Jsonl);
  smpshade::RecordWriter csv(out, smpshade::Format::Csv);
  smpshade::RecordWriter table(out, smpshade::Format::Table);
  for (int guard = 0; guard < 100000; ++guard) {
    smpshade::LabEntry entry;
    try {
      if (!reader.next(entry)) break;
    } catch (const smpshade::Error&) {
      continue;  // a bad line: reported by the tools, then reading goes on
    }
    const auto& lab = entry.lab;
    if (!(lab.l >= 0 && lab.l <= 100 && std::fabs(lab.a) <= 200 && std::fabs(lab.b) <= 200)) {
      std::abort();  // the reader let an out-of-range record through
    }
    smpshade::Record record;
    record.set("id", entry.id).set("lab", lab).set("source", entry.source);
    jsonl.write(record);
    csv.write(record);
    table.write(record);
  }
  table.finish();
  return 0;
}
