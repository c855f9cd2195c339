"""Suggestions to review: links inferred through crosswalks (mapping/models/inference.py)
and lexical ones (lexical.py), listed together, accepted or dismissed (mapping/views/
suggestions.py)."""
