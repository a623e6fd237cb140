// Uses the installed library the way a user would: public headers only.
#include <cstdio>
#include <smpshade/difference.hpp>
#include <smpshade/version.hpp>

int main() {
  // Sharma, Wu and Dalal (2005), pair 1.
  const double de = smpshade::ciede2000({50.0, 2.6772, -79.7751}, {50.0, 0.0, -82.7485});
  std::printf("smpshade %s: de00 %.4f\n", smpshade::kVersion, de);
  return 0;
}
