"""Trusts the certificates of a folder the user names, in the NSS database a browser reads."""
import os
import subprocess
from pathlib import Path

EXTRA_CERTIFICATES = os.environ.get("EXTRA_CERTIFICATES")


def trust_extra_certificates(folder):
    database = Path.home() / ".pki" / "nssdb"
    database.mkdir(parents=True, exist_ok=True)
    subprocess.run(["certutil", "-d", f"sql:{database}", "-N", "--empty-password"])
    for certificate in Path(folder).glob("*.crt"):
        command = ["certutil", "-d", f"sql:{database}", "-A", "-t", "C,,",
                   "-n", certificate.stem, "-i", str(certificate)]
        subprocess.run(command, check=True)


if EXTRA_CERTIFICATES:
    trust_extra_certificates(EXTRA_CERTIFICATES)
