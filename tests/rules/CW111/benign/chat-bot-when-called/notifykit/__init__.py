"""Sends a build notification to the user's own chat, with the token the user configures."""
import os

import telebot


def notify(text, chat_id=None):
    bot = telebot.TeleBot(os.environ["NOTIFYKIT_TOKEN"])
    bot.send_message(chat_id or os.environ["NOTIFYKIT_CHAT"], text)
