"""The test server accepts the fixture key once it is listed in a temporary authorized_keys."""
from sshfx import keys_file

FIXTURE_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFixtureKeyMaterialUsedOnlyByTheseTests0123456789ab"
    " test@fixture"
)


def listed_key_is_found(tmp_path):
    (tmp_path / ".ssh").mkdir()
    path = keys_file(str(tmp_path))
    with open(path, "w") as handle:
        handle.write(FIXTURE_KEY + "\n")
    with open(path) as handle:
        assert handle.read().startswith("ssh-ed25519 ")
