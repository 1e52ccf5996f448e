def make_predicate(names, joiner):
    return eval(f"lambda v: {joiner.join('v.' + n for n in names)}")


IS_COMPLEX = make_predicate(["real", "imag"], " and ")
