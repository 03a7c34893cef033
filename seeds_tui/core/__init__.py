"""The domain core: rubric and observation models, the TOML codec, scoring rules, rubric versions,
actions carried forward and privacy hints. Imports neither Textual nor pandas, and writes no files."""
