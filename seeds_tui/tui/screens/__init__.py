"""The app's screens: home, set-up, scoring, after the session, review, help."""
