"""CW132's reading of path templates and command lines."""

from __future__ import annotations

import pytest

from capwatch.rules.destruction import whole_folder, wipes


@pytest.mark.parametrize(
    "path",
    ["~", "~/", "~/*", "~/Documents", "~\\Desktop\\*", "/", "/*", "/home", "/Users/…",
     "C:\\", "C:\\Users", "c:/users/…/Desktop", "$HOME", "%USERPROFILE%", "/storage/emulated/0"],
)
def test_whole_folders(path: str) -> None:
    assert whole_folder(path)


@pytest.mark.parametrize(
    "path",
    ["~/.cache/tool", "build", "/tmp/x", "…", "…/Desktop", "/home/…/.config", "~/Documents/report",
     "C:\\Users\\…\\AppData\\Local\\Temp", "dist/*", ""],
)
def test_folders_inside_them_are_not_whole(path: str) -> None:
    assert not whole_folder(path)


@pytest.mark.parametrize(
    "line",
    ["rm -rf ~/*", "rm -rf --no-preserve-root /", "cd /tmp && rm -fr $HOME", "rd /s /q C:\\Users",
     "del /f /s /q C:\\*", "powershell Remove-Item -Path $env:USERPROFILE -Recurse -Force",
     "rm -r /home", "rm -rf /sdcard", "rd /S /Q C:\\"],
)
def test_wiping_commands(line: str) -> None:
    assert wipes(line)


@pytest.mark.parametrize(
    "line",
    ["rm -rf build dist", "rm -rf ~/.cache/pip", "rm ~/notes.txt", "rm -f /tmp/x", "ls -la ~",
     "rd /s /q build", "del /q C:\\Temp\\x.log"],
)
def test_ordinary_commands(line: str) -> None:
    assert not wipes(line)
