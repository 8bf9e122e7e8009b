"""Allows ``python -m epoc_wizard``."""

from epoc_wizard.entry import main

main()
