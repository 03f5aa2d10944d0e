"""Use cases that coordinate several parts of the workbench (inputs, engine, store, outputs)."""
