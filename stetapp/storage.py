"""Private files: receipts, organisation logos and generated reports.

They live under STETAPP_PRIVATE_MEDIA_ROOT, which no web server serves; views stream them
after the access check.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage():
    return FileSystemStorage(location=settings.STETAPP_PRIVATE_MEDIA_ROOT, base_url=None)
