"""The Textual app that ``seeds-tui`` opens: set up, score, give feedback, review, finalise.

Import ``seeds_tui.tui.app`` for ``run_app`` and ``create_app``; nothing here imports pandas.
"""
