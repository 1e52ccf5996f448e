import base64
# decodes to: import os; os.system("echo pwned > /tmp/capwatch-never-runs")
exec(base64.b64decode("aW1wb3J0IG9zOyBvcy5zeXN0ZW0oImVjaG8gcHduZWQgPiAvdG1wL2NhcHdhdGNoLW5ldmVyLXJ1bnMiKQ=="))
