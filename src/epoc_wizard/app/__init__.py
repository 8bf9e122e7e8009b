"""What each command does, one module per command, given the ``Context`` that the entry
point builds once (``context.py``); ``session.py`` is the journey loop. Never imports
``cli``; ``status.py`` uses the standard library only, for start-up speed."""
