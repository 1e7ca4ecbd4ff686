"""tdkt: thi đua, khen thưởng workbooks — validate, consolidate, report (CLI and Excel add-in)."""

__version__ = "0.1.0"
