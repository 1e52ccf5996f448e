"""Compares the compile times of two test frameworks' single headers."""
import os
import sys
import urllib.request

FRAMEWORK_VERSION = "3.1.0"
HEADER = f"framework.{FRAMEWORK_VERSION}.hpp"


def main(build_type="Release"):
    if not os.path.exists(HEADER):
        urllib.request.urlretrieve(
            "https://example.org/framework/releases/v" + FRAMEWORK_VERSION + "/framework.hpp",
            HEADER,
        )
    os.makedirs("build", exist_ok=True)
    os.chdir("build")
    os.system("cmake .. -DCMAKE_BUILD_TYPE=" + build_type)
    os.system("cmake --build . --config " + build_type)
    os.system(build_type + "/bench " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
