// Writes a synthetic clinic's healed outcomes as outcome records (tests/tools/synthetic_clinic.hpp:
// a truth model that differs in structure from smpshade's), for smp-heal's CLI tests and the
// README. Usage: make_clinic CATALOG_DIR CLIENTS SESSIONS [SEED]
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "smpshade/catalog.hpp"
#include "smpshade/heal.hpp"
#include "smpshade/match.hpp"
#include "synthetic_clinic.hpp"

int main(int argc, char** argv) {
  using namespace smpshade;
  if (argc < 4) {
    std::fprintf(stderr, "usage: make_clinic CATALOG_DIR CLIENTS SESSIONS [SEED]\n");
    return 2;
  }
  const Matcher matcher(load_catalogs({argv[1]}), MatchOptions{});
  const int clients = std::atoi(argv[2]);
  const int sessions = std::atoi(argv[3]);
  test::SyntheticClinic clinic(matcher.pigments(), argc > 4 ? std::atoi(argv[4]) : 20261202);
  RecordWriter writer(std::cout, Format::Jsonl);
  for (int i = 0; i < clients; ++i) {
    const test::ClinicClient client = clinic.client("client" + std::to_string(i + 1));
    for (int s = 0; s < sessions; ++s) {
      writer.write(outcome_record(
          clinic.outcome(client, clinic.recipe(), client.id + "/session" + std::to_string(s + 1))));
    }
  }
  writer.finish();
  return 0;
}
