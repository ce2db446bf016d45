"""One reader per source: each turns a raw file into a tidy frame or raises SourceError.

Readers know nothing of the reference geography: they return codes as found in the
file (as strings); :mod:`divide.build.harmonise` maps them to today's communes.
"""
