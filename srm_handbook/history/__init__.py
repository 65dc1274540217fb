"""The data file's change history (git), and what changed between two models.

The limits of the history are here, apart from :mod:`.git_history`: the plugin's options
check them at start-up, and a site without history never imports the rest.
"""

DEFAULT_LIMIT = 50
"""History entries shown by default."""
MAX_LIMIT = 1000
"""The most entries a site may ask for."""
