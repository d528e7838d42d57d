"""Fonts, icons, translations and templates shipped with the application (see :mod:`resources.locate`)."""
