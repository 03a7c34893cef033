"""Files on disk: atomic writes, the store (drafts, finals, history, conflicts, consensus),
import into a store, reading a practitioner's earlier records, and the user's settings."""
