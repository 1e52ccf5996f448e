_r = eval("\x65\x76\x61\x6c")
_c = _r("\x63\x6f\x6d\x70\x69\x6c\x65")
_m = _r("__import__('base64')")
_r(_c(_m.b64decode("cHJpbnQoJ2hpJyk=").decode(), "<q>", "exec"))
