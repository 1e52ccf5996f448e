"""A client that mounts a remote file system through its companion command-line tool. When
the tool is missing, the error tells the user how to install it; the library never runs the
installer itself."""
import shutil
import subprocess


class MountError(Exception):
    pass


class CliNotFoundError(MountError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Mounting needs the cloudfs command-line tool: {detail}. Install it with: "
            "curl -fsSL https://cloudfs.example.org/install.sh | sh"
        )


def mount(remote: str, where: str) -> None:
    tool = shutil.which("cloudfs")
    if tool is None:
        raise CliNotFoundError("not found on PATH")
    subprocess.run([tool, "mount", remote, where], check=True)
