"""Test-support extension of moto 5.2.1's CloudFormation for the stackwright deploy tests.

Importing it registers the resource types plain moto skips, fixes the moto bugs the tests
meet, and adds per-resource stack events and rollback of a failed change set. It patches
moto internals, so it is pinned to moto==5.2.1 (scripts/setup-tools) and refuses any other
version. Run it like moto_server: ``python -m moto_ext -H 127.0.0.1 -p PORT``.
"""

import moto

MOTO_VERSION = "5.2.1"

if moto.__version__ != MOTO_VERSION:
    raise RuntimeError(
        f"moto_ext patches moto {MOTO_VERSION} internals; found moto {moto.__version__}"
    )

from . import fixes, lifecycle, models  # noqa: E402,F401  (registration on import)
from . import lambda_versions  # noqa: E402,F401  (after lifecycle: it wraps its hooks)
