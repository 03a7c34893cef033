"""Documents made from the library's models and tables: the practitioner's feedback sheet
(Markdown, HTML) and the team summary (text, CSV, Markdown, JSON, xlsx, HTML)."""
