# A notebook cell (or a script) calling the example app with plain `requests`.
# Run: DARA_TOKEN=<token> python3 examples/api/notebook.py [http://127.0.0.1:8000]
import os
import sys

import requests

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
api = requests.Session()
api.headers["Authorization"] = f"Bearer {os.environ['DARA_TOKEN']}"

r = api.post(f"{base}/api/items/2", json={"name": "Desk"}, timeout=10)
if r.status_code != 200:
    # Every error has one body: {"detail": ...}, and dara-ts's own carry a "code".
    sys.exit(f"{r.status_code}: {r.json()['detail']}")
print(r.json())
print(api.get(f"{base}/api/greetings", timeout=10).json()["message"])
