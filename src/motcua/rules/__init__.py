"""The law as code: pure Python, no Django import.

Every module here implements rules condensed in ``shared/rules/RULES.md`` and cites the instrument
in its docstrings. Django apps call these functions; they never re-implement them.
"""
