"""Modal dialogs: one base, a confirmation, a message, text entry and the feedback entry forms."""

from seeds_tui.tui.dialogs.base import BaseDialog, ConfirmDialog, MessageDialog, TextEntryDialog

__all__ = ["BaseDialog", "ConfirmDialog", "MessageDialog", "TextEntryDialog"]
