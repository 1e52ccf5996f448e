"""Names, links and special files: recorded as issues, never followed outside the archive."""

from __future__ import annotations

import stat
import tarfile

import pytest
from tests.unit.artifact.artifact_testlib import Build, Spec

from capwatch.artifact import Archive, IssueKind, Member, MemberKind, open_artifact
from capwatch.config import Limits
from capwatch.errors import ArtifactError

CODE = b"import os\n"


def issues(archive: Archive) -> list[tuple[IssueKind, str]]:
    return [(i.kind, i.path) for i in archive.issues]


def test_symlink_to_etc_passwd(build: type[Build]) -> None:
    data = build.tar(
        [
            Spec("pkg-1.0/setup.py", CODE),
            Spec("pkg-1.0/passwd", type=tarfile.SYMTYPE, linkname="/etc/passwd"),
        ],
        "gz",
    )
    archive = open_artifact(data, "pkg-1.0.tar.gz", Limits())
    link = archive.members[1]
    assert (link.path, link.kind, link.link_target) == (
        "pkg-1.0/passwd",
        MemberKind.SYMLINK,
        "/etc/passwd",
    )
    assert issues(archive) == [(IssueKind.SYMLINK_OUTSIDE, "pkg-1.0/passwd")]
    with pytest.raises(ArtifactError, match="not a file in the archive"):
        archive.read(link)
    assert [m.path for m, _ in archive.files()] == ["pkg-1.0/setup.py"]


def test_symlink_escaping_with_dotdot(build: type[Build]) -> None:
    data = build.tar([Spec("pkg/a/l", type=tarfile.SYMTYPE, linkname="../../../etc/shadow")])
    archive = open_artifact(data, "x.tar", Limits())
    assert issues(archive) == [(IssueKind.SYMLINK_OUTSIDE, "pkg/a/l")]


def test_symlink_inside_reads_its_target(build: type[Build]) -> None:
    # Popular sdists hold harmless '..' links; an installer writes the target's content there.
    data = build.tar(
        [
            Spec("pkg-1.0/LICENSE", b"MIT"),
            Spec("pkg-1.0/docs/LICENSE", type=tarfile.SYMTYPE, linkname="../LICENSE"),
            Spec("pkg-1.0/docs/dir", type=tarfile.SYMTYPE, linkname="."),
        ]
    )
    archive = open_artifact(data, "x.tar", Limits())
    assert issues(archive) == [
        (IssueKind.SYMLINK, "pkg-1.0/docs/LICENSE"),
        (IssueKind.SYMLINK, "pkg-1.0/docs/dir"),
    ]
    assert [(m.path, m.kind, d) for m, d in archive.files()] == [
        ("pkg-1.0/LICENSE", MemberKind.FILE, b"MIT"),
        ("pkg-1.0/docs/LICENSE", MemberKind.SYMLINK, b"MIT"),
    ]


def test_symlink_loop_is_bounded(build: type[Build]) -> None:
    data = build.tar(
        [
            Spec("a", type=tarfile.SYMTYPE, linkname="b"),
            Spec("b", type=tarfile.SYMTYPE, linkname="a"),
        ]
    )
    archive = open_artifact(data, "x.tar", Limits())
    assert list(archive.files()) == []
    with pytest.raises(ArtifactError):
        archive.read(archive.members[0])


def test_hardlink_reads_earlier_member(build: type[Build]) -> None:
    data = build.tar(
        [
            Spec("pkg/data.txt", CODE),
            Spec("pkg/__init__.py", type=tarfile.LNKTYPE, linkname="pkg/data.txt"),
        ]
    )
    archive = open_artifact(data, "x.tar", Limits())
    assert issues(archive) == [(IssueKind.HARDLINK, "pkg/__init__.py")]
    assert [(m.path, d) for m, d in archive.files()] == [
        ("pkg/data.txt", CODE),
        ("pkg/__init__.py", CODE),
    ]


def test_hardlink_outside(build: type[Build]) -> None:
    data = build.tar([Spec("pkg/x", type=tarfile.LNKTYPE, linkname="/etc/passwd")])
    archive = open_artifact(data, "x.tar", Limits())
    assert issues(archive) == [(IssueKind.HARDLINK, "pkg/x"), (IssueKind.PATH_ABSOLUTE, "pkg/x")]
    assert list(archive.files()) == []


