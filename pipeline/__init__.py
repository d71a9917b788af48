"""Status reports on the goals of Ringsted Kommune's health policy, from the period's notat PDFs."""

__version__ = "0.1.0"
