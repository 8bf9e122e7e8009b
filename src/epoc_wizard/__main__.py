"""Allows ``python -m epoc_wizard``."""

from epoc_wizard.cli.entry import main

main()