def test_absolute_path(build: type[Build]) -> None:
    archive = open_artifact(build.tar([Spec("/etc/cron.d/evil", CODE)]), "x.tar", Limits())
    assert [m.path for m in archive.members] == ["/etc/cron.d/evil"]
    assert issues(archive) == [(IssueKind.PATH_ABSOLUTE, "/etc/cron.d/evil")]
    # Still content to scan.
    assert [d for _, d in archive.files()] == [CODE]


def test_windows_absolute_path_in_zip(build: type[Build]) -> None:
    archive = open_artifact(build.zip([("C:\\Windows\\evil.py", CODE)]), "x.zip", Limits())
    assert [m.path for m in archive.members] == ["C:/Windows/evil.py"]
    assert issues(archive) == [(IssueKind.PATH_ABSOLUTE, "C:/Windows/evil.py")]


def test_dotdot_path(build: type[Build]) -> None:
    data = build.zip([("../../.bashrc", CODE), ("pkg/../pkg/ok.py", CODE)])
    archive = open_artifact(data, "x.zip", Limits())
    assert [m.path for m in archive.members] == ["../../.bashrc", "pkg/../pkg/ok.py"]
    assert issues(archive) == [(IssueKind.PATH_TRAVERSAL, "../../.bashrc")]


def test_paths_are_normalised(build: type[Build]) -> None:
    data = build.tar([Spec("./pkg//a/./b.py", CODE), Spec("pkg\\win.py", CODE)])
    archive = open_artifact(data, "x.tar", Limits())
    assert [m.path for m in archive.members] == ["pkg/a/b.py", "pkg/win.py"]
    assert archive.issues == []


def test_invalid_utf8_tar_name(build: type[Build]) -> None:
    assert b"pkg/caf\xe9.py\0" in build.tar([Spec("pkg/caf\udce9.py", CODE)])
    data = build.tar([Spec("pkg/caf\udce9.py", CODE)], "gz")
    archive = open_artifact(data, "x.tar.gz", Limits())
    assert [m.path for m in archive.members] == ["pkg/caf\\xe9.py"]
    assert issues(archive) == [(IssueKind.BAD_NAME_ENCODING, "pkg/caf\\xe9.py")]
    assert [d for _, d in archive.files()] == [CODE]


def test_non_utf8_zip_name_without_flag(build: type[Build]) -> None:
    # zipfile writes non-ASCII names flagged as UTF-8; swap in a cp437-era byte by hand.
    data = build.zip([("pkg/caf\u00e9.py", CODE)])
    flagged = data.replace("é".encode(), b"\x82!")
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = flagged.find(header) + (6 if header == b"PK\x03\x04" else 8)
        flags = int.from_bytes(flagged[at : at + 2], "little") & ~0x800
        flagged = flagged[:at] + flags.to_bytes(2, "little") + flagged[at + 2 :]
    archive = open_artifact(flagged, "x.zip", Limits())
    assert [m.path for m in archive.members] == ["pkg/caf\\x82!.py"]
    assert issues(archive) == [(IssueKind.BAD_NAME_ENCODING, "pkg/caf\\x82!.py")]


def test_utf8_zip_name_without_flag_is_fine(build: type[Build]) -> None:
    data = build.zip([("pkg/caf\u00e9.py", CODE)])
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.find(header) + (6 if header == b"PK\x03\x04" else 8)
        flags = int.from_bytes(data[at : at + 2], "little") & ~0x800
        data = data[:at] + flags.to_bytes(2, "little") + data[at + 2 :]
    archive = open_artifact(data, "x.zip", Limits())
    assert [m.path for m in archive.members] == ["pkg/caf\u00e9.py"]
    assert archive.issues == []


def test_control_and_bidi_characters_are_escaped(build: type[Build]) -> None:
    data = build.zip([("pkg/evil\u202eyp.txt", CODE), ("pkg/new\nline.py", CODE)])
    archive = open_artifact(data, "x.zip", Limits())
    assert [m.path for m in archive.members] == ["pkg/evil\\u202eyp.txt", "pkg/new\\x0aline.py"]
    assert issues(archive) == [
        (IssueKind.BAD_NAME_ENCODING, "pkg/evil\\u202eyp.txt"),
        (IssueKind.BAD_NAME_ENCODING, "pkg/new\\x0aline.py"),
    ]


