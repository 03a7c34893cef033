"""Pseudonymous labels for practitioners and observers (keyed hashes, stable per store)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

import pandas as pd

from seeds_tui.core.errors import SeedsError
from seeds_tui.core.tomlio import read_regular
from seeds_tui.storage.atomic import create_exclusive
from seeds_tui.storage.store import Store

PSEUDONYM_KEY_FILE = ".pseudonym-key"


def pseudonym_key(store: Store) -> bytes:
    """The store's secret key for practitioner labels, created (owner-only) on first use.

    It lives in the store root, not in ``.cache``, so deleting the cache keeps labels stable.
    """
    path = store.root / PSEUDONYM_KEY_FILE
    try:
        text = read_key_text(path)
        if len(text) == 64:
            return bytes.fromhex(text)
    except (OSError, ValueError):
        pass
    key = secrets.token_bytes(32)
    if not store.root.is_dir():
        return key
    try:
        # Exclusive: two first runs at once must not end up with two keys.
        create_exclusive(path, key.hex().encode("ascii"), root=store.root)
    except FileExistsError:
        try:
            return bytes.fromhex(read_key_text(path))
        except (OSError, ValueError):
            return key
    except SeedsError:
        pass
    return key


def read_key_text(path: Path) -> str:
    """The key file's text: a regular file only (a pipe there must not block), at most a few bytes."""
    return read_regular(path, max_bytes=256).decode("ascii").strip()


def pseudonym(name: str, key: bytes, prefix: str = "P") -> str:
    """A stable label such as ``P-7F3A2C91D0`` for a name (keyed hash; same key, same label)."""
    digest = hmac.new(key, " ".join(name.split()).casefold().encode("utf-8"), hashlib.sha256).hexdigest()
    # 40 bits: a clash between two people is unlikely even among tens of thousands of names.
    return f"{prefix}-{digest[:10].upper()}"


def pseudonymise_frame(frame: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """A copy with practitioner (``P-``) and observer (``O-``) names replaced by labels."""
    out = frame.copy()
    for col, prefix in (("practitioner", "P"), ("observer", "O")):
        if col in out.columns:
            labels = {name: pseudonym(str(name), key, prefix) for name in pd.unique(out[col].astype(str))}
            out[col] = out[col].astype(str).map(labels).astype("category")
    return out
