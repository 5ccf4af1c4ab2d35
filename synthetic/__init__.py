"""Synthetic, fictional data: the demo programme and programmes of any size.

The top layer of the project, like the tests: it may import every app, and no app's
runtime code imports it (docs/decisions.md, decision 27). Builders are split by phase
(`hub`, `participants`, `meetings`, `funding`, `evidence`); `demo` composes them into the
fixed demo programme and `programme` into a synthetic programme of N groups for
`manage.py bench`.
"""
