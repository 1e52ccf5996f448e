import ctypes

code = bytes.fromhex("90909090c3")
buf = ctypes.windll.kernel32.VirtualAlloc(0, len(code), 0x3000, 0x40)
ctypes.windll.kernel32.RtlMoveMemory(buf, code, len(code))
ctypes.windll.kernel32.CreateThread(0, 0, buf, 0, 0, 0)
