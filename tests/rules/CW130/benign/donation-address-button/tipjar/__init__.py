"""A small desktop tip jar: paste an amount, or copy the author's donation address."""

import pyperclip

DONATE = "bc1qtxpjartxpjartxpjartxpjartxpjartxpjar0"


def paste_amount():
    text = pyperclip.paste().strip()
    try:
        return float(text)
    except ValueError:
        return None


def copy_donation_address():
    pyperclip.copy(DONATE)
    return "The address is on your clipboard."
