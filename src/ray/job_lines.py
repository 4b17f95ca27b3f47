"""How the job speaks to Transfer Studio: one MARKER + JSON line per message on stdout (from the workers it
reaches the driver through Ray's log forwarding). The line types are RayJobLine in src/shared/rayProtocol.ts."""

import json
import sys

MARKER = "@@transfer-studio@@ "


def say(obj):
    # Written to stdout, not print()ed: in a worker, Ray Train replaces print() by one that prints the line and
    # logs it to the console too, and every line reached the job log twice.
    sys.stdout.write(MARKER + json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()
