"""``python -m sms_model``: the same as the ``sms-model`` command."""

import sys

from sms_model.cli import main

sys.exit(main())
