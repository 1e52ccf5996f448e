import ctypes
import ctypes.util

libc = ctypes.CDLL(ctypes.util.find_library("c"))


def pid():
    return libc.getpid()
