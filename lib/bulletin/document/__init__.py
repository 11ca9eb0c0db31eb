"""Stage 3, figures to a document: the bulletin's content (sentences, tables, charts) and its renderers."""
