"""The Textual app that ``seeds-tui`` opens: set up, score, give feedback, review, finalise.

``seeds_tui.tui.app.create_app`` builds the app (the CLI and the tests use it);
``seeds_tui.tui.start.run_app`` runs it in a terminal. Nothing here imports pandas.
"""
