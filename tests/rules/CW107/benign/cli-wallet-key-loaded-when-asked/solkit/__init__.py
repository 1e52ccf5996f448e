"""Helpers for Solana programs: the command-line wallet's key, and the cluster's RPC."""
import json
import os

import requests

DEFAULT_KEYPAIR = "~/.config/solana/id.json"


def load_keypair(path: str = DEFAULT_KEYPAIR) -> list[int]:
    with open(os.path.expanduser(path)) as handle:
        return json.load(handle)


def balance(rpc: str, address: str) -> int:
    reply = requests.post(rpc, json={"jsonrpc": "2.0", "id": 1, "method": "getBalance", "params": [address]})
    return reply.json()["result"]["value"]
