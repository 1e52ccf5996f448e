"""Large files are parsed a part at a time: the tree must be the one a whole parse gives."""

from __future__ import annotations

import ast

import pytest

from capwatch.lang.python import source


def _dump(tree: ast.AST | None) -> str:
    assert tree is not None
    return ast.dump(tree, include_attributes=True)


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "PART_CHARS", 64)


def _module(n: int) -> str:
    return "import os\n\nX = 1\n" + "".join(
        f"\n\n@dec({i})\ndef f{i}(a, b=X):\n    return os.path.join(a, 'x{i}')  # {i}\n"
        f"\n\nclass C{i}(Base):\n    y = f{i}(1)\n\n\nasync def g{i}():\n    await h({i})\n"
        for i in range(n)
    )


@pytest.mark.usefixtures("small_parts")
def test_parts_give_the_whole_tree_with_its_lines_and_columns() -> None:
    text = _module(40)
    parts = source._parse_in_parts(text, "m.py")
    assert parts is not None and len(parts.body) == len(ast.parse(text).body)
    assert _dump(parts) == _dump(ast.parse(text))
    assert _dump(source.parse(text.encode(), "m.py").tree) == _dump(ast.parse(text))


@pytest.mark.usefixtures("small_parts")
def test_a_start_inside_a_string_falls_back_to_the_whole_parse() -> None:
    text = 'DOC = """\n' + "x\n" * 40 + '\n\ndef looks_like_code():\n    pass\n"""\n' + _module(5)
    assert source._parse_in_parts(text, "m.py") is None
    parsed = source.parse(text.encode(), "m.py")
    assert not parsed.fallback and _dump(parsed.tree) == _dump(ast.parse(text))


def test_broken_large_files_take_the_usual_repairs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _module(5) + "\n\ndef broken(:\n    pass\n" + _module(5) + "print 'py2'\n"
    whole = source.parse(text.encode(), "m.py")
    monkeypatch.setattr(source, "PART_CHARS", 64)
    assert source._parse_in_parts(text, "m.py") is None
    parsed = source.parse(text.encode(), "m.py")
    assert parsed.fallback and (parsed.dropped_lines, parsed.error) == (
        whole.dropped_lines, whole.error
    )
    assert (parsed.tree is None) == (whole.tree is None)
    if whole.tree is not None:
        assert _dump(parsed.tree) == _dump(whole.tree)


@pytest.mark.usefixtures("small_parts")
def test_barry_as_flufl_files_are_parsed_whole() -> None:
    text = "from __future__ import barry_as_FLUFL\n" + _module(5)
    assert source._parse_in_parts(text, "m.py") is None


def test_a_string_left_open_in_a_large_file_costs_few_parses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    filler = "".join(f"value_{i} = {i}\n" for i in range(source.LARGE_SOURCE // 12))
    text = filler + "broken = 'open\n" + "x = 1\n" * 20
    assert len(text) >= source.LARGE_SOURCE
    calls = []
    real = source._try_parse

    def counting(text: str, path: str):  # type: ignore[no-untyped-def]
        calls.append(len(text))
        return real(text, path)

    monkeypatch.setattr(source, "_try_parse", counting)
    monkeypatch.setattr(source, "MAX_REPAIRS_LARGE", 1)
    source._repair(text, real(text, "m.py")[1], "m.py", 1)
    # one join and two closings of the quote, and no more
    assert len(calls) <= 3
