"""`make load`: locust against gunicorn + PostgreSQL on loopback (docs/deployment.md,
"Load and capacity"). Not part of the application: nothing here is imported by it."""
