"""The revisions, applied in order; never edit a released one, add the next."""
