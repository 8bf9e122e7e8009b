"""epoc-wizard: a resumable terminal guide through the CMS account maze.

The version is a literal (not read from package metadata) because importing
``importlib.metadata`` would cost start-up time on every command.
"""

__version__ = "0.1.0"
