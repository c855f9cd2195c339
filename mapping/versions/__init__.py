"""New versions of a framework: the crosswalk between two versions (crosswalk.py), and
moving a register onto the new version, with a dry run (moving.py)."""
