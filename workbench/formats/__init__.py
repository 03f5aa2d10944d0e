"""Exchange formats: pure parsers and writers (text in, records out, and back); callers do the I/O."""
