"""Clinical rules of bmtrack as pure standard-library Python.

Nothing here imports Django (a test proves it): the rules can be used as a library and through the
CLI contract of DESIGN.md (``python -m bmtrack.clinical gpa|rano|schedule|screening|protocol``).
Every module cites the page of ``docs/clinical/`` it implements and the paper behind it.
"""
