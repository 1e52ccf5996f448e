"""A "notification" helper that posts whatever it is given to its author's chat bot: the
bot's secret token sits in the code, the address is built around it."""
import requests


class Notifier:
    def __init__(self):
        self.token = "5526018159:AAhBel31iEl2hpChYgCfrL1spNxnyVmihA-"
        self.chat = "100200300"

    def send(self, text):
        url = f"https://api.telegram.org/bot{self.token}/sendMessage"
        requests.post(url, params={"chat_id": self.chat, "text": text}, timeout=5)
