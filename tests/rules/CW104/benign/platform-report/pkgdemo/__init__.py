import platform

IS_WINDOWS = platform.system() == "Windows"
