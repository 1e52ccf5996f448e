"""Static de-obfuscation: decoders, a constant evaluator and a marshal reader.

Nothing here executes, imports or loads anything from a scanned package. The front end resolves
names and walks scopes; this package computes the constant values of expressions, follows
decoder chains with bounded work, and says whether the result is code worth re-analysing.
"""

from capwatch.unpack.const import Const, merge_chains, to_python
from capwatch.unpack.consteval import Evaluator, Resolver
from capwatch.unpack.decoders import DECODERS, DecodeError, run_decoder
from capwatch.unpack.env import ConstEnv
from capwatch.unpack.marshal_reader import MarshalCode, MarshalError, read_marshal, render_marshal
from capwatch.unpack.payload import decode_text, looks_like_python, try_decode_blob

__all__ = [
    "DECODERS",
    "Const",
    "ConstEnv",
    "DecodeError",
    "Evaluator",
    "MarshalCode",
    "MarshalError",
    "Resolver",
    "decode_text",
    "looks_like_python",
    "merge_chains",
    "read_marshal",
    "render_marshal",
    "run_decoder",
    "to_python",
    "try_decode_blob",
]