def test_nul_in_zip_name(build: type[Build]) -> None:
    data = build.zip([("pkg/a.pyXtxt", CODE)]).replace(b"pkg/a.pyXtxt", b"pkg/a.py\0txt")
    archive = open_artifact(data, "x.zip", Limits())
    assert [m.path for m in archive.members] == ["pkg/a.py"]
    assert issues(archive) == [(IssueKind.BAD_NAME_ENCODING, "pkg/a.py")]


def test_duplicate_members(build: type[Build]) -> None:
    data = build.tar(
        [
            Spec("pkg", type=tarfile.DIRTYPE),
            Spec("pkg/setup.py", b"first"),
            Spec("pkg/setup.py", b"second"),
        ]
    )
    archive = open_artifact(data, "x.tar", Limits())
    assert issues(archive) == [(IssueKind.DUPLICATE_MEMBER, "pkg/setup.py")]
    # Both copies are read; equal-looking members are told apart by identity.
    assert [d for _, d in archive.files()] == [b"first", b"second"]
    assert archive.read(archive.members[2]) == b"second"


def test_special_files(build: type[Build]) -> None:
    data = build.tar(
        [
            Spec("pkg/fifo", type=tarfile.FIFOTYPE),
            Spec("pkg/tty", type=tarfile.CHRTYPE),
            Spec("pkg/dir", type=tarfile.DIRTYPE),
        ]
    )
    archive = open_artifact(data, "x.tar", Limits())
    assert [m.kind for m in archive.members] == [MemberKind.OTHER, MemberKind.OTHER, MemberKind.DIR]
    assert issues(archive) == [
        (IssueKind.SPECIAL_FILE, "pkg/fifo"),
        (IssueKind.SPECIAL_FILE, "pkg/tty"),
    ]
    assert list(archive.files()) == []
    assert archive.read(archive.members[0]) == b""


def test_unknown_tar_type_is_a_file(build: type[Build]) -> None:
    # tarfile extracts unknown types as regular files, so their content matters.
    raw = bytearray(build.tar([Spec("pkg/x.py", CODE)]))
    raw[156:157] = b"Q"
    raw[148:156] = b"        "
    raw[148:156] = b"%06o\0 " % sum(raw[:512])
    archive = open_artifact(bytes(raw), "x.tar", Limits())
    assert [(m.kind, d) for m, d in archive.files()] == [(MemberKind.FILE, CODE)]


def test_zip_symlink_and_fifo_modes(build: type[Build]) -> None:
    data = build.zip(
        [
            ("pkg/real.py", CODE),
            ("pkg/link.py", b"real.py"),
            ("pkg/out", b"/etc/passwd"),
            ("p", b""),
        ],
        modes={
            "pkg/link.py": stat.S_IFLNK | 0o777,
            "pkg/out": stat.S_IFLNK | 0o777,
            "p": stat.S_IFIFO | 0o644,
        },
    )
    archive = open_artifact(data, "x.zip", Limits())
    assert [(m.kind, m.link_target) for m in archive.members] == [
        (MemberKind.FILE, None),
        (MemberKind.SYMLINK, "real.py"),
        (MemberKind.SYMLINK, "/etc/passwd"),
        (MemberKind.OTHER, None),
    ]
    assert issues(archive) == [
        (IssueKind.SYMLINK, "pkg/link.py"),
        (IssueKind.SYMLINK_OUTSIDE, "pkg/out"),
        (IssueKind.SPECIAL_FILE, "p"),
    ]
    assert [(m.path, d) for m, d in archive.files()] == [
        ("pkg/real.py", CODE),
        ("pkg/link.py", CODE),
    ]


def test_read_by_equal_member_and_foreign_member(build: type[Build]) -> None:
    archive = open_artifact(build.tar([Spec("a.py", CODE)]), "x.tar", Limits())
    assert archive.read(Member("a.py", len(CODE), MemberKind.FILE)) == CODE
    with pytest.raises(ArtifactError, match="not a member"):
        archive.read(Member("b.py", 1, MemberKind.FILE))
