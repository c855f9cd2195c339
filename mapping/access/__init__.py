"""Who may do what: roles, site-wide or for one register, and signing in."""
