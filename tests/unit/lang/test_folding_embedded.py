"""Native executables held in literals are recognised by their magic number, in any encoding."""

from __future__ import annotations

import base64

import pytest

from capwatch.lang.python.folding import embedded_executable

PE = b"MZ\x90\x00" + bytes(1200)
ELF = b"\x7fELF\x02\x01\x01" + bytes(400)
MACHO = b"\xcf\xfa\xed\xfe" + bytes(400)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (base64.b64encode(PE).decode(), "PE"),
        (base64.urlsafe_b64encode(ELF).decode(), "ELF"),
        (MACHO.hex(), "Mach-O"),
        (PE.decode("latin-1"), "PE"),
    ],
)
def test_executables_in_any_encoding(text: str, expected: str) -> None:
    assert embedded_executable(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(600)).decode(),
        "MZ" + "a" * 300,  # short text that merely starts with the letters
        base64.b64encode(b"MZ" + bytes(100)).decode(),  # too small to be a program
        "x" * 5000,
    ],
)
def test_other_data_is_not_an_executable(text: str) -> None:
    assert embedded_executable(text) is None
