import os

import pytest

from cmdguard import Refused, guard


def test_root_removal_is_refused() -> None:
    guard()
    with pytest.raises(Refused):
        os.system("rm -rf /")
