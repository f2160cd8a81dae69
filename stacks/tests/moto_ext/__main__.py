"""``python -m moto_ext``: moto_server with the extension loaded."""

import os
import sys

# Managed policies (arn:aws:iam::aws:policy/...) exist only when moto loads them.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

import moto_ext  # noqa: E402,F401  (patches moto before the server starts)
from moto.server import main  # noqa: E402

if __name__ == "__main__":
    main(sys.argv[1:])
