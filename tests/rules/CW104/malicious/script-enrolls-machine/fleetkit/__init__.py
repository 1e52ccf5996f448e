"""Fleet helpers."""


def slug(name):
    return name.strip().lower().replace(" ", "-")
