"""Form helpers shared by every app."""

from django.core.exceptions import ValidationError


def apply_validation_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields (or at
    the top when the form has no such field), other errors at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)
