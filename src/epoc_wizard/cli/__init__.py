"""The command line: the entry point with its fast paths (``entry.py``), the Typer app
(``app.py``) and the guard that turns every failure into a sentence and an exit code
(``guard.py``). No wizard logic lives here."""
