"""Widgets of the scoring app. Widgets post messages up; the session controller saves."""
