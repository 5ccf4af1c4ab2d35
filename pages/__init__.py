"""Pages composed of sections from several phases (docs/decisions.md, decision 30).

The home page and the group page show a part of every phase. Each phase offers its part
as a function in its own `sections.py`; this package fetches through the access layer,
asks each phase for its section and renders. No phase imports this package, and no
phase imports another phase's views.
"""
