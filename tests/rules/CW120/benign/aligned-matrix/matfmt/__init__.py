"""Expected values for the matrix printer, laid out as the printer lays them out."""


def series(x):
    return x


EXPECTED = [
    [series(1) + series(2) * series(3),                                                                                                                        series(4)],
    [series(5),                                                                                                                        series(6) - series(7) + series(8)],
]
