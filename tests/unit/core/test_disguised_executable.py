"""A file named as source that is a native program (CW116): built here, byte by byte, as a
minimal PE header (nothing that could run), stored as it is or under a one-byte XOR key."""

from __future__ import annotations

from tests.helpers import sdist_bytes

from capwatch.engine import scan_bytes
from capwatch.lang.python.folding import disguised_executable
from capwatch.model import Severity, Verdict

LOADER = (
    "import os\nimport subprocess\n\n"
    "def load(folder, key):\n"
    "    data = bytes(b ^ key for b in open(os.path.join(folder, 'helpers.py'), 'rb').read())\n"
    "    open(os.path.join(folder, 'helpers.dll'), 'wb').write(data)\n"
    "    subprocess.run(['rundll32', os.path.join(folder, 'helpers.dll') + ',Start'])\n"
)


def _pe_header(size: int = 4096) -> bytes:
    image = bytearray(size)
    image[0:2] = b"MZ"
    image[0x3C:0x40] = (0x80).to_bytes(4, "little")
    image[0x80:0x84] = b"PE\0\0"
    return bytes(image)


def _xor(data: bytes, key: int) -> bytes:
    return bytes(b ^ key for b in data)


def test_a_program_is_recognised_as_it_stands_and_under_a_one_byte_key() -> None:
    assert disguised_executable(_pe_header()) == ("PE", 0)
    assert disguised_executable(_xor(_pe_header(), 0xE8)) == ("PE", 0xE8)
    # two letters are not a program: the PE signature must sit where the header says
    assert disguised_executable(b"MZ" + b"text" * 400) is None
    assert disguised_executable(_pe_header(512)) is None
    elf = b"\x7fELF\x02\x01\x01" + bytes(2048)
    assert disguised_executable(_xor(elf, 0x5A)) == ("ELF", 0x5A)
    # nor is text whose first bytes happen to XOR to the magic without a valid header after it
    assert disguised_executable(_xor(b"\x7fELF\x09\x09\x09" + bytes(2048), 0x5A)) is None


def test_an_encrypted_program_named_as_source_with_a_loader_is_malicious() -> None:
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='demo', version='0.1')\n",
        "demo/__init__.py": LOADER,
        "demo/helpers.py": _xor(_pe_header(), 0xE8),
    }
    result = scan_bytes(sdist_bytes(files), "demo-0.1.tar.gz")
    fired = [f for f in result.findings if f.rule == "CW116"]
    assert fired and fired[0].severity is Severity.CRITICAL, result.findings
    assert "XOR key 0xe8" in fired[0].message
    assert result.verdict is Verdict.MALICIOUS


def test_a_program_named_as_source_without_a_loader_is_for_a_reviewer() -> None:
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='demo', version='0.1')\n",
        "demo/__init__.py": "",
        "demo/helpers.py": _pe_header(),
    }
    result = scan_bytes(sdist_bytes(files), "demo-0.1.tar.gz")
    fired = [f for f in result.findings if f.rule == "CW116"]
    assert fired and fired[0].severity is Severity.HIGH, result.findings
    assert result.verdict is Verdict.SUSPICIOUS
