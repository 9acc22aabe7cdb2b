#!/usr/bin/env python3
# Set KEY in the JSON document at PATH to VALUE (a JSON text): how the bench scripts add
# their figures to $(BUILD)/bench.json, which bench-core writes first.
import json
import sys

path, key, value = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
with open(path) as f:
    doc = json.load(f)
doc[key] = value
with open(path, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
