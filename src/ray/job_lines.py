"""How the job speaks to Transfer Studio: one MARKER + JSON line per message on stdout (from the workers it
reaches the driver through Ray's log forwarding). The line types are RayJobLine in src/shared/rayProtocol.ts."""

import json

MARKER = "@@transfer-studio@@ "


def say(obj):
    print(MARKER + json.dumps(obj, separators=(",", ":")), flush=True)
