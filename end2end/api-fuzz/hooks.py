"""Schemathesis hooks for Linli's API fuzz run (`./dev test`, after Playwright).

Workbooks and PDFs are uploaded as raw bytes; schemathesis has no serializer for those media
types, so they reuse its `application/octet-stream` one: the server then meets random bytes
where it expects a workbook or a PDF, which is exactly what it must refuse cleanly.
"""
import schemathesis

schemathesis.serializer.alias(
    [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
    "application/octet-stream",
)
