"""The benchmark (`make bench`, `python -m bench`): each stage of the refresh timed on data `synthetic` generates.

It stands on top of the house (docs/layout.md): it runs the product's steps (`csw.pipeline`) on the generator's
landing folders, and nothing imports it. `bench/stages.py` holds the stages, their lines and the daily delta.
"""
