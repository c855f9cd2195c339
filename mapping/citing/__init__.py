"""Citing the register: references in APA, Harvard, BibTeX, RIS and CSL-JSON."""
