"""Scanner settings: every limit is explicit, named, and configurable from the command line."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from capwatch.errors import UsageError

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep one hostile artifact from crashing or stalling a batch.

    Hitting a limit yields a finding (the part beyond it is not analysed) or, where nothing useful
    could be read, an ``error`` verdict for that artifact alone.
    """

    artifact_bytes: int = 512 * MiB
    """Largest artifact file read at all."""
    members: int = 50_000
    """Most archive members listed; the rest are ignored with a finding."""
    member_bytes: int = 64 * MiB
    """Largest single member decompressed into memory."""
    total_bytes: int = 1024 * MiB
    """Most bytes decompressed from one artifact in total."""
    ratio: int = 250
    """Highest compression ratio accepted for a member or a whole archive (zip bombs)."""
    nesting: int = 2
    """How deep archives inside archives are opened."""
    source_bytes: int = 32 * MiB
    """Largest source file parsed; larger ones are scanned for indicators only."""
    decode_depth: int = 128
    """How many decoders may be chained on one payload (obfuscators wrap theirs in base64 and
    zlib dozens of times; each decoder is one step). The work stays bounded by
    ``decoded_bytes`` per step and, for literals tried as payloads, by a few layers per step."""
    decoded_bytes: int = 16 * MiB
    """Most bytes one decoder may produce."""
    loop_iterations: int = 200_000
    """Most iterations of one ``for`` loop the constant evaluator runs to fold a value the loop
    builds (``out += chr(ord(c) ^ ord(k))``); past it the value is unknown. The value's length is
    bounded by ``decoded_bytes``, and the work by the evaluator's step budget."""
    recursion: int = 400
    """Deepest syntax tree walked; deeper expressions are cut off with a finding."""
    files: int = 20_000
    """Most source files analysed in one artifact."""
    pickle_opcodes: int = 2_000_000
    """Most opcodes read from one pickle shipped as a data file (what it calls when loaded);
    a documentation build's two-million-opcode pickle reads in about half a second."""
    seconds: float = 120.0
    """Wall time for one artifact; past it the artifact gets an ``error`` verdict."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    def with_overrides(self, overrides: dict[str, str]) -> Limits:
        """Return a copy with ``name=value`` overrides applied (values parsed as numbers)."""
        changes: dict[str, int | float] = {}
        for name, raw in overrides.items():
            if name not in self.names():
                raise UsageError(
                    f"unknown limit '{name}'",
                    diagnostic=f"unknown limit '{name}'; known limits: {', '.join(self.names())}",
                )
            current = getattr(self, name)
            try:
                value: int | float = float(raw) if isinstance(current, float) else int(raw)
            except ValueError:
                raise UsageError(f"limit '{name}' takes a number, not '{raw}'") from None
            if value <= 0:
                raise UsageError(f"limit '{name}' must be positive")
            changes[name] = value
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
