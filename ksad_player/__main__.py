"""`python -m ksad_player` runs the same entry point as the `ksad-player` command."""

import sys

from ksad_player.cli import main

sys.exit(main())
