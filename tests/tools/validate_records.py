#!/usr/bin/python3
"""Validates JSON Lines records against their kind's schema (data/schema/KIND.schema.json,
draft 2020-12) with Debian's python3-jsonschema: the contract scripts rely on, checked on what
the tools really write. A record without `kind` is a measurement (smpshade-records(5)).
Calibration records' nested patches are checked against the patch schema too.

Usage: validate_records.py SCHEMA_DIR FILE... ; prints "KIND: N" per kind seen and exits 1,
naming FILE:LINE and the failing path, on the first record that does not validate.
"""
import json
import os
import sys

import jsonschema


def main():
    schema_dir, files = sys.argv[1], sys.argv[2:]
    validators = {}

    def validator(kind):
        if kind not in validators:
            path = os.path.join(schema_dir, kind + ".schema.json")
            if not os.path.exists(path):
                sys.exit("validate_records: no schema for kind '%s'" % kind)
            with open(path) as f:
                schema = json.load(f)
            jsonschema.Draft202012Validator.check_schema(schema)
            validators[kind] = jsonschema.Draft202012Validator(schema)
        return validators[kind]

    counts = {}
    for name in files:
        with open(name, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.strip()
                if not line or not line.startswith("{"):
                    continue
                record = json.loads(line)
                kind = record.get("kind", "measurement")
                checks = [(kind, record)]
                if kind == "calibration":
                    checks += [("patch", p) for p in record.get("patches", [])]
                for k, r in checks:
                    errors = sorted(validator(k).iter_errors(r), key=lambda e: list(e.path))
                    if errors:
                        e = errors[0]
                        sys.exit("%s:%d: %s record does not validate: %s at /%s" %
                                 (name, number, k, e.message, "/".join(map(str, e.path))))
                counts[kind] = counts.get(kind, 0) + 1
    for kind in sorted(counts):
        print("%s: %d" % (kind, counts[kind]))


if __name__ == "__main__":
    main()
