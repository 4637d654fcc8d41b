"""Research knowledge base generator: sources + taxonomy -> Markdown pages for MkDocs."""
