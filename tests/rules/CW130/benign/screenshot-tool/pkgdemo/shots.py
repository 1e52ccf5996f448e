from PIL import ImageGrab


def save_screenshot(path):
    ImageGrab.grab().save(path)
