"""`python -m bazaar.cli`."""

from bazaar.cli import main_exit

main_exit()
