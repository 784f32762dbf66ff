"""FAQ retrieval: which topic a question is about, or a decline."""
