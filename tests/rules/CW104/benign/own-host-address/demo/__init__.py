"""Finds the address other containers can reach this machine on."""
import socket


def _local_address():
    return socket.gethostbyname(socket.gethostname())


HOST_ADDRESS = _local_address()
