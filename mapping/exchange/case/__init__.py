"""CASE 1.0 (Competencies and Academic Standards Exchange): reading packages and writing
them."""
